"""Each shipped example mapping on its own small export: what it folds to and what the check finds."""

from __future__ import annotations

import pytest
from export_support import MAPPINGS

from check_compliance import Checker, load_export
from check_compliance.obligations.exports import read_export

EXPECTED = {
    "servicenow": (5, {"channels-open": 1, "first-response": 1, "resolution": 1}),
    "bpi2013": (3, {"first-response": 1, "resolution": 1}),
    "cfpb": (4, {"registration": 1}),
    "it-tickets": (4, {"first-response": 1, "resolution": 1}),
    "nyc311": (3, {"channels-open": 1, "resolution": 2}),  # 59893002 overdue, 59893003 late (14 d of 7)
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_mapping(checker: Checker, name: str) -> None:
    records = load_export(MAPPINGS / f"{name}.yaml")
    complaints, by_rule = EXPECTED[name]
    assert records.quarantine is None
    assert len(records.complaints) == complaints
    report = checker.check(records)
    assert report.summary.by_rule == by_rule
    assert {n.rule for n in report.not_checked or ()} == set(records.not_tracked) != set()
    assert report.source == records.source and report.source.endswith(".csv")


def test_the_servicenow_example_keeps_its_shapes() -> None:
    export = read_export(MAPPINGS / "servicenow.yaml")
    by_id = {c["id"]: c for c in export.document["complaints"]}
    assert "resolved_at" not in by_id["INC0003"]  # reopened
    assert by_id["INC0002"]["pauses"] == [{"from": "2026-10-03T12:00:00", "to": "2026-10-05T12:00:00"}]
    assert by_id["INC0004"]["pauses"] == [{"from": "2026-10-20T12:30:00"}]  # still waiting
    assert by_id["INC0001"]["category"] == "Category 12"  # the first of the repeated `category` columns
    assert by_id["INC0005"]["status"] == "open" and by_id["INC0005"]["first_response_at"] == "2026-10-30T16:00:00"
    assert export.document["as_of"] == "2026-10-30T16:00:00+00:00"


def test_the_bpi_example_keeps_offsets_and_reads_the_bom() -> None:
    export = read_export(MAPPINGS / "bpi2013.yaml")
    first = export.document["complaints"][0]
    assert first["id"] == "1-364285768" and first["received_at"] == "2026-10-05T08:15:00+02:00"
    assert first["pauses"] == [{"from": "2026-10-05T09:30:00+02:00", "to": "2026-10-06T10:00:00+02:00"}]


def test_the_make_examples_script_writes_the_committed_files(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_examples", MAPPINGS / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.write("x.csv", ["a", "b"], newline="\r\n", bom=True)
    assert (tmp_path / "x.csv").read_bytes() == b"\xef\xbb\xbfa\r\nb\r\n"


def test_the_readme_shows_the_servicenow_and_ticket_mappings_as_shipped() -> None:
    import re

    import yaml

    readme = (MAPPINGS.parent / "README.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)]
    for name in ("servicenow", "it-tickets"):
        assert yaml.safe_load((MAPPINGS / f"{name}.yaml").read_text(encoding="utf-8")) in blocks
