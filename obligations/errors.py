"""The errors raised when a check cannot be made, each naming the place and what is allowed.

    CheckError                 anything that stops a check (CLI exit code 2)
    ├── InputError             records: one or more problems, each at a JSON path
    ├── RulebookError          rules/*.yaml: problems at file:line:column
    ├── TermsError             terms file: problems at file:line:column
    └── EngineError            the rule engine failed or lost a fact (a bug, never a finding)
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input: where (a JSON path or `file:line:col`) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class CheckError(Exception):
    """The check could not be made; `problems` lists every reason found, not just the first."""

    kind = "error"

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=_order)
        super().__init__(self.render())

    def render(self) -> str:
        head = f"{self.source}: {len(self.problems)} {self.kind}" + ("s" if len(self.problems) != 1 else "")
        return "\n".join([head] + [f"  {p}" for p in self.problems])


class InputError(CheckError):
    kind = "input error"


class RulebookError(CheckError):
    kind = "rule error"


class TermsError(CheckError):
    kind = "terms error"


class EngineError(CheckError):
    kind = "engine error"


def _order(problem: Problem) -> tuple:
    # Sort `complaints[10]` after `complaints[9]`, and file:12 after file:9.
    parts = re.split(r"(\d+)", problem.where)
    return tuple(int(p) if p.isdigit() else p for p in parts), problem.message
