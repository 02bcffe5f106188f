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
