"""Every registered format pinned byte for byte on the sample month, plain and marked by a gate.

Regenerate after an intended change, then review the diff:
    UPDATE_GOLDEN=1 python -m pytest tests/engine/reporters/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from check_compliance import Report
from check_compliance.engine.reporters import RENDERERS

GOLDEN = Path(__file__).parent / "golden"
EXTENSIONS = {"text": "txt", "json": "json", "jsonl": "jsonl", "junit": "xml", "sarif": "sarif.json", "github": "github.txt", "markdown": "md", "html": "html"}


def test_every_registered_format_has_a_golden_extension() -> None:
    assert set(EXTENSIONS) == set(RENDERERS)


@pytest.mark.parametrize("scenario", ["sample", "gate"])
@pytest.mark.parametrize("format_name", sorted(EXTENSIONS))
def test_format_matches_its_golden_file(format_name: str, scenario: str, request: pytest.FixtureRequest) -> None:
    report: Report = request.getfixturevalue(scenario)
    rendered = RENDERERS[format_name](report)
    path = GOLDEN / f"{scenario}.{EXTENSIONS[format_name]}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(rendered.encode("utf-8"))
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert rendered == path.read_bytes().decode("utf-8"), f"{path.name} differs: if intended, run with UPDATE_GOLDEN=1 and review the diff"
