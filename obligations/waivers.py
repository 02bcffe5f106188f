"""The waivers file: breaches accepted on the record, each with a reason, an approver and an end date.

The file's keys are a public interface:

    waivers:
      - rule: first-response          # or `clause: "1.2"` or `breach: 2`: exactly one of the three
        subject: C-0102               # a subject id, or an fnmatch pattern: "C-01*", "2026-09-*"
        subject_type: complaint       # optional: complaint, evaluation, report, disclosure, period, channel_kind
        reason: Customer asked us to call back after the holiday
        approved_by: Li Wei (compliance)
        expires: 2026-12-31           # a date: the waiver applies through that whole day

- `rule`, `subject`, `reason`, `approved_by` and `expires` are required (`clause` or `breach` may
  stand for `rule`); `reason` and `approved_by` must not be blank. Unknown keys are errors.
- `clause` is a quoted string ("1.2"): unquoted, YAML reads 1.10 as the number 1.1.
- `subject` patterns are case-sensitive (`*`, `?`, `[...]`); a period's id is `start/end`. A
  subject has at most `MAX_SUBJECT_CHARS` characters and `MAX_SUBJECT_SETS` sets.
- A waiver is active through its `expires` day in the contract's zone, expired from the next day.
- An empty file, or `waivers:` with no entries, waives nothing.
- A key given twice (a second `subject: "*"` would widen the waiver), anchors and aliases are
  refused, as in every YAML file (`yamlsrc`).
- Errors are `WaiverError`s listing every problem at `file:line:col`. Whether a `rule` exists is
  checked by `check_waivers_against` once the rulebook is loaded, not here.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from check_compliance.obligations.errors import Problem, WaiverError
from check_compliance.obligations.rulebook import SubjectType
from check_compliance.obligations.validation import yaml_problems
from check_compliance.obligations.yamlsrc import YamlSource, YamlSyntaxError, closest, parse_yaml, read_yaml

TARGETS = ("rule", "clause", "breach")

MAX_SUBJECT_CHARS = 256
"""Longest `subject` (an id or a pattern). Fixed: fnmatch's translation of a pattern takes time
growing with its length times its `[` sets, so a long hostile pattern could stall the check."""
MAX_SUBJECT_SETS = 10
"""Most `[...]` sets (counted as `[` characters) in one `subject` pattern. Fixed, as above."""


def _day(value: object) -> date:
    # YAML gives a date for 2026-12-31 and a string when quoted; a time of day would blur "through that day".
    if isinstance(value, datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"not a valid date ({error})") from None
    raise ValueError("expected a date (YYYY-MM-DD)")


def _clause(value: object) -> object:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError('expected a quoted clause such as "1.2" (unquoted, YAML reads it as a number)')
    if isinstance(value, str) and not re.fullmatch(r"\d+(\.\d+)*", value):
        raise ValueError('expected a clause number such as "1.2"')
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


Text = Annotated[str, Field(strict=True), AfterValidator(_not_blank)]


def _pattern(value: str) -> str:
    if len(value) > MAX_SUBJECT_CHARS:
        raise ValueError(f"expected an id or pattern of at most {MAX_SUBJECT_CHARS} characters (MAX_SUBJECT_CHARS), got {len(value):,}")
    sets = value.count("[")
    if sets > MAX_SUBJECT_SETS:
        raise ValueError(f"expected at most {MAX_SUBJECT_SETS} character sets [...] in a pattern (MAX_SUBJECT_SETS), got {sets}")
    return value


class Waiver(BaseModel):
    """One entry of the waivers file: which findings it accepts, why, by whom, until when."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: Optional[Text] = None
    clause: Annotated[Optional[str], BeforeValidator(_clause)] = None
    breach: Optional[Annotated[int, Field(strict=True, ge=1, le=6)]] = None
    subject: Annotated[Text, AfterValidator(_pattern)]
    subject_type: Optional[SubjectType] = None
    reason: Text
    approved_by: Text
    expires: Annotated[date, BeforeValidator(_day)]
    _at: tuple[str, int, int] = PrivateAttr(default=("", 0, 0))

    @model_validator(mode="after")
    def _one_target(self) -> Waiver:
        given = [name for name in TARGETS if getattr(self, name) is not None]
        if len(given) != 1:
            got = f"got {' and '.join(given)}" if given else "got none"
            raise ValueError(f"give exactly one of rule, clause or breach; {got}")
        return self

    @property
    def where(self) -> str:
        """`file:line:col` of the entry, when it was read from a file."""
        name, line, column = self._at
        return f"{name}:{line}:{column}" if name else ""

    def is_active(self, today: date) -> bool:
        """Active through the whole `expires` day; `today` is a day in the contract's zone."""
        return today <= self.expires

    def matches(self, rule: str, clause: str, breach: int, subject_type: str, subject_id: str) -> bool:
        """Whether this waiver names the finding, whatever its expiry."""
        if self.rule is not None and self.rule != rule:
            return False
        if self.clause is not None and self.clause != clause:
            return False
        if self.breach is not None and self.breach != breach:
            return False
        if self.subject_type is not None and self.subject_type != subject_type:
            return False
        return fnmatch.fnmatchcase(subject_id, self.subject)


class WaiversFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    waivers: Optional[list[Waiver]] = None


def load_waivers(path: str | Path) -> list[Waiver]:
    """Read the waivers file at `path`, in file order (a waiver's number is its position, from 1)."""
    name = str(path)
    try:
        source = read_yaml(path, name)
    except YamlSyntaxError as error:
        raise WaiverError(name, [error.problem()]) from None
    return _waivers(source)


def parse_waivers(text: str, name: str = "<waivers>") -> list[Waiver]:
    """The waivers of a waivers file's text (see `load_waivers`)."""
    try:
        source = parse_yaml(text, name)
    except YamlSyntaxError as error:
        raise WaiverError(name, [error.problem()]) from None
    return _waivers(source)


def _waivers(source: YamlSource) -> list[Waiver]:
    name = source.name
    data = {} if source.data is None else source.data
    if not isinstance(data, dict):
        raise WaiverError(name, [source.problem((), "expected a mapping with a `waivers` list")])
    try:
        waivers = WaiversFile.model_validate(data).waivers or []
    except ValidationError as error:
        raise WaiverError(name, yaml_problems(source, error, WaiversFile)) from None
    for index, waiver in enumerate(waivers):
        waiver._at = (source.name, *source.at(("waivers", index)))
    return waivers


def check_waivers_against(
    waivers: Iterable[Waiver],
    rule_ids: Iterable[str],
    clauses: Optional[Iterable[str]] = None,
    breaches: Optional[Iterable[int]] = None,
) -> list[Problem]:
    """Waivers naming a rule (or a clause, a breach, when those are given) that no rule of the rulebook has."""
    rules = sorted(rule_ids)
    cited = (sorted(clauses) if clauses is not None else None, sorted(breaches) if breaches is not None else None)
    problems = []
    for index, waiver in enumerate(waivers):
        file, line, column = waiver._at
        place = {"file": file, "line": line, "column": column} if file else {}
        path = f"waivers[{index}]"
        if waiver.rule is not None and waiver.rule not in rules:
            problems.append(Problem(path, f"unknown rule {waiver.rule!r}; rules: {', '.join(rules)}", suggestion=closest(waiver.rule, rules), **place))  # type: ignore[arg-type]
        for name, value, known in (("clause", waiver.clause, cited[0]), ("breach", waiver.breach, cited[1])):
            if value is not None and known is not None and value not in known:
                problems.append(Problem(path, f"no rule cites {name} {value!r}; cited: {', '.join(map(str, known))}", **place))  # type: ignore[arg-type]
    return problems
