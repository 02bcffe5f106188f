"""One test per class of input error: each names the JSON path (or line) and what was expected."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import merge

from check_compliance import InputError, load_records
from check_compliance.obligations.loading import parse_records, parse_records_jsonl, validate_records

BASE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "clean.json").read_text(encoding="utf-8"))
C = "2026-10-03T09:00:00+08:00"

CASES = {
    "missing_required_field": ({"complaints": [{"received_at": None}]}, "complaints[0].received_at", "required"),
    "wrong_type": ({"contract": {"term_years": "one"}}, "contract.term_years", "integer"),
    "number_as_timestamp": ({"complaints": [{"received_at": 1700000000}]}, "complaints[0].received_at", "ISO 8601"),
    "bad_timestamp": ({"complaints": [{"resolved_at": "tomorrow"}]}, "complaints[0].resolved_at", "datetime"),
    "urgency_outside_allowed": ({"complaints": [{"urgency": "critical"}]}, "complaints[0].urgency", "'urgent', 'high', 'normal' or 'low'"),
    "status_outside_allowed": ({"complaints": [{"status": "done"}]}, "complaints[0].status", "'withdrawn'"),
    "party_outside_allowed": ({"disclosures": [{"party": "C"}]}, "disclosures[0].party", "'A' or 'B'"),
    "satisfaction_outside_allowed": ({"complaints": [{"satisfaction": 6}]}, "complaints[0].satisfaction", "less than or equal to 5"),
    "unknown_timezone": ({"contract": {"timezone": "Mars/Olympus"}}, "contract.timezone", "IANA"),
    "event_before_received": ({"complaints": [{"registered_at": "2026-10-03T08:00:00+08:00"}]}, "complaints[0].registered_at", "before received_at"),
    "feedback_before_resolved": ({"complaints": [{"feedback_at": "2026-10-04T09:00:00+08:00"}]}, "complaints[0].feedback_at", "before resolved_at"),
    "archive_before_resolved": ({"complaints": [{"archived_at": "2026-10-04T09:00:00+08:00"}]}, "complaints[0].archived_at", "before resolved_at"),
    "closed_without_resolved_at": ({"complaints": [{"resolved_at": None, "feedback_at": None, "archived_at": None}]}, "complaints[0].resolved_at", "status is 'closed'"),
    "pause_ends_before_it_starts": ({"complaints": [{"pauses": [{"from": "2026-10-03T10:00:00+08:00", "to": "2026-10-03T09:30:00+08:00"}]}]}, "complaints[0].pauses[0].to", "before its from"),
    "overlapping_pauses": ({"complaints": [{"pauses": [{"from": "2026-10-03T10:00:00+08:00", "to": "2026-10-03T11:00:00+08:00"}, {"from": "2026-10-03T10:30:00+08:00", "to": "2026-10-03T12:00:00+08:00"}]}]}, "complaints[0].pauses[1]", "overlaps"),
    "channel_closed_before_opened": ({"channels": [{"closed_on": "2026-09-01"}]}, "channels[0].closed_on", "before opened_on"),
    "period_end_before_start": ({"evaluations": [{"id": "E", "period": {"start": "2026-10-31", "end": "2026-10-01"}}]}, "evaluations[0].period.end", "before period.start"),
    "report_names_unknown_evaluation": ({"reports": [{"id": "R", "evaluation": "EV-404", "period": {"start": "2026-10-01", "end": "2026-10-31"}}]}, "reports[0].evaluation", "EV-404"),
}


@pytest.mark.parametrize(("patch", "path", "words"), CASES.values(), ids=CASES.keys())
def test_input_error_names_path_and_expectation(patch: dict, path: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        validate_records(merge(BASE, patch), "records.json")
    text = str(raised.value)
    assert re.search(rf"  {re.escape(path)}( \(id \"[^\"]*\"\))?: ", text), text
    assert words in text, text
    assert text.startswith("records.json: ")


def test_duplicate_ids_name_both_places() -> None:
    doc = merge(BASE, {})
    doc["complaints"].append(dict(doc["complaints"][0]))
    with pytest.raises(InputError, match=r'complaints\[1\]\.id \(id "C-1"\): duplicate id "C-1" \(first at complaints\[0\]\)'):
        validate_records(doc)


def test_every_error_is_listed_not_just_the_first() -> None:
    doc = merge(BASE, {"complaints": [{"urgency": "x", "status": "y", "satisfaction": 0}]})
    with pytest.raises(InputError) as raised:
        validate_records(doc)
    assert len(raised.value.problems) == 3


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(InputError, match=r"line 3 column 2: not valid JSON"):
        parse_records('{"contract": {},\n"complaints": [\n]]', "r.json")


def test_a_document_that_is_not_an_object() -> None:
    with pytest.raises(InputError, match=r"\(top\): expected a JSON object, got an array"):
        parse_records("[]")


def test_unknown_fields_are_kept_and_ignored() -> None:
    records = validate_records(merge(BASE, {"complaints": [{"agent": "A-7"}], "exported_by": "crm"}))
    assert records.complaints[0].model_extra == {"agent": "A-7"}


def test_null_lists_mean_empty() -> None:
    assert validate_records(merge(BASE, {"evaluations": None})).evaluations == []


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    lines = [
        {"type": "contract", **BASE["contract"], "as_of": BASE["as_of"]},
        {"type": "complaint", "id": "C-1", "received_at": C, "status": "open"},
        {"type": "complaint", "id": "C-2", "received_at": C, "status": "lost"},
        {"type": "memo", "id": "M"},
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines[:3]) + "\n")
    with pytest.raises(InputError, match=r"line 3: complaints\[1\]\.status"):
        load_records(path)
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    with pytest.raises(InputError, match=r'line 4: type \(id "M"\): expected one of contract, channel'):
        load_records(path)


def test_jsonl_and_json_give_the_same_records(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    rows = [{"type": "contract", **BASE["contract"], "as_of": BASE["as_of"]}]
    for name, kind in (("channels", "channel"), ("complaints", "complaint"), ("disclosures", "disclosure")):
        rows += [{"type": kind, **item} for item in BASE[name]]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    assert load_records(path) == validate_records(BASE)


def test_jsonl_lines_that_are_not_records() -> None:
    lines = [json.dumps({"type": "contract", **BASE["contract"]}), "null", "{bad", "[1]", ""]
    with pytest.raises(InputError) as raised:
        parse_records_jsonl("\n".join(lines))
    text = str(raised.value)
    assert "line 2: expected a JSON object, got null" in text
    assert "line 3 column 2: not valid JSON" in text
    assert "line 4: expected a JSON object, got an array" in text


def test_jsonl_without_a_contract() -> None:
    with pytest.raises(InputError, match='no record with "type": "contract"'):
        parse_records_jsonl(json.dumps({"type": "complaint", "id": "C", "received_at": C, "status": "open"}))


def test_errors_of_different_records_are_told_together() -> None:
    doc = merge(BASE, {})
    doc["complaints"] = [
        {"id": "C1", "received_at": C, "status": "gone"},
        {"id": "C1", "received_at": C, "registered_at": "2026-10-03T08:00:00+08:00", "status": "open"},
    ]
    with pytest.raises(InputError) as raised:
        validate_records(doc)
    text = str(raised.value)
    assert "complaints[0].status" in text
    assert 'complaints[1].id (id "C1"): duplicate id "C1" (first at complaints[0])' in text
    assert "complaints[1].registered_at" in text
