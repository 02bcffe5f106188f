"""Nothing lost: no output overwrites an input, and reports are written whole or not at all
(issue 9, item 5, outputs)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from check_compliance import OutputError
from check_compliance.cli import main
from check_compliance.engine import reporters
from check_compliance.engine.writing import refuse_overwrites, write_all

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample-month.json"
MAPPINGS = ROOT / "mappings"


def invoke(*args: object):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    """A records file and the other inputs a check can read, in a folder of their own."""
    records = tmp_path / "records.json"
    shutil.copy(SAMPLE, records)
    terms = tmp_path / "terms.yaml"
    terms.write_text("at_risk: 0.8\n", encoding="utf-8")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    result = invoke(records, "--write-baseline", baseline, "--format", "json", "-o", tmp_path / "first.json")
    assert result.exit_code == 1, result.output
    return {"records": records, "terms": terms, "waivers": waivers, "baseline": baseline}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("named", ["records", "terms", "waivers", "baseline"])
@pytest.mark.parametrize("option", ["-o", "--format", "--write-baseline"])
def test_an_output_naming_an_input_is_refused_before_anything_is_written(named: str, option: str, inputs: dict[str, Path], tmp_path: Path) -> None:
    target = inputs[named]
    value = f"json:{target}" if option == "--format" else str(target)
    to_o = ["--format", "json"] if option == "-o" else []
    before = _snapshot(tmp_path)
    result = invoke(inputs["records"], "--terms", inputs["terms"], "--waivers", inputs["waivers"], "--baseline", inputs["baseline"],
                    "--format", f"junit:{tmp_path / 'junit.xml'}", *to_o, option, value)
    assert result.exit_code == 2, result.output
    assert f"{target}: is an input of this check" in result.output and "refusing to overwrite it" in result.output
    assert _snapshot(tmp_path) == before  # the input untouched, and junit.xml never written


def test_another_spelling_or_a_link_of_an_input_is_refused(inputs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    link = tmp_path / "link.json"
    link.symlink_to(inputs["records"])
    (tmp_path / "sub").mkdir()
    for spelling in ("./records.json", "sub/../records.json", str(inputs["records"]), "link.json"):
        result = invoke("records.json", "-o", spelling)
        assert result.exit_code == 2 and "is an input of this check" in result.output, spelling
    assert inputs["records"].read_bytes() == SAMPLE.read_bytes()


def test_o_with_no_report_for_it_is_refused(tmp_path: Path) -> None:
    result = invoke(SAMPLE, "--format", f"junit:{tmp_path / 'junit.xml'}", "-o", tmp_path / "report")
    assert result.exit_code == 2 and "-o names no report" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_same_file_named_for_two_outputs_is_refused(tmp_path: Path) -> None:
    result = invoke(SAMPLE, "--format", f"json:{tmp_path / 'r'}", "--format", "text", "-o", tmp_path / "r")
    assert result.exit_code == 2 and "is named twice as an output" in result.output
    assert not (tmp_path / "r").exists()


def test_a_mapped_exports_files_are_inputs_too(tmp_path: Path) -> None:
    """The mapping, the export files it names (source.files) and its lookup files."""
    for name in ("it-tickets.yaml", "it-tickets.csv", "it-departments.csv"):
        shutil.copy(MAPPINGS / name, tmp_path / name)
    mapping = tmp_path / "it-tickets.yaml"
    before = _snapshot(tmp_path)
    for target in (mapping, tmp_path / "it-tickets.csv", tmp_path / "it-departments.csv"):
        result = invoke("--mapping", mapping, "-o", target)
        assert result.exit_code == 2 and "is an input of this check" in result.output, result.output
        result = invoke("convert", "--mapping", mapping, "-o", target)
        assert result.exit_code == 2 and "is an input of this check" in result.output, result.output
    assert _snapshot(tmp_path) == before


def test_a_failed_run_leaves_the_existing_reports_untouched_and_no_half_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old_json, old_junit = tmp_path / "report.json", tmp_path / "junit.xml"
    old_json.write_text("last month's report\n", encoding="utf-8")

    def broken(report: object) -> str:
        raise RuntimeError("a renderer bug")

    # json renders first, junit fails: nothing may be written at all.
    monkeypatch.setitem(reporters.RENDERERS, "junit", broken)
    result = invoke(SAMPLE, "--format", f"json:{old_json}", "--format", f"junit:{old_junit}")
    assert result.exit_code == 2 and "internal error: RuntimeError: a renderer bug" in result.output
    assert _snapshot(tmp_path) == {"report.json": b"last month's report\n"}


def test_a_write_failing_half_way_replaces_no_report(tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    first.write_text("kept\n", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write"):
        write_all([(first, "new\n"), (tmp_path / "missing" / "second.json", "new\n")])
    assert _snapshot(tmp_path) == {"first.json": b"kept\n"}  # no temporary file left either


def test_a_report_is_renamed_into_place_with_the_usual_mode(tmp_path: Path) -> None:
    fresh, kept = tmp_path / "fresh.json", tmp_path / "kept.json"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    mask = os.umask(0o022)
    try:
        write_all([(fresh, "{}\n"), (kept, "{}\n")])
    finally:
        os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644 and stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert json.loads(fresh.read_text(encoding="utf-8")) == {} and kept.read_text(encoding="utf-8") == "{}\n"


def test_a_report_written_through_a_link_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    write_all([(link, "new")])
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_device_is_written_directly_not_replaced() -> None:
    result = invoke(SAMPLE, "-o", os.devnull)
    assert result.exit_code == 1, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_refuse_overwrites_lists_every_problem(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        refuse_overwrites([tmp_path, SAMPLE, tmp_path / "a", tmp_path / "a"], [SAMPLE])
    rendered = caught.value.render()
    assert rendered.startswith("outputs: 3 output errors")
    assert "is a directory" in rendered and "is an input of this check" in rendered and "is named twice" in rendered


def test_the_readmes_refusal_example_is_what_the_command_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("  ```text\n  outputs: 1 output error\n", 1)[1].split("  ```", 1)[0]
    shutil.copy(SAMPLE, tmp_path / "records.json")
    monkeypatch.chdir(tmp_path)
    result = invoke("records.json", "-o", "records.json")
    assert result.exit_code == 2
    assert result.output == "outputs: 1 output error\n" + "\n".join(line[2:] for line in example.splitlines()) + "\n"


def test_standard_output_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    (tmp_path / "expected.txt").write_bytes(b"")
    assert invoke(SAMPLE, "--lang", "zh", "-o", tmp_path / "expected.txt").exit_code == 1
    for env in ({"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}, {"LANG": "zh_CN.GB18030", "PYTHONIOENCODING": "gb18030"}):
        result = subprocess.run([sys.executable, "-m", "check_compliance", str(SAMPLE), "--lang", "zh", "--jobs", "1"], capture_output=True, env={**os.environ, **env})
        assert (result.returncode, result.stderr) == (1, b""), env
        assert result.stdout == (tmp_path / "expected.txt").read_bytes(), env


def test_error_messages_are_utf8_whatever_the_locale(tmp_path: Path) -> None:
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    # An id is shown in errors (a value outside an allowed set is not: it may be personal data).
    document["complaints"][0]["id"] = document["complaints"][1]["id"] = "紧急"
    records = tmp_path / "records.json"
    records.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    for env in ({"LC_ALL": "C", "PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "gb18030"}):
        result = subprocess.run([sys.executable, "-m", "check_compliance", str(records)], capture_output=True, env={**os.environ, **env})
        assert result.returncode == 2
        assert '"紧急"'.encode() in result.stderr and b"Traceback" not in result.stderr, env
