"""Anything that stops a check or its output exits 2 with a message, never 0/1 or a traceback:
internal errors, arithmetic overflow, unwritable outputs, a full disk, a closed pipe (issue 9, item 1)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from check_compliance import Checker, InputError, Problem, load_records
from check_compliance.cli import main
from check_compliance.engine import check as check_module
from check_compliance.engine import parallel

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "fixtures" / "sample-month.json")


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def command(*args: str, **kwargs):  # type: ignore[no-untyped-def]
    """The installed command in a real process: standard output is a real file descriptor."""
    return subprocess.run([sys.executable, "-m", "check_compliance", *args], capture_output=kwargs.pop("capture_output", True), **kwargs)


def _boom(*args: object, **kwargs: object) -> object:
    raise ZeroDivisionError("division by zero in " + "x" * 500)


# --- Internal errors -------------------------------------------------------------------------------


def test_internal_error_exits_2_with_a_short_message_and_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_module.FactBuilder, "facts", _boom)
    result = invoke(SAMPLE)
    assert result.exit_code == 2
    assert result.output.startswith("internal error: ZeroDivisionError: division by zero in x")
    assert ", please report it" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output and len(result.output) < 400


def test_debug_shows_the_traceback_of_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_module.FactBuilder, "facts", _boom)
    result = invoke(SAMPLE, "--debug")
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.output and "_boom" in result.output
    assert "internal error: ZeroDivisionError" in result.output


def test_an_interrupt_exits_2_not_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(check_module.FactBuilder, "facts", interrupted)
    result = invoke(SAMPLE)
    assert result.exit_code == 2 and "interrupted" in result.output and "Traceback" not in result.output


# --- Arithmetic overflow in the check -------------------------------------------------------------


@pytest.mark.parametrize(
    "terms",
    [
        "limits:\n  registration: 1000000000d\n",  # past 64 bits in µs: the engine's integers
        "evaluation:\n  due_days: 1000000000\n",  # past timedelta's days
        "evaluation:\n  period: 100000000d\n",  # a period ending past year 9999
    ],
)
def test_arithmetic_overflow_in_the_check_exits_2(terms: str, tmp_path: Path) -> None:
    path = tmp_path / "terms.yaml"
    path.write_text(terms, encoding="utf-8")
    result = invoke(SAMPLE, "--terms", str(path), "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    # Refused when the terms load (their range) or while judging: either way it says what.
    assert "terms" in result.output or "out of range" in result.output


@pytest.mark.parametrize("as_of", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T12:00:00+00:00"])
def test_an_instant_at_the_ends_of_the_calendar_exits_2(as_of: str) -> None:
    result = invoke(SAMPLE, "--as-of", as_of)
    assert result.exit_code == 2, result.output
    assert "as_of" in result.output or "--as-of" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_the_library_raises_an_input_error_for_such_an_instant() -> None:
    with Checker() as checker, pytest.raises(InputError, match=r"as_of: .* is out of range"):
        checker.check(load_records(SAMPLE), as_of=datetime(9999, 12, 31, 20, tzinfo=timezone.utc))


# --- Unwritable outputs ----------------------------------------------------------------------------


def test_unwritable_output_path_exits_2_naming_it(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.json"
    result = invoke(SAMPLE, "--format", f"json:{target}")
    assert result.exit_code == 2
    assert f"{target}: 1 output error" in result.output and "cannot write: No such file or directory" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_read_only_folder_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = invoke(SAMPLE, "-o", str(folder / "report.txt"))
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 2 and "Permission denied" in result.output


@pytest.mark.parametrize("option", ["-o", "--format", "--write-baseline"])
def test_a_directory_as_output_exits_2(option: str, tmp_path: Path) -> None:
    value = f"json:{tmp_path}" if option == "--format" else str(tmp_path)
    result = invoke(SAMPLE, option, value)
    assert result.exit_code == 2
    assert "directory" in result.output and "Traceback" not in result.output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk_for_o_exits_2() -> None:
    result = invoke(SAMPLE, "-o", "/dev/full")
    assert result.exit_code == 2
    assert "/dev/full: 1 output error" in result.output and "No space left on device" in result.output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("report", ["text", "json", "junit"])
def test_full_disk_for_standard_output_exits_2(report: str) -> None:
    with open("/dev/full", "wb") as full:
        result = command(SAMPLE, "--format", report, "--jobs", "1", stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert result.returncode == 2
    assert result.stderr.decode() == "standard output: 1 output error\n  cannot write: No space left on device\n"


def test_a_closed_pipe_keeps_the_verdict_and_prints_no_traceback() -> None:
    """`check-compliance x | head -1`: the reader chose to stop; the check was made, so its exit
    code (1 here: breaches) stands, and nothing is printed about the pipe."""
    read, write = os.pipe()
    process = subprocess.Popen([sys.executable, "-m", "check_compliance", SAMPLE, "--format", "json", "--jobs", "1"], stdout=write, stderr=subprocess.PIPE)
    os.close(write)
    os.close(read)  # long before the report is written: its first write meets a closed pipe
    _, stderr = process.communicate()
    assert (process.returncode, stderr) == (1, b"")



def test_a_bug_while_parsing_the_options_exits_2_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", _boom)  # the --jobs default
    result = invoke(SAMPLE)
    assert result.exit_code == 2 and result.output.startswith("internal error: ZeroDivisionError")


def test_usage_errors_help_and_version_keep_their_exit_codes() -> None:
    assert invoke(SAMPLE, "--fail-on", "never").exit_code == 2
    assert invoke("--help").exit_code == 0 and invoke("--version").exit_code == 0


def test_an_error_in_a_worker_process_comes_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Errors cross the process boundary pickled: before, unpickling one raised a TypeError."""
    error = InputError("records.json", [Problem("complaints[3].urgency", "expected one of ...", line=4)])
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InputError and again.render() == error.render() and again.problems == error.problems
    monkeypatch.setattr(parallel, "WORTH_A_PROCESS", 1)
    path = tmp_path / "terms.yaml"
    path.write_text("limits:\n  registration: 1000000000d\n", encoding="utf-8")
    result = invoke(SAMPLE, "--terms", str(path), "--jobs", "2")
    assert result.exit_code == 2 and "internal error" not in result.output and "Traceback" not in result.output
