"""`--as-of` accepts exactly what record timestamps accept, on every supported Python: one parser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hardening.records_support import ROOT, document

from check_compliance import InputError
from check_compliance.cli import main
from check_compliance.obligations.loading import validate_records
from check_compliance.obligations.records import parse_instant

# 3.10's datetime.fromisoformat refuses the first three; 3.11's takes "+08", which records refuse.
SPELLINGS = ["2026-10-20T00:00:00.5+08:00", "2026-10-20T00:00:00.123456789+08:00", "2026-10-20T00:00:00Z", "2026-10-20T00:00:00+08",
             "2026-10-20T00:00", "2026-10-20 00:00:00+08:00", "2026-10-20", "20261020T000000", "2026-10-20T00:00:00+0800", "yesterday"]


def _record_accepts(text: str) -> bool:
    try:
        validate_records(document(received_at="2026-10-03T09:00:00+08:00"), "r.json")
        validate_records(dict(document(), as_of=text), "r.json")
    except InputError:
        return False
    return True


@pytest.mark.parametrize("text", SPELLINGS)
def test_as_of_and_record_timestamps_accept_the_same(tmp_path: Path, text: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document()))
    result = CliRunner().invoke(main, [str(path), "--as-of", text])
    assert (result.exit_code != 2) == _record_accepts(text), result.output
    try:
        parse_instant(text)
        parsed = True
    except ValueError:
        parsed = False
    assert parsed == _record_accepts(text)


@pytest.mark.slow
@pytest.mark.parametrize("python", ["python3.10", "python3.13"])
def test_the_parser_is_the_same_on_other_pythons(python: str) -> None:
    """pydantic's Rust parser, not the interpreter's: the same answers where an interpreter with the deps is found."""
    executable = shutil.which(python)
    probe = "import check_compliance, pydantic" if executable else None
    if executable is None or subprocess.run([executable, "-c", probe], capture_output=True, cwd=ROOT.parent, check=False).returncode != 0:
        pytest.skip(f"{python} with the project's dependencies is not installed here")
    code = ("import json,sys\nfrom check_compliance.obligations.records import parse_instant\nout=[]\n"
            "for t in json.loads(sys.argv[1]):\n    try: out.append(parse_instant(t).isoformat())\n    except ValueError: out.append(None)\nprint(json.dumps(out))")
    here = [None if not _record_accepts(t) else parse_instant(t).isoformat() for t in SPELLINGS]
    there = subprocess.run([executable, "-c", code, json.dumps(SPELLINGS)], capture_output=True, text=True, check=True).stdout
    assert json.loads(there) == here
