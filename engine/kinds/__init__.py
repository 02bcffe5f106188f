"""Rule kinds: one module per kind, and the registry that is the only place kinds are named.

A kind module (`deadline`, `required`, `contains`, `forbidden`, `every_period`, `always_open`)
holds everything that is particular to its kind:

- its rulebook schema: the pydantic class of `obligations/rulebook.py` it answers for (the
  schema classes stay there because `obligations/` imports no engine; the kind names its class);
- `compile(rule, terms, slot) -> CompiledRule`: its outcome conditions over the flat fact, and,
  for deadline-like kinds, the conditions the period figures count by (met, late, overdue,
  running), so `engine/statistics.py` asks the compiled conditions instead of re-deciding;
- its fact columns: what its slot of a fact holds, computed by column for a block of complaints
  (`complaint_columns`), or per record for the small lists (evaluations, reports, disclosures,
  periods, channel kinds);
- `context(...)`: the evidence of one of its findings (clock, limit, start, pauses, gaps).

`KINDS` maps the YAML `kind:` to its module object; nothing outside `engine/kinds/` switches on a
rule's kind.

Interface with the readers (the "columnar" work): block in, fact columns out
------------------------------------------------------------------------------

    columns = complaint_columns(program, contract, as_of, block)
    # the same, for many blocks of one check (the clocks' layouts are kept between blocks):
    builder = FactBuilder(program, contract, as_of, observe=figures.observe)
    columns = builder.complaint_columns(block)

- `block`: a valid block, a `pyarrow.Table` of `obligations.blocks.block_schema()` (`row`, the
  complaint fields; instants int64 microseconds since the epoch, UTC; `pauses` a list of
  `{from, to}` int64 structs sorted by `from`, a running pause with a null `to`). Rows are in
  input order. `blocks.from_complaints(complaints)` builds one from pydantic `Complaint`s;
  `engine.kinds.source.ModelSource(complaints)` reads the models directly, without pyarrow
  (what `Checker.check` does for in-memory `Records`). The period figures
  (`engine.statistics.Figures.observe`) take each block's columns and facts as they pass.
  Complaints received after `as_of` must already be left out by the caller (they do not exist
  yet); the block's rows are exactly the complaint facts.
- `columns`: a `FactColumns` (`engine/kinds/columns.py`): one row per row of the block, in the
  same order, and per fact field (named exactly as the compiled conditions read them) a numpy
  array `values[name]` and, where the field may be absent from a fact, a boolean numpy array
  `present[name]` (absent from `present`: present in every row). The names:
    - shared: `t` (always "complaint", not stored as a column), `in_term` (bool), `asof` (int64);
    - `r_<field>`: record fields a rule's `when`/`condition` reads (text stripped, a blank text
      absent, a text over 1,000 characters cut to its head plus a sha256; instants int64 µs and
      absent when after `as_of`; `pauses` their count, absent when none);
    - per rule slot `n` (the rule's position in the rulebook): `due_n`, `risk_n` (int64 µs,
      always present for deadline-like rules; `NOT_STARTED` = 2**53-1 when the start event has
      not happened by `as_of`), `obs_n` (int64 µs, present only when the fulfilling event
      happened at or before `as_of`), `p_n_i` (bool: the i-th required field or item present).
  A fact for durable_rules is one row with the absent fields omitted (never written as null):
  `FactColumns.rows()` gives them as dicts, in the block's order; a native writer reads the
  arrays directly.
- Every instant is an exact integer microsecond on UTC; deadlines laid on calendar time with
  pauses use the closed form of COLUMNAR.md "Facts", business calendars cumulative working-time
  arrays and `searchsorted`, working days (`Nbd`) a per-day cumulative working-day count. The
  per-record reference builder (`tests/reference_facts.py`) is held to exact equality.
"""

from __future__ import annotations

from typing import Any

from check_compliance.engine.kinds import always_open, contains, deadline, every_period, forbidden, required
from check_compliance.engine.kinds.base import Kind

# The one map of kinds: the YAML `kind:` → the module's kind object.
KINDS: dict[str, Kind] = {module.KIND.name: module.KIND for module in (deadline, required, contains, forbidden, every_period, always_open)}



def complaint_columns(program: Any, contract: Any, as_of: Any, block: Any) -> Any:
    """The fact columns of one valid block (the interface above); `FactBuilder` for many blocks."""
    from check_compliance.engine.facts import FactBuilder

    return FactBuilder(program, contract, as_of).complaint_columns(block)


__all__ = ["KINDS", "Kind", "complaint_columns"]
