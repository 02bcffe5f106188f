"""A big JSON Lines export is read as a stream: memory stays bounded, findings equal the document's."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPLAINTS = 200_000
# Measured 255 MB on 2 cores / Python 3.11 for 200k complaints with 20k findings (10 % breaches):
# the complaints stream through; what grows is the findings and the report rendered from them.
PEAK_RSS_MB = 400


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["generate"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _check(records: Path, out: Path) -> int:
    """Run the CLI in its own process and return the peak RSS (MB) of that process alone."""
    code = (
        "import resource, sys; from check_compliance.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); raise\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(records), "--format", "json", "-o", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    return int(result.stderr.strip().splitlines()[-1]) // 1024


@pytest.mark.slow
def test_a_200k_complaint_stream_stays_under_its_memory_bound(tmp_path: Path) -> None:
    generate = _generator()
    month = generate.generate(COMPLAINTS, seed=5)
    jsonl, document = tmp_path / "month.jsonl", tmp_path / "month.json"
    with jsonl.open("wb") as out:
        generate.write_records(month, out, "jsonl")
    with document.open("wb") as out:
        generate.write_records(month, out, "json")
    peak = _check(jsonl, tmp_path / "stream.json")
    assert peak < PEAK_RSS_MB, f"peak RSS {peak} MB"
    _check(document, tmp_path / "document.json")
    stream = json.loads((tmp_path / "stream.json").read_text(encoding="utf-8"))
    whole = json.loads((tmp_path / "document.json").read_text(encoding="utf-8"))
    assert stream["summary"]["checked"]["complaints"] == COMPLAINTS
    assert stream["findings"] == whole["findings"]
    assert stream["summary"] == whole["summary"]
