"""Period figures: counts, on-time rates, nearest-rank percentiles, satisfaction."""

from __future__ import annotations

from support import merge

from check_compliance import Checker
from check_compliance.obligations.loading import validate_records

BASE = {
    "contract": {"id": "HT", "effective_on": "2026-10-01", "term_years": 1},
    "as_of": "2026-10-20T00:00:00+08:00",
    "complaints": [],
}


def _complaint(i: int, response_minutes: int, satisfaction: int | None = None) -> dict:
    record = {"id": f"C{i}", "received_at": "2026-10-05T09:00:00+08:00", "urgency": "urgent", "status": "open",
              "first_response_at": f"2026-10-05T{9 + response_minutes // 60:02d}:{response_minutes % 60:02d}:00+08:00"}
    if satisfaction is not None:
        record["satisfaction"] = satisfaction
    return record


def test_figures_of_a_period(checker: Checker) -> None:
    complaints = [_complaint(i, m, s) for i, (m, s) in enumerate([(10, 5), (20, 4), (30, None), (150, 1)])]
    report = checker.check(validate_records(merge(BASE, {"complaints": complaints})))
    october = report.periods[0]
    assert october.period == "2026-10-01/2026-10-31" and october.complaints == 4
    first = october.deadlines["first-response"]
    assert (first.met, first.late, first.overdue, first.running) == (3, 1, 0, 0)
    assert first.on_time_rate == 0.75
    # nearest rank of 600, 1200, 1800, 9000 s: p50 is the 2nd value, p90 the 4th
    assert (october.first_response_seconds.p50, october.first_response_seconds.p90, october.first_response_seconds.max) == (1200, 9000, 9000)
    assert october.resolution_seconds is None
    assert october.satisfaction_count == 3 and october.satisfaction_mean == 3.33


def test_a_running_deadline_is_not_decided(checker: Checker) -> None:
    doc = merge(BASE, {"as_of": "2026-10-05T10:00:00+08:00", "complaints": [{"id": "C1", "received_at": "2026-10-05T09:00:00+08:00", "urgency": "urgent", "status": "open"}]})
    figures = checker.check(validate_records(doc)).periods[0].deadlines["first-response"]
    assert (figures.running, figures.on_time_rate) == (1, None)


def test_withdrawn_complaints_owe_no_resolution_in_the_figures(checker: Checker) -> None:
    doc = merge(BASE, {"complaints": [{"id": "C1", "received_at": "2026-10-05T09:00:00+08:00", "status": "withdrawn"}]})
    resolution = checker.check(validate_records(doc)).periods[0].deadlines["resolution"]
    assert (resolution.met, resolution.late, resolution.overdue, resolution.running) == (0, 0, 0, 0)
