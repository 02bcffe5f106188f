"""YAML read safely, with the line and column of every node, so errors can name `file:line:col`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Optional

import yaml

from check_compliance.obligations.errors import Problem

Marks = dict[tuple, tuple[int, int]]


class YamlSource:
    """A parsed YAML file: its data (plain dicts and lists) and where each value stands."""

    def __init__(self, name: str, data: Any, marks: Marks, key_marks: Marks) -> None:
        self.name = name
        self.data = data
        self.marks = marks
        self.key_marks = key_marks

    def at(self, loc: Iterable, key: bool = False) -> tuple[int, int]:
        """Line and column of the deepest value on `loc` (of its key, with `key`); parts not in the file are skipped."""
        best = self.marks.get((), (1, 1))
        path: tuple[Any, ...] = ()
        for part in loc:
            candidate = path + (part,)
            if candidate in self.marks:
                path, best = candidate, self.marks[candidate]
        if key and path in self.key_marks:
            best = self.key_marks[path]
        return best

    def where(self, loc: Iterable, key: bool = False) -> str:
        """`file:line:col` of the deepest value on `loc` (see `at`)."""
        line, column = self.at(loc, key)
        return f"{self.name}:{line}:{column}"

    def problem(self, loc: Iterable, message: str, key: bool = False, suggestion: Optional[str] = None) -> Problem:
        """A problem at the value (or key) on `loc`, its path the keys that lead there."""
        loc = tuple(loc)
        line, column = self.at(loc, key)
        return Problem(key_path(loc), message, file=self.name, line=line, column=column, suggestion=suggestion)


def read_yaml(path: str | Path, name: str | None = None) -> YamlSource:
    """Read a YAML file with `yaml.safe_load`; raise `YamlSyntaxError` naming the line."""
    name = name or str(path)
    text = Path(path).read_text(encoding="utf-8")
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> YamlSource:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        place = (mark.line + 1, mark.column + 1) if mark else None
        raise YamlSyntaxError(name, place, f"not valid YAML: {error.problem or error.context}") from None
    except ValueError as error:
        # PyYAML raises a bare ValueError for an impossible date (2026-02-30): find the node.
        place = _bad_scalar(node) if node is not None else None
        raise YamlSyntaxError(name, place, f"not a valid date or time ({error})") from None
    marks: Marks = {}
    key_marks: Marks = {}
    if node is not None:
        _collect(node, (), marks, key_marks)
    return YamlSource(name, data, marks, key_marks)


class YamlSyntaxError(Exception):
    """A file that is not YAML (or holds an impossible date), at its line and column when known."""

    def __init__(self, name: str, place: Optional[tuple[int, int]], message: str) -> None:
        self.name = name
        self.place = place
        self.message = message
        super().__init__(str(self.problem()))

    def problem(self) -> Problem:
        line, column = self.place if self.place else (None, None)
        return Problem("", self.message, file=self.name, line=line, column=column)


def _collect(node: yaml.Node, path: tuple, marks: Marks, key_marks: Marks) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            _collect(value, child, marks, key_marks)
            key_marks[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect(item, path + (index,), marks, key_marks)


def _bad_scalar(node: yaml.Node) -> Optional[tuple[int, int]]:
    constructor = yaml.SafeLoader("")
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                constructor.construct_object(current, deep=True)
            except ValueError:
                return current.start_mark.line + 1, current.start_mark.column + 1
        elif isinstance(current, yaml.MappingNode):
            stack.extend(value for pair in reversed(current.value) for value in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    return None


def closest(word: str, choices: Iterable[str]) -> Optional[str]:
    """The choice `word` was most likely meant to be, if one is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def key_path(loc: Iterable) -> str:
    """`("limits", "first_response")` -> `limits.first_response`; list positions as `[3]`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
