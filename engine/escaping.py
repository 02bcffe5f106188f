"""How record-derived text is made safe in every report format and the engine's feed: the one place.

Ids, messages (which quote ids), waiver reasons and file names come from data anyone may have
typed. A character that can act where a report is read — a C0 or C1 control (ESC starts an ANSI
sequence, a newline starts a GitHub workflow command), DEL, a line or paragraph separator, a bidi
embedding, override or isolate (it reorders what a reviewer sees) — is never written raw, and a
lone surrogate (not encodable as UTF-8) is replaced by U+FFFD. Two ways, one character set:

- `shown(text)`, for what people read (text, github, markdown, JUnit bodies): each such character
  becomes a visible `\\u001b`-style escape, so a field stays on its line and shows what it holds;
- `json_text` and `xml_text`, for what programs read (json, jsonl, sarif, JUnit attributes): the
  value stays exact and the characters are written as the format's own escapes (`\\u202e`,
  `&#x202e;`), which parsers decode and terminals never see.

`obligations.errors.excerpt()` escapes error messages the same way (and also shortens them); the
CLI passes every message it prints through `shown`. The engine's feed (runtime.py) replaces lone
surrogates with `without_surrogates`, so a record's text can always be sent to durable_rules.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
_SURROGATE = "\ud800-\udfff"
# Encoders escape C0 controls themselves (JSON always, XML in attributes); the rest can stay raw.
_PAST_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# Controls, DEL, C1, line/paragraph separators, bidi marks, embeddings, overrides and isolates.
UNSAFE = re.compile(f"[\x00-\x1f{_PAST_C0}{_SURROGATE}]")
_RAW_IN_JSON = re.compile(f"[{_PAST_C0}{_SURROGATE}]")
_RAW_IN_XML = re.compile(f"[{_PAST_C0}]")
_SURROGATES = re.compile(f"[{_SURROGATE}]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return REPLACEMENT if "\ud800" <= char <= "\udfff" else f"\\u{ord(char):04x}"


def _xml_escape(match: re.Match[str]) -> str:
    return f"&#x{ord(match.group()):x};"


def shown(text: str) -> str:
    """`text` for a human reader: acting characters as visible escapes, surrogates replaced."""
    return UNSAFE.sub(_visible, text) if UNSAFE.search(text) else text


def json_text(encoded: str) -> str:
    """Encoded JSON (`ensure_ascii=False`) with the acting characters left raw by the encoder
    written as `\\uXXXX` escapes, and lone surrogates replaced. Such characters occur only inside
    strings, so the document's values are unchanged apart from the surrogates."""
    return _RAW_IN_JSON.sub(_visible, encoded)


def xml_text(serialized: str) -> str:
    """Serialized XML with the acting characters XML allows written as character references.

    Characters XML 1.0 forbids even escaped must have been replaced before (`xml_value`)."""
    return _RAW_IN_XML.sub(_xml_escape, serialized)


_NOT_XML = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_SURROGATE}\ufffe\uffff]")


def xml_value(text: str) -> str:
    """A value XML 1.0 can carry: its forbidden characters (most C0 controls, surrogates) replaced."""
    return _NOT_XML.sub(REPLACEMENT, text)


def without_surrogates(value: Any) -> Any:
    """A JSON-ready document with lone surrogates replaced in every string (keys included)."""
    if isinstance(value, str):
        return _SURROGATES.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_surrogates(v) for v in value]
    return value
