"""`--jobs N` judges complaints in N processes; the report must not depend on N."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from randomdocs import document

from check_compliance.cli import main
from check_compliance.engine import parallel
from check_compliance.engine.parallel import WORTH_A_PROCESS, shares
from check_compliance.obligations.reading.export import BlockExport


def test_jobs_2_and_jobs_1_give_byte_identical_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A smaller share per process than in real use, so that a quick month really is split.
    monkeypatch.setattr(parallel, "WORTH_A_PROCESS", 100)
    records = tmp_path / "month.json"
    records.write_text(json.dumps(document(7, 1000, 45)), encoding="utf-8")
    assert len(shares(1000, 2)) == 2
    outputs = {}
    for jobs in ("1", "2"):
        for name in ("json", "text", "sarif", "junit"):
            result = CliRunner().invoke(main, [str(records), "--jobs", jobs, "--format", name])
            assert result.exit_code == 1, result.output
            outputs[(jobs, name)] = result.output
    for name in ("json", "text", "sarif", "junit"):
        assert outputs[("1", name)] == outputs[("2", name)]
    assert json.loads(outputs[("2", "json")])["summary"]["checked"]["complaints"] == 1000


def test_shares_cover_every_complaint_once() -> None:
    for count in (0, 1, WORTH_A_PROCESS, 2 * WORTH_A_PROCESS + 1, 100_003):
        for jobs in (1, 2, 3, 8):
            parts = shares(count, jobs)
            assert parts[0][0] == 0 and parts[-1][1] == count
            assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
            assert len(parts) <= max(1, jobs)


def test_jobs_must_be_positive() -> None:
    assert CliRunner().invoke(main, ["x.json", "--jobs", "0"]).exit_code == 2


def _no_reference(self: object) -> None:
    raise AssertionError("the fast path gave up on a valid input")


@pytest.mark.parametrize("layout", ["jsonl", "json"])
def test_jobs_split_the_fast_readers_lines_with_byte_identical_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    from columnar_files import write_document, write_jsonl

    from check_compliance.obligations import reading
    from check_compliance.obligations.reading import open_export

    monkeypatch.setattr(reading, "FAST_FROM", 0)
    monkeypatch.setattr(parallel, "WORTH_A_PROCESS", 100)
    monkeypatch.setattr(BlockExport, "reference", _no_reference)
    records = tmp_path / f"month.{layout}"
    doc = document(11, 1000, 45)
    write_jsonl(doc, records) if layout == "jsonl" else write_document(doc, records)
    export = open_export(records)
    assert reading.is_block_export(export)
    assert len(parallel.block_shares(export, 2)) == 2  # type: ignore[arg-type]
    outputs = {}
    for jobs in ("1", "2", "3"):
        result = CliRunner().invoke(main, [str(records), "--jobs", jobs, "--format", "json"])
        assert result.exit_code == 1, result.output
        outputs[jobs] = result.output
    monkeypatch.setattr(reading, "FAST_FROM", 1 << 60)
    monkeypatch.undo()  # the reference path itself
    reference = CliRunner().invoke(main, [str(records), "--jobs", "1", "--format", "json"]).output
    assert outputs["1"] == outputs["2"] == outputs["3"] == reference
    assert json.loads(outputs["2"])["summary"]["checked"]["complaints"] == 1000


def test_a_share_that_cannot_be_proven_sends_the_whole_check_to_the_reference_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from columnar_files import write_jsonl

    from check_compliance.obligations import reading

    monkeypatch.setattr(reading, "FAST_FROM", 0)
    monkeypatch.setattr(parallel, "WORTH_A_PROCESS", 100)
    records = tmp_path / "month.jsonl"
    doc = document(12, 1000, 45)
    doc["complaints"][900]["urgency"] = "critical"  # in the second share
    doc["complaints"][100]["id"] = doc["complaints"][950]["id"]  # a duplicate across the shares
    write_jsonl(doc, records)
    fast = CliRunner().invoke(main, [str(records), "--jobs", "2"])
    monkeypatch.setattr(reading, "FAST_FROM", 1 << 60)
    reference = CliRunner().invoke(main, [str(records), "--jobs", "1"])
    assert fast.exit_code == reference.exit_code == 2
    assert fast.output == reference.output
    assert "urgency" in fast.output and "duplicate id" in fast.output  # the value itself is not shown (it may be personal data)
