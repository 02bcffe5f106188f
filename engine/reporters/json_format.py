"""The JSON report (OUTPUT.md): stable keys, sorted findings, byte-identical for the same input."""

from __future__ import annotations

import orjson

from check_compliance.engine.escaping import json_text, without_surrogates
from check_compliance.engine.findings import Report
from check_compliance.engine.reporters.jsonl import finding_document


def render(report: Report) -> str:
    document = report.model_dump(mode="json", exclude={"lang", "rules"})
    # Gate-only keys appear when the gate used them, so a plain report stays as OUTPUT.md shows.
    for key in ("waivers", "resolved", "quarantine", "not_checked", "notices"):
        if document[key] is None:
            del document[key]
    for key in ("new", "known"):
        if document["summary"][key] is None:
            del document["summary"][key]
    document["findings"] = [finding_document(f) for f in report.findings]
    # orjson writes what json.dumps(indent=2, ensure_ascii=False) writes, several times faster;
    # it refuses lone surrogates, so only a document holding one pays for a second pass.
    try:
        encoded = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    except TypeError:
        encoded = orjson.dumps(without_surrogates(document), option=orjson.OPT_INDENT_2)
    return json_text(encoded.decode()) + "\n"
