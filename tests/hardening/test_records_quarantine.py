"""`--quarantine` for a records file (JSON and JSON Lines): the valid rest checked, the invalid set aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hardening.records_support import document, jsonl

from check_compliance import InputError, load_records
from check_compliance.cli import main
from check_compliance.obligations.quarantine import Quarantined

PERSON = "Zhang San 13800138000"


def _mixed() -> dict:
    """Five complaints: one valid, then one of each kind of problem."""
    doc = document()
    good = doc["complaints"][0]
    doc["complaints"] = [dict(good, id=f"C-{i}") for i in range(5)]
    doc["complaints"][1]["urgency"] = PERSON
    doc["complaints"][2].pop("received_at")
    doc["complaints"][3]["registered_at"] = "2026-10-01T00:00:00+08:00"
    doc["complaints"][4]["id"] = "C-0"
    return doc


@pytest.fixture(params=["json", "jsonl"])
def records(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"r.{request.param}"
    path.write_text(json.dumps(_mixed()) if request.param == "json" else jsonl(_mixed()))
    return path


def _check(records: Path, *options: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [str(records), "--format", "json", "-o", str(records.parent / "report.json"), *options])


def test_without_the_option_one_bad_complaint_still_stops_everything(records: Path) -> None:
    result = _check(records)
    assert result.exit_code == 2
    assert not (records.parent / "report.json").exists()


def test_quarantined_complaints_are_written_with_their_problems_and_the_rest_checked(records: Path) -> None:
    out = records.parent / "bad.json"
    result = _check(records, "--quarantine", str(out))
    assert result.exit_code == 2, result.output  # quarantined, and none allowed
    report = json.loads((records.parent / "report.json").read_text())
    assert report["quarantine"] == {"complaints": 4, "by_kind": {"missing": 1, "not_allowed": 1, "inconsistent": 1, "duplicate": 1}}
    assert report["summary"]["checked"]["complaints"] == 1
    written = json.loads(out.read_text())
    assert written["quarantined"] == 4 and written["source"] == str(records)
    first = written["complaints"][0]
    assert (first["id"], first["path"], first["problems"][0]["kind"], first["problems"][0]["path"]) == ("C-1", "complaints[1]", "not_allowed", "urgency")
    assert ("line" in first) == records.name.endswith(".jsonl")
    if "line" in first:
        assert first["line"] == 6  # after the contract and three channels, C-0 then C-1
    assert PERSON not in first["problems"][0]["message"]


def test_max_quarantined_lets_the_gate_decide_on_the_findings(records: Path) -> None:
    out = records.parent / "bad.jsonl"
    assert _check(records, "--quarantine", str(out), "--max-quarantined", "4").exit_code == 0
    assert len(out.read_text().splitlines()) == 4
    assert _check(records, "--quarantine", str(out), "--max-quarantined", "3").exit_code == 2


def test_nothing_to_quarantine_reports_zero(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document()))
    assert _check(path, "--quarantine", str(tmp_path / "bad.json")).exit_code == 0
    assert json.loads((tmp_path / "report.json").read_text())["quarantine"] == {"complaints": 0, "by_kind": {}}


def test_other_records_still_stop_the_check(tmp_path: Path) -> None:
    doc = _mixed()
    doc["channels"][0]["closed_on"] = "2025-01-01"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    result = _check(path, "--quarantine", str(tmp_path / "bad.json"))
    assert result.exit_code == 2 and "channels[0].closed_on" in result.output


@pytest.mark.parametrize("kind", ["json", "jsonl"])
def test_library_load_records_with_a_quarantine_list(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"r.{kind}"
    path.write_text(json.dumps(_mixed()) if kind == "json" else jsonl(_mixed()))
    set_aside: list[Quarantined] = []
    records = load_records(path, quarantine=set_aside)
    assert [c.id for c in records.complaints] == ["C-0"]
    assert [q.id for q in set_aside] == ["C-1", "C-2", "C-3", "C-0"]
    assert [q.kinds for q in set_aside] == [["not_allowed"], ["missing"], ["inconsistent"], ["duplicate"]]
    with pytest.raises(InputError):
        load_records(path)
