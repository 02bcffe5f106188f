"""The command line through click's CliRunner: one test per exit code, plus the options."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from check_compliance.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "fixtures" / "sample-month.json")
CLEAN = str(ROOT / "tests" / "fixtures" / "clean.json")
AT_RISK = str(ROOT / "tests" / "fixtures" / "at-risk.json")


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_exit_0_when_every_obligation_is_met() -> None:
    result = invoke(CLEAN)
    assert result.exit_code == 0, result.output
    assert "No findings" in result.output


def test_exit_1_when_a_breach_is_found() -> None:
    result = invoke(SAMPLE)
    assert result.exit_code == 1
    assert "Clause 1.2" in result.output and "first-response" in result.output


def test_exit_2_on_invalid_records_with_every_error_listed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"contract": {"id": "X", "effective_on": "2026-01-01", "term_years": 1},
                               "complaints": [{"id": "C1", "received_at": "yesterday", "status": "open"},
                                              {"id": "C1", "received_at": "2026-10-01T00:00:00", "status": "gone"}]}))
    result = invoke(str(bad))
    assert result.exit_code == 2
    assert "complaints[0].received_at" in result.output
    assert "complaints[1].status" in result.output
    assert "Traceback" not in result.output


def test_exit_2_on_a_missing_file() -> None:
    result = invoke("no-such-file.json")
    assert result.exit_code == 2
    assert "no-such-file.json" in result.output and "cannot read" in result.output


def test_exit_2_on_a_bad_option() -> None:
    assert invoke(SAMPLE, "--format", "pdf").exit_code == 2
    result = invoke(SAMPLE, "--as-of", "last tuesday")
    assert result.exit_code == 2 and "ISO 8601" in result.output


def test_exit_2_on_a_broken_terms_file(tmp_path: Path) -> None:
    terms = tmp_path / "terms.yaml"
    terms.write_text("limits:\n  registration: soon\n")
    result = invoke(SAMPLE, "--terms", str(terms))
    assert result.exit_code == 2
    assert "terms.yaml:2:17" in result.output and "8h" in result.output


def test_warnings_exit_0_unless_fail_on_warning() -> None:
    assert invoke(AT_RISK).exit_code == 0
    assert invoke(AT_RISK, "--fail-on", "warning").exit_code == 1


def test_json_report_has_the_documented_keys(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = invoke(SAMPLE, "--format", "json", "-o", str(out))
    assert result.exit_code == 1 and result.output == ""
    report = json.loads(out.read_text())
    assert list(report)[:6] == ["version", "as_of", "contract", "rulebook", "summary", "findings"]
    first = report["findings"][0]
    for key in ("rule", "obligation", "clause", "breach", "party", "severity", "outcome", "subject", "due_at", "observed_at", "delay_seconds", "message"):
        assert key in first
    assert report["summary"]["findings"] == len(report["findings"])


def test_as_of_replays_the_past() -> None:
    early = invoke(SAMPLE, "--format", "json", "--as-of", "2026-10-02T00:00:00+08:00")
    late = invoke(SAMPLE, "--format", "json")
    assert len(json.loads(early.output)["findings"]) < len(json.loads(late.output)["findings"])
    assert json.loads(early.output)["as_of"] == "2026-10-02T00:00:00+08:00"


def test_chinese_messages() -> None:
    result = invoke(SAMPLE, "--lang", "zh")
    assert "投诉" in result.output and "第 1.2 条" in result.output


def test_help_has_examples() -> None:
    result = invoke("--help")
    assert result.exit_code == 0 and "Examples:" in result.output and "Exit codes:" in result.output


def test_rules_directory_option(tmp_path: Path) -> None:
    (tmp_path / "only.yaml").write_text((ROOT / "rules" / "confidentiality.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke(SAMPLE, "--rules", str(tmp_path), "--format", "json")
    rules = {f["rule"] for f in json.loads(result.output)["findings"]}
    assert rules == {"disclosure-consent", "disclosure-purpose"}


def test_business_hours_terms_of_the_fixtures() -> None:
    result = invoke(SAMPLE, "--terms", str(ROOT / "fixtures" / "terms-business-hours.yaml"), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    business = [f for f in findings if f["evidence"].get("clock") == "support" and f["outcome"] in ("late", "overdue", "at_risk")]
    assert business and all("working" in f["message"] for f in business)
    assert all(f["due_at"].endswith("+08:00") for f in business)
