"""Duplicate keys in records are input errors naming the key, the record's id and its JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hardening.records_support import assert_refused, cli, document, jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from check_compliance import InputError
from check_compliance.obligations.jsontext import BadJson, parse_json
from check_compliance.obligations.loading import parse_records, parse_records_jsonl

FLIP = '"urgency": "urgent", "urgency": "low"'


def _flipped(text: str) -> str:
    assert '"urgency": "high"' in text
    return text.replace('"urgency": "high"', FLIP)


def test_duplicate_key_in_a_json_document_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(_flipped(json.dumps(document())))
    assert_refused(cli(str(path)), 'complaints[0].urgency', 'duplicate key "urgency"', 'id "C-1"')
    path.write_text(_flipped(json.dumps(document())).replace(FLIP, '"urgency": "low", "urgency": "urgent"'))
    assert_refused(cli(str(path)), 'duplicate key "urgency"')  # either order: never a verdict


def test_duplicate_key_in_json_lines_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(_flipped(jsonl(document())))
    assert_refused(cli(str(path)), "line 5", "urgency", 'duplicate key "urgency"', 'id "C-1"')


def test_duplicate_key_deep_in_a_pause_names_its_path_and_complaint() -> None:
    doc = document(pauses=[{"from": "2026-10-03T10:00:00+08:00", "to": "2026-10-03T11:00:00+08:00"}])
    text = json.dumps(doc).replace('"to": "2026-10-03T11:00:00+08:00"', '"to": "2026-10-03T11:00:00+08:00", "to": "2026-10-09T11:00:00+08:00"')
    with pytest.raises(InputError, match=r'complaints\[0\]\.pauses\[0\]\.to: duplicate key "to" in the record with id "C-1"'):
        parse_records(text, "r.json")


@pytest.mark.parametrize("text", [
    '{"a": 1, "a" : 2}',            # spaces before the colon
    '{"a":1,"b":"\\u0022:","a":2}',  # an escaped quote and colon that a count would take for a key
    '{"a":1,"b":"\\u0020:x","a":2}',
    '{"x": {"a": 1, "a": 1}}',       # the same value twice is still twice
    '[{"a": 1}, {"b": 1, "b": 2}]',
])
def test_duplicates_the_fast_count_could_miss_are_found(text: str) -> None:
    with pytest.raises(BadJson, match="duplicate key"):
        parse_json(text)


@pytest.mark.parametrize("text", ['{"a": "\\":", "b": 1}', '{"a": "\\u0022:"}', '{"k\\\\": 1, "k": 2}', '{"a": "x\\" : y"}', '{"é": 1, "\\u00e9x": 2}'])
def test_keys_that_only_look_alike_are_not_duplicates(text: str) -> None:
    assert isinstance(parse_json(text), dict)


KEYS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
VALUES = st.recursive(st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=8),
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_property_a_repeated_key_is_always_found_and_never_invented(value: dict, ascii_only: bool, spaced: bool) -> None:
    separators = (", ", " : ") if spaced else (",", ":")
    text = json.dumps(value, ensure_ascii=ascii_only, separators=separators)
    assert parse_json(text) == value
    key = next(iter(value))
    repeated = text[:-1] + separators[0] + json.dumps(key, ensure_ascii=ascii_only) + separators[1] + "0}"
    with pytest.raises(BadJson, match="duplicate key"):
        parse_json(repeated)


def test_a_duplicate_in_one_line_of_many_is_placed_on_its_line() -> None:
    lines = jsonl(document()).splitlines()
    lines[4] = _flipped(lines[4]) if '"urgency": "high"' in lines[4] else lines[4]
    with pytest.raises(InputError, match=r"line 5: urgency"):
        parse_records_jsonl("\n".join(lines))
