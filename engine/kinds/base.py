"""What every rule kind answers, and the defaults most kinds keep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Optional

from check_compliance.engine.conditions import And, Cmp, Expr, Or, Ref
from check_compliance.engine.kinds.columns import NOT_STARTED

if TYPE_CHECKING:
    from check_compliance.engine.compiler import CompiledRule
    from check_compliance.engine.facts import Context, FactBuilder, SubjectRef
    from check_compliance.engine.kinds.columns import BlockFacts
    from check_compliance.obligations.terms import Terms


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline a rule lays on a complaint: from which event, on which limit of the terms."""

    from_: str
    limit: str
    by_table: bool  # the rule reads the limit's table when the terms give one


def lacking(count: int) -> Expr:
    """Some required field or item `p_<i>` is absent."""
    return Or(tuple(Cmp(f"p_{i}", "eq", False) for i in range(count)))


def deadline_outcomes(scope: list[Expr]) -> dict[str, Expr]:
    """late, overdue and at_risk of a deadline-like rule (a complaint's deadline, a period's delivery)."""
    return {
        "late": And((*scope, Cmp("obs", "exists"), Cmp("obs", "gt", Ref("due")))),
        "overdue": And((*scope, Cmp("obs", "missing"), Cmp("asof", "gt", Ref("due")))),
        "at_risk": And((*scope, Cmp("obs", "missing"), Cmp("asof", "lte", Ref("due")), Cmp("asof", "gte", Ref("risk")))),
    }


def deadline_tallies(scope: list[Expr], outcomes: dict[str, Expr]) -> dict[str, Expr]:
    """What the period figures count a deadline as: late and overdue are its own outcomes; met
    and running are the rest of the deadlines that started by as_of."""
    started = Cmp("due", "lt", NOT_STARTED)
    return {
        "met": And((*scope, started, Cmp("obs", "exists"), Cmp("obs", "lte", Ref("due")))),
        "late": outcomes["late"],
        "overdue": outcomes["overdue"],
        "running": And((*scope, started, Cmp("obs", "missing"), Cmp("asof", "lte", Ref("due")))),
    }


class Kind:
    """One rule kind. Subclasses live one per module; `engine.kinds.KINDS` names them."""

    name: ClassVar[str]
    schema: ClassVar[type]
    # A kind whose subjects are not records (periods, channel kinds) builds their facts itself.
    own_subject: ClassVar[Optional[str]] = None

    def compile(self, rule: Any, terms: Terms, slot: int, scope: list[Expr], record_fields: tuple[str, ...]) -> CompiledRule:
        raise NotImplementedError

    def read_fields(self, rule: Any) -> set[str]:
        """Record fields the rule's own condition reads, beyond its `when` (copied as `r_<field>`)."""
        return set()

    def checked_fields(self, rule: Any) -> list[str]:
        """The subject's fields the rule names beyond its `when` (checked to exist at compile time)."""
        return []

    def limits(self, rule: Any) -> set[str]:
        """The limits of the terms the rule uses."""
        spec = self.deadline(rule)
        return {spec.limit} if spec else set()

    def deadline(self, rule: Any) -> Optional[DeadlineSpec]:
        """The deadline the rule lays on a complaint, if any."""
        return None

    def event(self, rule: Any) -> Optional[str]:
        """The complaint event that fulfils the rule (or makes it apply): its `obs_<slot>`."""
        return None

    def complaint_columns(self, compiled: CompiledRule, facts: BlockFacts) -> None:
        """Fill the rule's slot of a block of complaint facts."""

    def record_fact(self, compiled: CompiledRule, fact: dict, record: Any, builder: FactBuilder) -> None:
        """Fill the rule's slot of an evaluation's, report's or disclosure's fact."""

    def subject_facts(self, rules: list[CompiledRule], export: Any, builder: FactBuilder) -> Iterator[tuple[dict, SubjectRef]]:
        """The facts of the kind's own subjects (`own_subject`)."""
        return iter(())

    def context(self, compiled: CompiledRule, fact: dict, subject: SubjectRef, builder: FactBuilder) -> Context:
        """What a finding of the rule on `subject` needs beyond its fact."""
        return builder.record_context(compiled, subject, self.deadline(compiled.rule))
