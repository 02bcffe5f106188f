"""`--format html` through the command: a file per view, JSON Lines too, matplotlib never loaded by a plain check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from check_compliance.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_a_plain_check_never_imports_the_chart_library() -> None:
    code = ("import sys; from check_compliance.cli import main\n"
            "try:\n    main(['fixtures/sample-month.json', '--format', 'json', '-o', '/dev/null', '--jobs', '1'])\n"
            "except SystemExit as exit:\n    assert exit.code == 1, exit.code\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_html_beside_other_formats_and_from_a_json_lines_stream(tmp_path: Path) -> None:
    document = json.loads((ROOT / "fixtures/sample-month.json").read_text(encoding="utf-8"))
    lines = [{"type": "contract", **document["contract"], "as_of": document["as_of"]}]
    for key, kind in (("channels", "channel"), ("complaints", "complaint"), ("evaluations", "evaluation"), ("reports", "report"), ("disclosures", "disclosure")):
        lines += [{"type": kind, **record} for record in document[key]]
    stream = tmp_path / "sample.jsonl"
    stream.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    from_json, from_stream = tmp_path / "a.html", tmp_path / "b.html"
    first = CliRunner().invoke(main, ["fixtures/sample-month.json", "--format", f"html:{from_json}", "--format", "text", "--jobs", "1"])
    second = CliRunner().invoke(main, [str(stream), "--format", f"html:{from_stream}", "--jobs", "1"])
    assert (first.exit_code, second.exit_code) == (1, 1)
    assert "Compliance check of contract HT-2026-001" in first.output  # the text view still on stdout
    one, other = from_json.read_text(encoding="utf-8"), from_stream.read_text(encoding="utf-8")
    assert one.count('data-chart="') == other.count('data-chart="') == 5
    assert one.replace("fixtures/sample-month.json", str(stream)) == other  # the same page, only the source differs


def test_html_is_a_listed_format() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "html" in result.output
