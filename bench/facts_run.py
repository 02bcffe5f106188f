"""The fact-building stage alone: complaints → facts (+ period figures), CPU seconds, same records.

    python bench/facts_run.py RECORDS.json [--repeat 3]

Loads the records once (not timed), then builds every complaint fact and the period figures the
way `Checker.check` does, without the engine, and prints the CPU time of the best run. Run it with
another checkout first on `PYTHONPATH` (e.g. a `git archive` of main under `check_compliance/`) to
compare two versions on the same file in the same session.
"""

from __future__ import annotations

import argparse
import gc
import time

from check_compliance.engine.check import Checker
from check_compliance.engine.facts import FactBuilder
from check_compliance.engine.statistics import Figures
from check_compliance.obligations.sources import open_records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("records")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    records = open_records(args.records)
    checker = Checker()
    contract, as_of = records.contract, records.as_of
    best = float("inf")
    for _ in range(args.repeat):
        gc.collect()
        started = time.process_time()
        figures = Figures(checker.program, contract, as_of)
        try:
            builder = FactBuilder(checker.program, contract, as_of, observe=figures.observe)  # type: ignore[call-arg]
            count = sum(1 for _ in builder.complaint_facts(records.complaints))
        except TypeError:  # a version whose figures take the facts as they pass
            builder = FactBuilder(checker.program, contract, as_of)
            count = sum(1 for _ in figures.observe(builder.complaint_facts(records.complaints)))  # type: ignore[call-arg,arg-type]
        figures.result()
        best = min(best, time.process_time() - started)
    print(f"{count} complaint facts + figures: {best:.2f} s CPU (best of {args.repeat})")


if __name__ == "__main__":
    main()
