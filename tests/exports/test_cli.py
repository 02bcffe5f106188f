"""The CLI on mapped exports: exit codes, the quarantine file and the report's counts, convert, hints."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from export_support import EVENTS, HEADER, MAPPINGS, write

from check_compliance import load_records
from check_compliance.cli import main

GOOD = ["A,New,0,1/10/2026 09:00,1/10/2026 09:00,3", "A,Active,1,1/10/2026 09:00,1/10/2026 10:00,3"]
BAD = ["B,New,0,1/10/2026 09:00,1/10/2026 09:00,9", "C,New,0,1/10/2026 09:00,1/10/2026 09:00,9", "D,Active,0,2/10/2026 09:00,1/10/2026 09:00,3"]


def _export(tmp_path: Path, rows: list[str]) -> Path:
    return write(tmp_path, EVENTS, {"events.csv": "\n".join([HEADER, *rows]) + "\n"})


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_without_a_quarantine_an_invalid_complaint_stops_the_check_naming_file_and_row(tmp_path: Path) -> None:
    result = _run("--mapping", str(_export(tmp_path, GOOD + BAD)))
    assert result.exit_code == 2
    assert "events.csv row 3 id \"B\".urgency: no `map` entry for \"9\"" in result.output
    assert "events.csv row 5 id \"D\".first_response_at" in result.output
    assert "Traceback" not in result.output


def test_the_quarantine_sets_them_aside_and_the_gate_still_fails(tmp_path: Path) -> None:
    mapping = _export(tmp_path, GOOD + BAD)
    quarantine = tmp_path / "quarantine.json"
    report = tmp_path / "report.json"
    result = _run("--mapping", str(mapping), "--quarantine", str(quarantine), "--format", f"json:{report}", "--format", "text")
    assert result.exit_code == 2
    assert "3 complaint(s) quarantined, not checked (unmapped 2, inconsistent 1)" in result.output
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["quarantine"] == {"complaints": 3, "by_kind": {"unmapped": 2, "inconsistent": 1}}
    assert document["summary"]["checked"]["complaints"] == 1
    written = json.loads(quarantine.read_text(encoding="utf-8"))
    assert written["quarantined"] == 3
    assert [(c["id"], c["row"], c["rows"], [p["kind"] for p in c["problems"]]) for c in written["complaints"]] == [
        ("B", 3, 1, ["unmapped"]), ("C", 4, 1, ["unmapped"]), ("D", 5, 1, ["inconsistent"])]
    assert all(c["file"].endswith("events.csv") for c in written["complaints"])


def test_max_quarantined_allows_them_and_the_findings_decide(tmp_path: Path) -> None:
    mapping = _export(tmp_path, GOOD + BAD)
    quarantine = tmp_path / "q.jsonl"
    assert _run("--mapping", str(mapping), "--quarantine", str(quarantine), "--max-quarantined", "2").exit_code == 2
    result = _run("--mapping", str(mapping), "--quarantine", str(quarantine), "--max-quarantined", "3")
    assert result.exit_code == 0, result.output
    assert len(quarantine.read_text(encoding="utf-8").splitlines()) == 3


def test_max_quarantined_needs_a_quarantine_file(tmp_path: Path) -> None:
    result = _run("--mapping", str(_export(tmp_path, GOOD)), "--max-quarantined", "3")
    assert result.exit_code == 2 and "--quarantine" in result.output


def test_export_files_on_the_command_line_replace_source_files(tmp_path: Path) -> None:
    mapping = _export(tmp_path, BAD)
    other = tmp_path / "other.csv"
    other.write_text("\n".join([HEADER, *GOOD]) + "\n", encoding="utf-8")
    result = _run(str(other), "--mapping", str(mapping), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["source"].endswith("other.csv")


def test_convert_writes_records_that_load_back_and_check_the_same(tmp_path: Path) -> None:
    for suffix in (".json", ".jsonl"):
        out = tmp_path / f"records{suffix}"
        result = _run("convert", "--mapping", str(MAPPINGS / "servicenow.yaml"), "-o", str(out))
        assert result.exit_code == 0, result.output
        records = load_records(out)
        assert [c.id for c in records.complaints] == ["INC0001", "INC0002", "INC0003", "INC0004", "INC0005"]
    direct = _run("--mapping", str(MAPPINGS / "servicenow.yaml"), "--format", "json")
    converted = _run(str(tmp_path / "records.json"), "--format", "json")
    assert direct.exit_code == converted.exit_code == 1
    # The records carry no not_tracked: the converted check judges those too; the rest is the same.
    skipped = {n["rule"] for n in json.loads(direct.output)["not_checked"]}
    assert [f["fingerprint"] for f in json.loads(direct.output)["findings"]] == [
        f["fingerprint"] for f in json.loads(converted.output)["findings"] if f["rule"] not in skipped]


def test_convert_with_invalid_complaints_and_a_quarantine(tmp_path: Path) -> None:
    mapping = _export(tmp_path, GOOD + BAD)
    out, quarantine = tmp_path / "r.json", tmp_path / "q.json"
    assert _run("convert", "--mapping", str(mapping), "-o", str(out)).exit_code == 2
    assert not out.exists()
    result = _run("convert", "--mapping", str(mapping), "-o", str(out), "--quarantine", str(quarantine), "--max-quarantined", "3")
    assert result.exit_code == 0
    assert [c.id for c in load_records(out).complaints] == ["A"]


def test_a_csv_or_zip_without_a_mapping_gets_the_way_forward(tmp_path: Path) -> None:
    csv = tmp_path / "export.csv"
    csv.write_text("a,b\n", encoding="utf-8")
    zipped = tmp_path / "export.dat"
    zipped.write_bytes(b"PK\x03\x04rest")
    for path in (csv, zipped):
        result = _run(str(path))
        assert result.exit_code == 2
        assert "--mapping MAPPING.yaml" in result.output and "not a records file" in result.output


def test_a_records_file_is_checked_as_before() -> None:
    root = MAPPINGS.parent
    result = _run(str(root / "fixtures" / "sample-month.json"), "--format", "json")
    assert result.exit_code == 1
    assert "not_checked" not in json.loads(result.output) and "quarantine" not in json.loads(result.output)


def test_not_tracked_obligations_are_listed_in_every_format_never_passed(tmp_path: Path) -> None:
    out = {}
    for name in ("json", "text", "junit", "sarif", "github", "markdown"):
        target = tmp_path / f"report.{name}"
        assert _run("--mapping", str(MAPPINGS / "servicenow.yaml"), "--format", f"{name}:{target}").exit_code == 1
        out[name] = target.read_text(encoding="utf-8")
    assert {n["rule"] for n in json.loads(out["json"])["not_checked"]} >= {"feedback", "report-due"}
    assert "feedback" not in json.loads(out["json"])["summary"]["by_rule"]
    assert "Not checked" in out["text"] and "feedback" in out["text"]
    assert 'classname="feedback"' in out["junit"] and 'type="not_tracked"' in out["junit"]
    assert json.loads(out["sarif"])["runs"][0]["properties"]["notChecked"]
    assert "::notice file=mappings/servicenow-events.csv,title=Not checked%3A feedback::" in out["github"]
    assert "### Not checked" in out["markdown"]


def test_an_unknown_rule_in_not_tracked_is_a_mapping_error(tmp_path: Path) -> None:
    text = EVENTS + "not_tracked:\n  feedbak: no such thing\n"
    mapping = write(tmp_path, text, {"events.csv": "\n".join([HEADER, *GOOD]) + "\n"})
    result = _run("--mapping", str(mapping))
    assert result.exit_code == 2
    assert "mapping.yaml:" in result.output and "unknown rule 'feedbak'" in result.output and "did you mean 'feedback'" in result.output


def test_a_defaulted_as_of_long_after_the_data_is_noted(tmp_path: Path) -> None:
    mapping = write(tmp_path, EVENTS.replace("as_of: latest\n", ""), {"events.csv": "\n".join([HEADER, *GOOD]) + "\n"})
    result = _run("--mapping", str(mapping), "--format", "json")
    assert "as_of defaulted to now" in json.loads(result.output)["notices"][0]
    pinned = _run("--mapping", str(mapping), "--format", "json", "--as-of", "2026-10-02T00:00:00+08:00")
    assert "notices" not in json.loads(pinned.output)
