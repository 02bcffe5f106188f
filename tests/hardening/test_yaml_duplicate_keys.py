"""Duplicate keys in any YAML file: refused, naming the key and both places (YAML keeps the last one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from yaml_inputs import KINDS, RULES, WAIVER, error_class, invoke, load, refused, write

MAPPING = (Path(__file__).resolve().parents[2] / "mappings" / "it-tickets.yaml").read_text(encoding="utf-8")


def _insert(text: str, after_line: int, line: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[:after_line] + [line] + lines[after_line:])


# Each kind's file with one key given twice: the text, then the second place and the first.
DUPLICATED = {
    "terms": ("limits:\n  registration: 4h\nlimits:\n  feedback: 2bd\n", (3, 1), (1, 1), "limits"),
    "waivers": (_insert(WAIVER, 2, '    subject: "*"\n'), (4, 5), (3, 5), "subject"),
    "rules": (_insert((RULES / "complaints.yaml").read_text(encoding="utf-8"), 2, 'section: "9"\n'), (3, 1), (2, 1), "section"),
    "mapping": (_insert(MAPPING, 4, "name: other\n"), (5, 1), (4, 1), "name"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_duplicate_key_exits_2_naming_the_key_and_both_places(tmp_path: Path, kind: str) -> None:
    text, (line, column), (first_line, first_column), key = DUPLICATED[kind]
    path, args = write(tmp_path, kind, text)
    refused(invoke(*args), f"{path}:{line}:{column}: duplicate key \"{key}\" (first at line {first_line} column {first_column})")


@pytest.mark.parametrize("kind", KINDS)
def test_duplicate_key_is_the_loaders_check_error(tmp_path: Path, kind: str) -> None:
    text, (line, column), _, key = DUPLICATED[kind]
    path, _ = write(tmp_path, kind, text)
    with pytest.raises(error_class(kind), match=f"duplicate key \"{key}\"") as raised:
        load(kind, path)
    problem = raised.value.problems[0]
    assert (problem.file, problem.line, problem.column) == (str(path), line, column)


def test_a_second_subject_cannot_widen_a_waiver(tmp_path: Path) -> None:
    # Last-wins would waive every first-response breach with `subject: "*"`.
    path, args = write(tmp_path, "waivers", _insert(WAIVER, 2, '    subject: "*"\n'))
    refused(invoke(*args), "duplicate key \"subject\"")


def test_nested_duplicate_and_keys_that_are_equal_values(tmp_path: Path) -> None:
    path, args = write(tmp_path, "terms", "limits:\n  registration: 4h\n  feedback: 2bd\n  registration: 1h\n")
    refused(invoke(*args), f"{path}:4:3: duplicate key \"registration\" (first at line 2 column 3)")
    # YAML reads both `1` and `true` as the same dict key: one of them would vanish.
    path, args = write(tmp_path, "terms", "not_tracked:\n  1: a\n  true: b\n")
    refused(invoke(*args), f"{path}:3:3: duplicate key true (first at line 2 column 3)")


def test_the_same_key_in_two_mappings_is_not_a_duplicate(tmp_path: Path) -> None:
    path, _ = write(tmp_path, "terms", "limits:\n  registration: 4h\nreport:\n  due_days: 15\nevaluation:\n  due_days: 10\n")
    assert load("terms", path).report.due_days == 15
