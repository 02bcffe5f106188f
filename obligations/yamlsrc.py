"""YAML read safely, with the line and column of every node, so errors can name `file:line:col`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

Marks = dict[tuple, tuple[int, int]]


class YamlSource:
    """A parsed YAML file: its data (plain dicts and lists) and where each value stands."""

    def __init__(self, name: str, data: Any, marks: Marks, key_marks: Marks) -> None:
        self.name = name
        self.data = data
        self.marks = marks
        self.key_marks = key_marks

    def where(self, loc: Iterable, key: bool = False) -> str:
        """`file:line:col` of the deepest value on `loc` (of its key, with `key`); parts not in the file are skipped."""
        best, path = self.marks.get((), (1, 1)), ()
        for part in loc:
            candidate = path + (part,)
            if candidate in self.marks:
                path, best = candidate, self.marks[candidate]
        if key and path in self.key_marks:
            best = self.key_marks[path]
        return f"{self.name}:{best[0]}:{best[1]}"


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
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise YamlSyntaxError(where, f"not valid YAML: {error.problem or error.context}") from None
    except ValueError as error:
        # PyYAML raises a bare ValueError for an impossible date (2026-02-30): find the node.
        where = _bad_scalar(node, name) if node is not None else name
        raise YamlSyntaxError(where, f"not a valid date or time ({error})") from None
    marks: Marks = {}
    key_marks: Marks = {}
    if node is not None:
        _collect(node, (), marks, key_marks)
    return YamlSource(name, data, marks, key_marks)


class YamlSyntaxError(Exception):
    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


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


def _bad_scalar(node: yaml.Node, name: str) -> str:
    constructor = yaml.SafeLoader("")
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                constructor.construct_object(current, deep=True)
            except ValueError:
                return f"{name}:{current.start_mark.line + 1}:{current.start_mark.column + 1}"
        elif isinstance(current, yaml.MappingNode):
            stack.extend(value for pair in reversed(current.value) for value in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    return name


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
