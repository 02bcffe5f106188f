"""Raw complaints (RAW_SCHEMA dicts) → valid `Complaint`s, and the invalid ones with their problems.

`set_aside` is the one place the fold meets record validation: it validates each folded complaint
with the pydantic `Complaint` model and the consistency rules of OBLIGATIONS.md (duplicate ids:
the first stays). When the readers' vectorized validator of raw blocks is on `main`, it replaces
this function's body; its callers stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any, Optional

from pydantic import ValidationError

from check_compliance.obligations.consistency import Consistency
from check_compliance.obligations.loading import error_problem
from check_compliance.obligations.quarantine import Issue, Kind
from check_compliance.obligations.records import Complaint

_PYDANTIC_KINDS: dict[str, Kind] = {
    "missing": "missing",
    "literal_error": "not_allowed",
    "greater_than_equal": "not_allowed",
    "less_than_equal": "not_allowed",
    "datetime_parsing": "unreadable",
    "datetime_from_date_parsing": "unreadable",
    "int_parsing": "unreadable",
}


def set_aside(documents: Sequence[dict[str, Any]], zone: tzinfo, known: Sequence[tuple[Issue, ...]]) -> list[tuple[Optional[Complaint], tuple[Issue, ...]]]:
    """Each document validated: the `Complaint`, or None and every problem (the fold's `known` ones first).

    A complaint the fold already found trouble in is still validated, so all its problems are told
    at once; a field the fold could not read is not told again as missing.
    """
    consistency = Consistency(zone)
    out: list[tuple[Optional[Complaint], tuple[Issue, ...]]] = []
    for index, (document, troubles) in enumerate(zip(documents, known)):
        issues = list(troubles)
        told = {i.path for i in troubles}
        try:
            complaint: Optional[Complaint] = Complaint.model_validate(document, context={"zone": zone})
        except ValidationError as error:
            complaint = None
            for e in error.errors():
                problem = error_problem(e)
                if problem.path in told:
                    continue
                issues.append(Issue(_PYDANTIC_KINDS.get(e["type"], "invalid"), problem.path, problem.message))
            for problem in consistency.identify("complaints", index, document.get("id")):
                issues.append(Issue("duplicate", "id", _duplicate(problem.message)))
        else:
            for problem in consistency.record("complaints", index, complaint):
                path = problem.path.split(".", 1)[1] if "." in problem.path else "id"
                kind: Kind = "duplicate" if "duplicate id" in problem.message else "inconsistent"
                issues.append(Issue(kind, path, _duplicate(problem.message) if kind == "duplicate" else problem.message))
        if issues:
            out.append((None, tuple(issues)))
        else:
            out.append((complaint, ()))
    return out


def _duplicate(message: str) -> str:
    # "duplicate id 'X' (first at complaints[3])": the position in the fold means nothing to the user.
    return message.split(" (first at", 1)[0] + " (an earlier complaint has it; the first stays)"
