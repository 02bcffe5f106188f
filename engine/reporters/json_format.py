"""The JSON report (OUTPUT.md): stable keys, sorted findings, byte-identical for the same input."""

from __future__ import annotations

import json

from engine.findings import Report


def render(report: Report) -> str:
    document = report.model_dump(mode="json", exclude={"lang", "rules"})
    # Gate-only keys appear when the gate used them, so a plain report stays as OUTPUT.md shows.
    for key in ("waivers", "resolved"):
        if document[key] is None:
            del document[key]
    for key in ("new", "known"):
        if document["summary"][key] is None:
            del document["summary"][key]
    for finding in document["findings"]:
        finding["evidence"] = {k: v for k, v in finding["evidence"].items() if v is not None}
        for key in ("waived", "baseline"):
            if finding[key] is None:
                del finding[key]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
