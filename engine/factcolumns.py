"""Facts by column, and their JSON for durable_rules written natively (no dict, no per-fact dumps).

`FactColumns` is the interface between whoever builds facts and the runtime: one subject type,
`n` facts, one numpy array per fact field (int64 instants and counts, bool tests, str values) and,
for a field some facts lack, a mask of the facts that carry it — an absent field is left out of
the text, never written as null (durable_rules' `$nex` counts a null as present).

`from_facts` builds the columns from today's per-record fact dicts (engine/facts.py): the bridge
until facts are built by column (engine/kinds/). `fact_texts` writes the JSON of every fact at
once with pyarrow's string kernels; text values are encoded once per distinct value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson


@dataclass
class FactColumns:
    subject: str
    n: int
    columns: dict[str, np.ndarray]
    present: dict[str, np.ndarray] = field(default_factory=dict)  # a field missing here is in every fact

    def fact(self, i: int) -> dict[str, Any]:
        """Fact `i` as a dict (a match's evidence, the plain evaluator, the tests)."""
        out: dict[str, Any] = {"t": self.subject}
        for name, values in self.columns.items():
            mask = self.present.get(name)
            if mask is None or mask[i]:
                value = values[i]
                out[name] = value.item() if isinstance(value, np.generic) else value
        return out


def from_facts(subject: str, facts: Sequence[dict[str, Any]]) -> FactColumns:
    """The columns of `facts` (all of `subject`), from today's fact dicts."""
    names: dict[str, type] = {}
    for fact in facts:
        for name, value in fact.items():
            if name != "t" and name not in names:
                names[name] = type(value)
    columns, present = {}, {}
    for name, kind in names.items():
        mask = np.fromiter((name in fact for fact in facts), dtype=bool, count=len(facts))
        if kind is str:
            values: np.ndarray = np.array([fact.get(name, "") for fact in facts], dtype=object)
        elif kind is bool:
            values = np.fromiter((bool(fact.get(name, False)) for fact in facts), dtype=bool, count=len(facts))
        else:
            values = np.fromiter((fact.get(name, 0) for fact in facts), dtype=np.int64, count=len(facts))
        columns[name] = values
        if not mask.all():
            present[name] = mask
    return FactColumns(subject, len(facts), columns, present)


def fact_texts(facts: FactColumns, sid: str) -> list[str]:
    """Each fact's JSON, `{"t":…,"sid":…,"id":"<i>",…}` with `id` its position: natively, by column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    head = orjson.dumps({"t": facts.subject, "sid": sid}).decode()[:-1] + ',"id":"'
    pieces = [pa.array(np.arange(facts.n)).cast(pa.string()), pa.scalar('"')]
    for name, values in facts.columns.items():
        text = _texts(values)
        piece = pc.binary_join_element_wise(pa.scalar(orjson.dumps(name).decode().join((",", ":"))), text, "")
        mask = facts.present.get(name)
        if mask is not None:
            piece = pc.if_else(pa.array(mask), piece, pa.scalar(""))
        pieces.append(piece)
    joined = pc.binary_join_element_wise(pa.scalar(head), *pieces, pa.scalar("}"), "")
    return joined.to_pylist()


def _texts(values: np.ndarray) -> Any:
    import pyarrow as pa

    if values.dtype == bool:
        return pa.array(values).cast(pa.string())  # "true" / "false"
    if values.dtype.kind in "iu":
        return pa.array(values.astype(np.int64)).cast(pa.string())
    encoded = pa.array(values, pa.string()).dictionary_encode()
    words = pa.array([orjson.dumps(word).decode() for word in encoded.dictionary.to_pylist()], pa.string())
    return words.take(encoded.indices)
