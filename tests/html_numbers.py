"""Reading the numbers an HTML page shows (`<data value data-src>`) and where in the JSON report they come from."""

from __future__ import annotations

import re
from typing import Any

import html5lib


def strict(text: str) -> Any:
    """The page parsed as HTML5, raising on the first parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def numbers(text: str) -> list[tuple[str, str]]:
    return [(node.get("data-src"), node.get("value")) for node in strict(text).iter("data")]


def at(document: Any, path: str) -> Any:
    """`periods[9].deadlines.first-response.on_time_rate` in the JSON report."""
    current = document
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        current = current[int(part[1:-1])] if part.startswith("[") else current[part]
    return current
