"""The CLI as a CI gate: several formats at once, waivers, baselines, streams, gzip and stdin."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from check_compliance.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample-month.json"


def invoke(*args: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def _jsonl(path: Path) -> Path:
    """The sample month as JSON Lines."""
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    rows = [{"type": "contract", **document["contract"], "as_of": document["as_of"]}]
    for name, kind in (("channels", "channel"), ("complaints", "complaint"), ("evaluations", "evaluation"), ("reports", "report"), ("disclosures", "disclosure")):
        rows += [{"type": kind, **item} for item in document[name]]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _findings(text: str) -> list[tuple[str, str, str]]:
    return [(f["rule"], f["subject"]["id"], f["outcome"]) for f in json.loads(text)["findings"]]


def test_several_formats_in_one_run(tmp_path: Path) -> None:
    junit, sarif = tmp_path / "junit.xml", tmp_path / "report.sarif"
    result = invoke(str(SAMPLE), "--format", f"junit:{junit}", "--format", f"sarif:{sarif}", "--format", "text")
    assert result.exit_code == 1
    assert "Clause 1.2" in result.output
    assert junit.read_text().startswith("<?xml") and json.loads(sarif.read_text())["version"] == "2.1.0"


def test_two_formats_cannot_share_stdout() -> None:
    result = invoke(str(SAMPLE), "--format", "json", "--format", "text")
    assert result.exit_code == 2 and "only one format" in result.output


def test_jsonl_stream_gives_the_same_findings_as_the_document(tmp_path: Path) -> None:
    stream = invoke(str(_jsonl(tmp_path / "month.jsonl")), "--format", "json")
    document = invoke(str(SAMPLE), "--format", "json")
    assert stream.exit_code == document.exit_code == 1
    assert _findings(stream.output) == _findings(document.output)


def test_gzip_and_stdin(tmp_path: Path) -> None:
    jsonl = _jsonl(tmp_path / "month.jsonl")
    packed = tmp_path / "month.jsonl.gz"
    packed.write_bytes(gzip.compress(jsonl.read_bytes()))
    expected = _findings(invoke(str(SAMPLE), "--format", "json").output)
    assert _findings(invoke(str(packed), "--format", "json").output) == expected
    assert _findings(invoke("-", "--format", "json", stdin=jsonl.read_bytes()).output) == expected
    assert _findings(invoke("-", "--format", "json", stdin=SAMPLE.read_bytes()).output) == expected
    document = tmp_path / "month.json.gz"
    document.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    assert _findings(invoke(str(document), "--format", "json").output) == expected


def test_a_broken_gzip_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "month.jsonl.gz"
    bad.write_bytes(b"not gzip at all")
    result = invoke(str(bad))
    assert result.exit_code == 2 and "month.jsonl.gz" in result.output and "Traceback" not in result.output


def test_an_invalid_stream_never_gives_a_report(tmp_path: Path) -> None:
    jsonl = _jsonl(tmp_path / "month.jsonl")
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if '"type": "complaint"' in line and '"status": "closed"' in line)
    lines[at] = lines[at].replace('"status": "closed"', '"status": "done"')
    lines.append('{"type": "memo"}')
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke(str(jsonl), "--format", "json")
    assert result.exit_code == 2
    assert f"line {at + 1}: complaints[" in result.output and ".status" in result.output
    assert f"line {len(lines)}: type" in result.output
    assert '"findings"' not in result.output


def test_waived_breaches_do_not_fail_the_gate(tmp_path: Path) -> None:
    report = json.loads(invoke(str(SAMPLE), "--format", "json").output)
    waivers = tmp_path / "waivers.yaml"
    entries = [
        f"  - rule: {f['rule']}\n    subject: \"{f['subject']['id']}\"\n    reason: accepted\n    approved_by: compliance\n    expires: 2026-12-31\n"
        for f in report["findings"]
    ]
    waivers.write_text("waivers:\n" + "".join(entries), encoding="utf-8")
    result = invoke(str(SAMPLE), "--waivers", str(waivers), "--format", "json")
    assert result.exit_code == 0, result.output
    waived = json.loads(result.output)
    assert len(waived["findings"]) == len(report["findings"]) and waived["summary"]["waived"] == len(report["findings"])
    expired = invoke(str(SAMPLE), "--waivers", str(waivers), "--as-of", "2027-01-01T00:00:00+08:00")
    assert expired.exit_code == 1


def test_strict_waivers_fail_on_an_unused_waiver(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: feedback\n    subject: C-9999\n    reason: r\n    approved_by: a\n    expires: 2027-01-01\n")
    assert invoke(str(ROOT / "tests" / "fixtures" / "clean.json"), "--waivers", str(waivers)).exit_code == 0
    assert invoke(str(ROOT / "tests" / "fixtures" / "clean.json"), "--waivers", str(waivers), "--strict-waivers").exit_code == 1


def test_a_bad_waivers_file_exits_2_with_its_line(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: first-responce\n    subject: C-1\n    reason: r\n    approved_by: a\n    expires: 2027-01-01\n")
    result = invoke(str(SAMPLE), "--waivers", str(waivers))
    assert result.exit_code == 2 and "waivers.yaml:2:" in result.output and "first-response" in result.output


def test_baseline_fails_only_on_new_findings(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    assert invoke(str(SAMPLE), "--write-baseline", str(baseline)).exit_code == 1
    assert invoke(str(SAMPLE), "--baseline", str(baseline)).exit_code == 0
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    document["complaints"][0]["registered_at"] = None  # a new overdue registration
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    result = invoke(str(changed), "--baseline", str(baseline), "--format", "json")
    assert result.exit_code == 1
    new = [f for f in json.loads(result.output)["findings"] if f["baseline"] == "new"]
    assert [(f["rule"], f["subject"]["id"]) for f in new] == [("registration", "C-0001")]


def test_a_previous_json_report_serves_as_baseline(tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    invoke(str(SAMPLE), "--format", f"json:{previous}")
    assert invoke(str(SAMPLE), "--baseline", str(previous)).exit_code == 0


def test_no_progress_bar_outside_a_terminal(tmp_path: Path) -> None:
    result = invoke(str(_jsonl(tmp_path / "month.jsonl")), "--format", "json")
    assert "reading" not in result.output.splitlines()[0]
