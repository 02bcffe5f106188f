"""The JSON report (OUTPUT.md): stable keys, sorted findings, byte-identical for the same input."""

from __future__ import annotations

import json

from engine.findings import Report


def render(report: Report) -> str:
    document = report.model_dump(mode="json", exclude={"lang"})
    for finding in document["findings"]:
        finding["evidence"] = {k: v for k, v in finding["evidence"].items() if v is not None}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
