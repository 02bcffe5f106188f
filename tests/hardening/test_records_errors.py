"""What record errors show: an excerpt of a value, no free text, the record's id and place, grouped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hardening.records_support import assert_refused, cli, document, jsonl

from check_compliance import InputError
from check_compliance.obligations.loading import parse_records, parse_records_jsonl, validate_records

PERSON = "Zhang San 13800138000"


def _problems(doc: dict) -> str:
    with pytest.raises(InputError) as raised:
        validate_records(doc, "r.json")
    return str(raised.value)


def test_a_name_and_phone_typed_into_urgency_never_reach_the_message(tmp_path: Path) -> None:
    for text, name in ((json.dumps(document(urgency=PERSON)), "r.json"), (jsonl(document(urgency=PERSON)), "r.jsonl")):
        (tmp_path / name).write_text(text)
        stderr = assert_refused(cli(str(tmp_path / name)), "urgency", "not shown", 'id "C-1"')
        assert "Zhang" not in stderr and "13800138000" not in stderr


def test_a_misspelt_word_in_an_allowed_set_is_shown_any_other_word_not() -> None:
    assert 'got "Urgent"' in _problems(document(urgency="Urgent"))
    assert 'got "hgih"' in _problems(document(urgency="hgih"))
    text = _problems(document(urgency="Zhang"))
    assert "Zhang" not in text and "a text of 5 characters" in text


def test_thousands_of_inconsistencies_of_one_kind_are_grouped_though_their_values_differ() -> None:
    doc = document()
    doc["complaints"] = [dict(doc["complaints"][0], id=f"C-{i}", registered_at=f"2026-10-01T00:{i % 60:02d}:00+08:00") for i in range(2000)]
    with pytest.raises(InputError) as raised:
        validate_records(doc, "r.json")
    assert len(raised.value.problems) == 6 and "... and 1,995 more like the above" in str(raised.value)


@pytest.mark.parametrize(("where", "value"), [("party_a", 12345), ("purpose", ["Zhang San", "13800138000"]), ("recipient", {"name": "Zhang San"})])
def test_free_text_fields_are_never_shown(where: str, value: object) -> None:
    doc = document()
    if where == "party_a":
        doc["contract"]["party_a"] = value
    else:
        doc["disclosures"] = [{"id": "D-1", "party": "B", "information": "customer_information", "at": "2026-10-05T10:00:00+08:00", where: value}]
    text = _problems(doc)
    assert "free text: not shown" in text and "Zhang" not in text and "12345" not in text


def test_an_offending_value_is_shown_as_at_most_40_characters() -> None:
    text = _problems(document(received_at="2026-10-03 " + "x" * 500))
    assert "x" * 41 not in text and "(513 characters)" in text  # the JSON text, quotes included


def test_a_10_million_character_duplicate_id_is_not_echoed(tmp_path: Path) -> None:
    doc = document(id="C" * 10_000_000)
    doc["complaints"].append(dict(doc["complaints"][0]))
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    stderr = assert_refused(cli(str(path)), "complaints[1].id", "duplicate id", "(10000002 characters)")
    assert len(stderr) < 2000


def test_thousands_of_one_error_are_grouped_with_a_count_and_examples() -> None:
    doc = document()
    doc["complaints"] = [dict(doc["complaints"][0], id=f"C-{i}", status="done") for i in range(3000)]
    with pytest.raises(InputError) as raised:
        validate_records(doc, "r.json")
    text = str(raised.value)
    assert len(raised.value.problems) == 6, text
    assert 'complaints[0].status (id "C-0")' in text and 'complaints[4].status (id "C-4")' in text
    assert "... and 2,995 more like the above" in text


def test_thousands_of_errors_in_json_lines_are_grouped_by_kind_and_each_kind_kept() -> None:
    doc = document()
    doc["complaints"] = [dict(doc["complaints"][0], id=f"C-{i}", status="done") for i in range(2000)]
    doc["complaints"] += [dict(doc["complaints"][0], id=f"D-{i}", satisfaction=9, status="open") for i in range(2000)]
    with pytest.raises(InputError) as raised:
        parse_records_jsonl(jsonl(doc), "r.jsonl")
    text = str(raised.value)
    assert "... and 1,995 more like the above: Input should be 'open'" in text
    assert "... and 1,995 more like the above: Input should be less than or equal to …" in text
    assert "line 5: complaints[0].status (id \"C-0\")" in text


def test_every_record_error_names_the_id_and_the_json_path_or_line(tmp_path: Path) -> None:
    doc = document(registered_at="2026-10-01T00:00:00+08:00")
    assert 'complaints[0].registered_at (id "C-1"): 2026-10-01T00:00:00+08:00 is before received_at' in _problems(doc)
    with pytest.raises(InputError, match=r'line 5: complaints\[0\]\.registered_at \(id "C-1"\)'):
        parse_records_jsonl(jsonl(doc))


def test_a_record_without_a_usable_id_is_placed_by_path_alone() -> None:
    text = _problems(document(id=None))
    assert "complaints[0].id: required field is missing" in text


def test_syntax_errors_show_line_and_column_not_the_text() -> None:
    with pytest.raises(InputError) as raised:
        parse_records('{"contract": {"id": "Zhang San 13800138000",}}', "r.json")
    assert "line 1 column" in str(raised.value) and "Zhang" not in str(raised.value)
