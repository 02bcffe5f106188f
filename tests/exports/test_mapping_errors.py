"""A bad mapping is a MappingError at file:line:col, saying what is allowed (and a close name)."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_support import EVENTS, HEADER, write

from check_compliance.obligations.errors import MappingError
from check_compliance.obligations.exports import load_mapping, read_export


def _error(tmp_path: Path, text: str, export: str | None = None) -> MappingError:
    path = write(tmp_path, text, {"events.csv": export or HEADER + "\nA,New,0,1/10/2026 09:00,1/10/2026 09:00,3\n"})
    with pytest.raises(MappingError) as caught:
        read_export(path)
    return caught.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_unknown_key_names_its_line_and_the_allowed_keys(tmp_path: Path) -> None:
    text = EVENTS.replace("  null_values:", "  null_valeus:")
    (problem,) = _error(tmp_path, text).problems
    assert (problem.line, problem.column) == (_line_of(text, "null_valeus"), 3)
    assert "unknown key 'null_valeus'" in problem.message and "null_values" in problem.message
    assert problem.suggestion == "null_values"


def test_a_time_column_without_a_format(tmp_path: Path) -> None:
    text = EVENTS.replace('  opened: "%d/%m/%Y %H:%M"\n', "")
    (problem,) = _error(tmp_path, text).problems
    assert "read as a time: give its format under `timestamps`" in problem.message
    assert problem.line == _line_of(text, "received_at:")


def test_an_unsupported_time_directive(tmp_path: Path) -> None:
    text = EVENTS.replace('opened: "%d/%m/%Y %H:%M"', 'opened: "%d/%m/%Y %Q"')
    (problem,) = _error(tmp_path, text).problems
    assert "%Q is not supported" in problem.message and "%Y" in problem.message
    assert problem.line == _line_of(text, "%Q")


def test_a_map_key_yaml_reads_as_a_boolean_must_be_quoted(tmp_path: Path) -> None:
    text = EVENTS.replace('map: {"1": urgent,', "map: {Yes: urgent,")
    problems = _error(tmp_path, text).problems
    assert any("quote it" in p.message for p in problems)


def test_a_map_giving_an_urgency_outside_the_allowed_set(tmp_path: Path) -> None:
    text = EVENTS.replace('"1": urgent', '"1": critical')
    (problem,) = _error(tmp_path, text).problems
    assert "urgency must be one of urgent, high, normal, low" in problem.message
    assert problem.line == _line_of(text, "critical")


def test_a_column_the_export_does_not_have_is_named_with_a_close_one(tmp_path: Path) -> None:
    text = EVENTS.replace("{column: number}", "{column: numbr}")
    (problem,) = _error(tmp_path, text).problems
    assert "column 'numbr' is not in" in problem.message and problem.suggestion == "number"
    assert problem.line == _line_of(text, "numbr") and problem.file.endswith("mapping.yaml")


def test_a_data_row_read_as_the_header_is_not_shown(tmp_path: Path) -> None:
    # A preamble line too many (or too few) skipped: the "header" is a complaint's row, which may
    # hold personal data; the message says what to check and shows none of its values.
    export = "Zhang San 13800138000,New,0,1/10/2026 09:00,1/10/2026 09:00,3\n" + HEADER + "\n"
    problems = _error(tmp_path, EVENTS, export).problems
    assert problems and all("skip_lines" in p.message and "Zhang" not in p.message and "138" not in p.message for p in problems)
    assert all(p.suggestion is None for p in problems)


def test_event_producers_need_the_events_shape(tmp_path: Path) -> None:
    text = """\
version: 1
name: rows
source: {files: [events.csv]}
timestamps: {opened: "%d/%m/%Y %H:%M"}
shape: rows
contract: {id: T, effective_on: 2026-10-01, term_years: 1}
complaint:
  id: {column: number}
  received_at: {column: opened}
  first_response_at: {event: first}
  status: {const: open}
"""
    (problem,) = _error(tmp_path, text).problems
    assert "need `shape: events`" in problem.message and problem.line == 10


def test_an_unknown_lookup_and_an_unknown_producer(tmp_path: Path) -> None:
    text = EVENTS.replace("{column: number}", "{column: number, lookup: departments}").replace("received_at: {column: opened}", "received_at: {colum: opened}")
    messages = [p.message for p in _error(tmp_path, text).problems]
    assert any("a producer is one of" in m for m in messages)


def test_a_mapping_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: [1\n", encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert caught.value.problems[0].line is not None


def test_every_shipped_mapping_loads() -> None:
    from export_support import MAPPINGS

    for path in sorted(MAPPINGS.glob("*.yaml")):
        load_mapping(path)
