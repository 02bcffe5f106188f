"""The library on mapped exports: `load_export` and `check` give the command line's report, errors grouped."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from export_support import EVENTS, HEADER, write

from check_compliance import Checker, InputError, check, load_export, load_terms
from check_compliance.cli import main
from check_compliance.engine.reporters import RENDERERS
from check_compliance.obligations.errors import MappingError, TermsError
from check_compliance.obligations.quarantine import SHOWN_EXAMPLES

GOOD = ["A,New,0,1/10/2026 09:00,1/10/2026 09:00,3", "A,Active,1,1/10/2026 09:00,1/10/2026 10:00,3"]
BAD = ["B,New,0,1/10/2026 09:00,1/10/2026 09:00,9", "D,Active,0,2/10/2026 09:00,1/10/2026 09:00,3"]
AS_OF = "2026-10-05T00:00:00+08:00"


def _mapping(tmp_path: Path, rows: list[str], mapping: str = EVENTS) -> Path:
    return write(tmp_path, mapping, {"events.csv": "\n".join([HEADER, *rows]) + "\n"})


def test_check_of_load_export_is_the_command_lines_report(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, GOOD + BAD)
    cli = CliRunner().invoke(main, ["--mapping", str(mapping), "--quarantine", str(tmp_path / "q.json"), "--max-quarantined", "2",
                                    "--format", "json", "--as-of", AS_OF, "--jobs", "1"], catch_exceptions=False)
    assert cli.exit_code in (0, 1), cli.output
    records = load_export(mapping, quarantine=True)
    library = check(records, as_of=datetime.fromisoformat(AS_OF))
    assert RENDERERS["json"](library) == cli.output
    document = json.loads(cli.output)
    assert document["quarantine"] == {"complaints": 2, "by_kind": {"unmapped": 1, "inconsistent": 1}}
    assert document["source"].endswith("events.csv")


def test_the_quarantine_comes_with_the_records(tmp_path: Path) -> None:
    records = load_export(_mapping(tmp_path, GOOD + BAD), quarantine=True)
    assert [c.id for c in records.complaints] == ["A"]
    assert records.quarantine is not None
    assert [(q.id, q.row, [i.kind for i in q.issues]) for q in records.quarantine] == [("B", 3, ["unmapped"]), ("D", 4, ["inconsistent"])]
    clean = load_export(_mapping(tmp_path, GOOD), quarantine=True)
    assert clean.quarantine == () and Checker().check(clean).quarantine is not None  # asked for: told, even when none
    assert Checker().check(load_export(_mapping(tmp_path, GOOD))).quarantine is None


def test_not_tracked_and_a_stale_as_of_come_from_the_library_check(tmp_path: Path) -> None:
    records = load_export(_mapping(tmp_path, GOOD, EVENTS.replace("as_of: latest\n", "") + "not_tracked:\n  feedback: the log has no replies\n"))
    report = check(records)
    assert [(n.rule, n.reason) for n in report.not_checked or ()] == [("feedback", "the log has no replies")]
    assert "feedback" not in report.summary.by_rule and all(r.id != "feedback" for r in report.rules)
    assert report.notices and "as_of defaulted to now" in report.notices[0]
    assert check(records, as_of=datetime.fromisoformat(AS_OF)).notices is None


def test_an_unknown_not_tracked_rule_is_an_error_at_its_line_in_the_library_too(tmp_path: Path) -> None:
    records = load_export(_mapping(tmp_path, GOOD, EVENTS + "not_tracked:\n  feedbak: no such rule\n"))
    with pytest.raises(MappingError) as caught:
        check(records)
    (problem,) = caught.value.problems
    assert problem.line is not None and problem.suggestion == "feedback" and (problem.file or "").endswith("mapping.yaml")


def test_an_unknown_rule_in_the_terms_not_tracked_is_refused_by_the_checker(tmp_path: Path) -> None:
    terms = tmp_path / "terms.yaml"
    terms.write_text("not_tracked:\n  feedbak: no such rule\n", encoding="utf-8")
    with pytest.raises(TermsError) as caught:
        Checker(terms=load_terms(terms))
    assert caught.value.problems[0].path == "not_tracked.feedbak" and caught.value.problems[0].suggestion == "feedback"


def test_without_a_quarantine_load_export_raises_naming_file_row_and_id(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_export(_mapping(tmp_path, GOOD + BAD))
    paths = [p.path for p in caught.value.problems]
    assert any(p.endswith("events.csv row 3 id \"B\".urgency") for p in paths), paths
    assert any(p.endswith("events.csv row 4 id \"D\".first_response_at") for p in paths), paths


def test_thousands_of_one_error_are_grouped_with_a_count_and_the_first_examples(tmp_path: Path) -> None:
    bad = [f"X{i:05d},New,0,1/10/2026 09:00,1/10/2026 09:00,9" for i in range(3000)]
    with pytest.raises(InputError) as caught:
        load_export(_mapping(tmp_path, GOOD + bad))
    problems = caught.value.problems
    assert len(problems) == SHOWN_EXAMPLES + 1
    assert [p.path.rsplit("/", 1)[-1] for p in problems[:2]] == ['events.csv row 3 id "X00000".urgency', 'events.csv row 4 id "X00001".urgency']
    assert problems[-1].message == "and 2,995 more complaints with this unmapped urgency"
    rendered = caught.value.render()
    assert rendered.count("no `map` entry") == SHOWN_EXAMPLES and len(rendered) < 2000
