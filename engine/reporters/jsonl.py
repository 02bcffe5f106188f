"""JSON Lines for log pipelines: one finding a line, the same objects as the JSON report's `findings`."""

from __future__ import annotations

import json
from typing import Any

from check_compliance.engine.escaping import json_text
from check_compliance.engine.findings import Finding, Report


def render(report: Report) -> str:
    return json_text("".join(json.dumps(finding_document(f), ensure_ascii=False, separators=(",", ":")) + "\n" for f in report.findings))


def finding_document(finding: Finding) -> dict[str, Any]:
    """A finding as `json_format` writes it: unset evidence and gate-only keys left out."""
    document = finding.model_dump(mode="json")
    document["evidence"] = {k: v for k, v in document["evidence"].items() if v is not None}
    for key in ("waived", "baseline"):
        if document[key] is None:
            del document[key]
    return document
