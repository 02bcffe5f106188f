"""Records documents written as the fast readers' two layouts: JSON Lines, and a JSON document one record a line."""

from __future__ import annotations

import json
from pathlib import Path

LISTS = ("channels", "complaints", "evaluations", "reports", "disclosures")


def jsonl_lines(document: dict) -> list[str]:
    contract = {"type": "contract", **document["contract"]}
    if document.get("as_of") is not None:
        contract["as_of"] = document["as_of"]
    lines = [json.dumps(contract, ensure_ascii=False)]
    for name in LISTS:
        lines += [json.dumps({"type": name[:-1], **record}, ensure_ascii=False) for record in document.get(name) or ()]
    return lines


def write_jsonl(document: dict, path: Path) -> list[int]:
    """Write `document` as JSON Lines; the line numbers of its complaints."""
    lines = jsonl_lines(document)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [n for n, line in enumerate(lines, start=1) if line.startswith('{"type": "complaint"')]


def document_text(document: dict) -> str:
    """The common layout: compact, each list's records one a line (bench/generate.py writes the same)."""
    parts = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            parts.append(json.dumps(key) + ":[\n" + ",\n".join(json.dumps(v, ensure_ascii=False) for v in value) + "\n]")
        else:
            parts.append(json.dumps(key) + ":" + json.dumps(value, ensure_ascii=False))
    return "{" + ",".join(parts) + "}\n"


def write_document(document: dict, path: Path) -> None:
    path.write_text(document_text(document), encoding="utf-8")
