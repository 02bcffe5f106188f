"""The rulebook's schema: the YAML rule kinds, and loading `rules/*.yaml` with errors at file:line.

A rule file holds one contract section. Each rule cites its clause, breach and obligation, has
messages in Chinese and English per outcome, and is one of six kinds (ARCHITECTURE.md). Values a
signed contract fills in are never written in a rule: a rule names a term (`limit: registration`,
`items: {term: evaluation.covers}`) and the terms file gives its value.
"""

from __future__ import annotations

import hashlib
import string
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from check_compliance.obligations.conditions import Condition
from check_compliance.obligations.durations import check_days
from check_compliance.obligations.errors import Problem, RulebookError, Unknown
from check_compliance.obligations.validation import yaml_problems
from check_compliance.obligations.yamlsrc import YamlSyntaxError, closest, read_yaml

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules"
Outcome = Literal["late", "overdue", "at_risk", "missing", "incomplete", "prohibited"]
SubjectType = Literal["complaint", "evaluation", "report", "disclosure", "channel_kind", "period"]
# What a message may say; anything else in braces is a rule error, so templates stay data.
PLACEHOLDERS = frozenset(
    {"subject", "urgency", "limit", "delay", "due_at", "observed_at", "elapsed", "missing", "gaps", "party", "field"}
)


class Text(BaseModel):
    """A text in both languages of the contract."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _placeholders(self) -> Text:
        for text in (self.zh, self.en):
            for _, name, spec, conversion in string.Formatter().parse(text):
                if name is not None and (name not in PLACEHOLDERS or spec or conversion):
                    raise Unknown(f"unknown placeholder {{{name}}}; allowed: {', '.join(sorted(PLACEHOLDERS))}", closest(name or "", PLACEHOLDERS))
        return self

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class TermRef(BaseModel):
    """A value the terms file gives: `{term: evaluation.covers}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    term: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$")


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    obligation: int = Field(ge=1)
    clause: str = Field(pattern=r"^\d+(\.\d+)*$")
    breach: int = Field(ge=1, le=6)
    party: Literal["A", "B", "subject"]
    severity: Literal["error", "warning"] = "error"
    title: Text
    when: Optional[Condition] = None


class DeadlineRule(_Rule):
    """Event `to` must happen within `limit` after event `from`, on the limit's clock."""

    kind: Literal["deadline"] = "deadline"
    subject: Literal["complaint"]
    from_: str = Field(alias="from")
    to: str
    limit: str
    limit_by: Optional[Literal["urgency"]] = None
    message: dict[Literal["late", "overdue", "at_risk"], Text]


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_: str = Field(alias="from")
    limit: str


class Once(BaseModel):
    """A required rule applies once `event` happened, or once its own deadline has run out."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    event: str
    or_after: Optional[Deadline] = None


class RequiredRule(_Rule):
    """These fields must be present (non-blank), once `once` holds."""

    kind: Literal["required"] = "required"
    subject: Literal["complaint", "evaluation", "report", "disclosure"]
    fields: list[str] = Field(min_length=1)
    once: Optional[Once] = None
    message: dict[Literal["missing"], Text]


class ContainsRule(_Rule):
    """A list or mapping field must hold every item (a mapping: each with non-blank text)."""

    kind: Literal["contains"] = "contains"
    subject: Literal["evaluation", "report"]
    field: str
    items: Union[list[str], TermRef]
    message: dict[Literal["incomplete"], Text]


class ForbiddenRule(_Rule):
    """`condition` must never hold."""

    kind: Literal["forbidden"] = "forbidden"
    subject: Literal["complaint", "evaluation", "report", "disclosure"]
    condition: Condition
    message: dict[Literal["prohibited"], Text]


class EveryPeriodRule(_Rule):
    """Each period of the term needs a `record` delivered (`delivered`) by the period's due date."""

    kind: Literal["every_period"] = "every_period"
    subject: Literal["period"]
    record: Literal["evaluations", "reports"]
    delivered: str
    due_days: Union[Annotated[int, Field(ge=0), AfterValidator(check_days)], TermRef]
    message: dict[Literal["late", "overdue", "at_risk"], Text]


class AlwaysOpenRule(_Rule):
    """On every judged day of the term some `record` of each required kind is open."""

    kind: Literal["always_open"] = "always_open"
    subject: Literal["channel_kind"]
    record: Literal["channels"]
    kinds: Union[list[str], TermRef]
    message: dict[Literal["missing"], Text]


Rule = Annotated[
    Union[DeadlineRule, RequiredRule, ContainsRule, ForbiddenRule, EveryPeriodRule, AlwaysOpenRule],
    Field(discriminator="kind"),
]


class RuleFile(BaseModel):
    """One YAML file of the rulebook: a contract section and its rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    section: str
    title: Text
    rules: list[Rule] = Field(min_length=1)


class Rulebook(BaseModel):
    """All rules, in file order, with a digest of their text so a report names what judged it."""

    model_config = ConfigDict(frozen=True)
    id: str
    sha256: str
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


# Data beside the rules that is not a rule: the default terms, the evaluation's indicators and recommendations.
NOT_RULE_FILES = frozenset({"terms.yaml", "indicators.yaml", "recommendations.yaml"})


def rule_files(directory: str | Path | None = None) -> list[Path]:
    """The rule files of `directory` (default: the shipped `rules/`), in the order they are read."""
    directory = Path(directory) if directory is not None else DEFAULT_RULES
    if not directory.is_dir():
        raise RulebookError(str(directory), [Problem("", "not a directory of rule files", file=str(directory))])
    files = sorted(p for p in directory.glob("*.yaml") if p.name not in NOT_RULE_FILES)
    not_files = [Problem("", "is not a file: every *.yaml in a rules directory is read as a rule file; rename it or move it out", file=str(p)) for p in files if not p.is_file()]
    if not_files:
        raise RulebookError(str(directory), not_files)
    if not files:
        raise RulebookError(str(directory), [Problem("", "holds no rule files (*.yaml)", file=str(directory))])
    return files


def rulebook_sha256(files: list[Path]) -> str:
    """The digest a report names its rulebook by: every rule file's name and bytes, in order."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_rulebook(directory: str | Path | None = None) -> Rulebook:
    """Load every `*.yaml` rule file of `directory` (default: the shipped `rules/`)."""
    directory = Path(directory) if directory is not None else DEFAULT_RULES
    files = rule_files(directory)
    problems: list[Problem] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            source = read_yaml(path, _display(path))
            rule_file = RuleFile.model_validate(source.data)
        except YamlSyntaxError as error:
            problems.append(error.problem())
            continue
        except ValidationError as error:
            problems += yaml_problems(source, error, RuleFile)
            continue
        for index, rule in enumerate(rule_file.rules):
            where = source.where(("rules", index, "id"))
            if rule.id in seen:
                problems.append(source.problem(("rules", index, "id"), f"duplicate rule id {rule.id!r} (first at {seen[rule.id]})"))
            seen.setdefault(rule.id, where)
            rules.append(rule)
    if problems:
        raise RulebookError(str(directory), problems)
    name = "shipped" if directory.resolve() == DEFAULT_RULES else directory.name
    return Rulebook(id=name, sha256=rulebook_sha256(files), rules=tuple(rules))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
