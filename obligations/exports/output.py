"""Writing the records a mapping produced (RECORDS.md): a JSON document or JSON Lines, byte-stable.

The document puts one complaint on a line inside `"complaints": [...]`, the layout big exports
are read fastest in; JSON Lines give the contract (with `as_of`) first, then channels, then
complaints, each with its `"type"`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from check_compliance.obligations.errors import CheckError, Problem


def records_bytes(document: dict[str, Any], jsonl: bool) -> bytes:
    if jsonl:
        contract = {"type": "contract", **document["contract"]}
        if "as_of" in document:
            contract["as_of"] = document["as_of"]
        lines = [contract] + [{"type": "channel", **c} for c in document["channels"]] + [{"type": "complaint", **c} for c in document["complaints"]]
        return b"".join(orjson.dumps(line) + b"\n" for line in lines)
    head = [b'{"contract": ' + orjson.dumps(document["contract"])]
    if "as_of" in document:
        head.append(b'"as_of": ' + orjson.dumps(document["as_of"]))
    head.append(b'"channels": ' + orjson.dumps(document["channels"]))
    complaints = b",\n".join(orjson.dumps(c) for c in document["complaints"])
    return b",\n".join(head) + b',\n"complaints": [\n' + complaints + (b"\n" if complaints else b"") + b"]}\n"


def write_records(path: Path, document: dict[str, Any]) -> None:
    """Write `document` to `path`: JSON Lines if it ends in `.jsonl`, else one JSON document."""
    try:
        path.write_bytes(records_bytes(document, path.suffix == ".jsonl"))
    except OSError as error:
        raise CheckError(str(path), [Problem("", f"cannot write: {error.strerror or error}")]) from None
