"""Compiling a rulebook under its terms: each rule becomes outcome conditions over one flat fact.

There is one fact per subject (a complaint, a period, ...). Every fact carries `t` (the subject
type), `in_term` and `asof`, and record fields read by any rule's conditions as `r_<field>`. Each
rule owns a slot `n` of the fact: a deadline-like rule reads `due_n`, `obs_n` (absent until the
event happened by `as_of`) and `risk_n` (the instant `at_risk` of the limit has run), all in
integer microseconds since the epoch; presence of required fields or items is `p_n_i`.
Compilation resolves every term the rules name, so a bad reference fails before any record is read.
What is particular to a kind (its outcomes, the terms it reads) is its module's, in engine/kinds/;
this module holds what all kinds share: scope, slots, the engine's table sizes, term lookups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

from pydantic import BaseModel

from check_compliance.engine.conditions import And, Cmp, Expr, Or, Ref, from_rule, normal
from check_compliance.engine.conditions import fields as _fields
from check_compliance.obligations.conditions import fields_of
from check_compliance.obligations.errors import Problem, RulebookError, TermsError
from check_compliance.obligations.records import Channel, Complaint, Disclosure, Evaluation, Report
from check_compliance.obligations.rulebook import Rule, Rulebook, TermRef
from check_compliance.obligations.terms import KeyedTable, Terms, UrgencyTable, default_limit_names
from check_compliance.obligations.yamlsrc import closest

if TYPE_CHECKING:
    from check_compliance.engine.kinds.base import Kind

SUBJECT_MODELS = {"complaint": Complaint, "evaluation": Evaluation, "report": Report, "disclosure": Disclosure, "channel_kind": Channel}


SHARED = ("t", "in_term", "asof")


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    slot: int  # which fields of the subject's fact are this rule's own
    outcomes: dict[str, Expr]  # outcome -> normalised condition over the fact
    record_fields: tuple[str, ...] = ()  # record fields copied into the fact as r_<field>
    items: tuple[str, ...] = ()  # required fields / required items / channel kinds, in order
    due_days: Optional[int] = None
    # What the period figures count a complaint's deadline as (met, late, overdue, running): the
    # compiled conditions themselves, so the figures never decide a deadline a second time.
    tallies: Optional[dict[str, Expr]] = None

    @property
    def kind(self) -> Kind:
        from check_compliance.engine.kinds import KINDS

        return KINDS[self.rule.kind]

    def field(self, name: str) -> str:
        """This rule's name for a per-rule fact field (`due` → `due_3`)."""
        return f"{name}_{self.slot}"


@dataclass(frozen=True)
class Program:
    """A rulebook bound to its terms: what the fact builder feeds and both evaluators decide."""

    rulebook: Rulebook
    terms: Terms
    rules: tuple[CompiledRule, ...] = field(default_factory=tuple)

    def by_subject(self, subject: str) -> list[CompiledRule]:
        return [r for r in self.rules if r.rule.subject == subject]


def compile_program(rulebook: Rulebook, terms: Terms) -> Program:
    from check_compliance.engine.kinds import KINDS

    problems: list[Problem] = []
    compiled = []
    for slot, rule in enumerate(rulebook.rules):
        try:
            compiled.append(_compile(KINDS[rule.kind], rule, terms, slot))
        except Bad as bad:
            problems.append(Problem(f"rule {rule.id}", str(bad), suggestion=bad.suggestion))
    problems += _engine_limits(compiled)
    if problems:
        raise RulebookError(rulebook.id, problems)
    used = {name for r in compiled for name in r.kind.limits(r.rule)}
    unused = sorted(set(terms.limits) - used - default_limit_names())
    if unused:
        raise TermsError("terms", [Problem(f"limits.{name}", f"no rule uses this limit; limits the rules use: {', '.join(sorted(used))}", suggestion=closest(name, used)) for name in unused])
    return Program(rulebook, terms, tuple(compiled))


# durable_rules' fixed table sizes (shared/design/DURABLE_RULES.md): past them it errs or crashes.
MAX_RULES_ON_ONE_TEST = 255  # engine rules sharing one identical test (`t == complaint`): segfault at 256
MAX_PROPERTIES = 253  # properties of one message: error 302
_POSTED = ("sid", "id", "f")  # what the runtime adds to every fact


# Fields every fact of a rule carries whenever its slot is used (see engine.facts.NOT_STARTED):
# the only ones a comparison may take its other side from, since durable_rules reads garbage
# for an absent `{"$m": field}`.
ALWAYS_PRESENT = frozenset({"asof", "due", "risk", "end"})


def _refs(expr: Expr) -> set[str]:
    if isinstance(expr, Cmp):
        return {expr.value.field} if isinstance(expr.value, Ref) else set()
    return set().union(*(_refs(item) for item in expr.items))  # type: ignore[union-attr]


def _engine_limits(compiled: list[CompiledRule]) -> list[Problem]:
    """Refuse a rulebook the engine cannot hold, before any record reaches it."""
    problems = []
    for c in compiled:
        for expr in c.outcomes.values():
            for name in _refs(expr):
                if name != "asof" and name.rsplit("_", 1)[0] not in ALWAYS_PRESENT:
                    problems.append(Problem(f"rule {c.rule.id}", f"compares with {name}, which a fact may lack"))
    # Every outcome rule tests `in_term == true`, whatever its subject.
    engine_rules = sum(len(c.outcomes) for c in compiled)
    if engine_rules >= MAX_RULES_ON_ONE_TEST:
        problems.append(Problem("rulebook", f"{engine_rules} outcome rules share one test; durable_rules holds at most {MAX_RULES_ON_ONE_TEST - 1}"))
    for subject in sorted({c.rule.subject for c in compiled}):
        rules = [c for c in compiled if c.rule.subject == subject]
        fields = set(SHARED) | set(_POSTED) | {f for c in rules for f in c.record_fields}
        for c in rules:
            fields |= {f for expr in c.outcomes.values() for f in _fields(expr)}
        if len(fields) > MAX_PROPERTIES:
            problems.append(Problem(f"subject {subject}", f"its facts would carry {len(fields)} properties; durable_rules takes at most {MAX_PROPERTIES}"))
    return problems


class Bad(Exception):
    def __init__(self, message: str, suggestion: Optional[str] = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


def _compile(kind: Kind, rule: Rule, terms: Terms, slot: int) -> CompiledRule:
    model = SUBJECT_MODELS.get(rule.subject)
    when_fields = fields_of(rule.when) | kind.read_fields(rule)
    for name in sorted(when_fields):
        check_field(model, name, rule)
    for name in kind.checked_fields(rule):
        check_field(model, name, rule)
    scope: list[Expr] = [Cmp("t", "eq", rule.subject), Cmp("in_term", "eq", True)]
    if rule.when is not None:
        scope.append(from_rule(rule.when))
    return kind.compile(rule, terms, slot, scope, tuple(sorted(when_fields)))


def normal_outcomes(outcomes: dict[str, Expr], slot: int) -> dict[str, Expr]:
    """A kind's outcome conditions, negations pushed down and its fields given the rule's slot."""
    return {name: _slotted(normal(expr), slot) for name, expr in outcomes.items()}


def _slotted(expr: Expr, slot: int) -> Expr:
    """Give the rule's own fields its slot (`due` → `due_3`, `p_0` → `p_3_0`); shared ones stay."""
    if isinstance(expr, (And, Or)):
        return type(expr)(tuple(_slotted(item, slot) for item in expr.items))
    assert isinstance(expr, Cmp)
    value = Ref(_slot_name(expr.value.field, slot)) if isinstance(expr.value, Ref) else expr.value
    return Cmp(_slot_name(expr.field, slot), expr.op, value)


def _slot_name(name: str, slot: int) -> str:
    if name in SHARED or name.startswith("r_"):
        return name
    if name.startswith("p_"):
        return f"p_{slot}_{name[2:]}"
    return f"{name}_{slot}"


def check_field(model: object, name: str, rule: Optional[Rule]) -> None:
    known = getattr(model, "model_fields", {})
    if name not in known:
        subject = rule.subject if rule is not None else "complaint"
        raise Bad(f"{subject} has no field {name!r}; fields: {', '.join(known)}", closest(name, known))


def check_limit(name: str, by: Optional[str], terms: Terms) -> None:
    if name not in terms.limits:
        raise Bad(f"unknown limit {name!r}; the terms define: {', '.join(sorted(terms.limits))}", closest(name, terms.limits))
    if isinstance(terms.limits[name], UrgencyTable) and by is None:
        raise Bad(f"limit {name!r} is a table by urgency in the terms; the rule needs `limit_by: urgency`")
    table = terms.limits[name]
    if isinstance(table, KeyedTable):
        check_field(Complaint, table.by, None)


def _term(ref: TermRef, terms: Terms) -> object:
    value: object = terms
    for part in ref.term.split("."):
        if not isinstance(value, BaseModel) or part not in type(value).model_fields:
            raise Bad(f"unknown term {ref.term!r}")
        value = getattr(value, part)
    return value


def term_list(value: Union[list[str], TermRef], terms: Terms) -> list[str]:
    resolved = _term(value, terms) if isinstance(value, TermRef) else value
    if not isinstance(resolved, list) or not all(isinstance(v, str) for v in resolved):
        raise Bad(f"term {value.term!r} is not a list of names")  # type: ignore[union-attr]
    return resolved


def term_int(value: Union[int, TermRef], terms: Terms) -> int:
    resolved = _term(value, terms) if isinstance(value, TermRef) else value
    if isinstance(resolved, bool) or not isinstance(resolved, int):
        raise Bad(f"term {value.term!r} is not a whole number of days")  # type: ignore[union-attr]
    return resolved
