"""check-compliance: a contract's complaint-handling and evaluation obligations, checked on exported records.

    from check_compliance import check, load_records
    report = check(load_records("fixtures/sample-month.json"))
    for finding in report.findings:
        print(finding.clause, finding.outcome, finding.subject.id, finding.message)

The whole public API is `__all__` below; everything else is internal and may change.

- `check(records, rulebook=None, terms=None, *, as_of, lang, source, jobs) -> Report` checks once;
  `Checker(rulebook, terms)` compiles once and `.check(records, *, as_of, lang, source, jobs)`
  checks many times (the same parameters).
- `load_records(path or mapping) -> Records` reads a records file (JSON or JSON Lines, gzipped or
  not, `-` for standard input) or validates a parsed document; `open_records(path)` streams JSON
  Lines for exports too big to hold (`Records` or a `RecordStream`, which `check` takes alike).
- `load_rulebook(directory=None)` and `load_terms(path=None)`: the shipped rulebook and default
  terms, or your own.
- `Gate(waivers=..., baseline=..., fail_on=..., strict_waivers=...)`: `.apply(report)` marks
  waived and known findings, `.exit_code(report)` is the CI verdict (0 or 1).
- `Report`, `Finding`, `Records`: pydantic models (`report.model_dump(mode="json")`).
- Errors: every failure is a `CheckError` (the tree is drawn in `check_compliance.obligations.errors`)
  carrying `problems`, each a `Problem` with `path`, `file`, `line`, `column`, `suggestion`.

        CheckError
        ├── InputError      records
        ├── RulebookError   rule files
        ├── TermsError      the terms file
        ├── WaiverError     the waivers file
        ├── BaselineError   the baseline file
        ├── OutputError     a report that cannot be written, or would overwrite an input
        └── EngineError     the rule engine failed or lost a fact (a bug, never a finding)
"""

from importlib import metadata as _metadata

from check_compliance.engine.check import Checker, check
from check_compliance.engine.findings import Finding, Report
from check_compliance.engine.gate import Gate
from check_compliance.obligations.errors import (
    BaselineError,
    CheckError,
    EngineError,
    InputError,
    OutputError,
    Problem,
    RulebookError,
    TermsError,
    WaiverError,
)
from check_compliance.obligations.records import Records
from check_compliance.obligations.rulebook import load_rulebook
from check_compliance.obligations.sources import load_records, open_records
from check_compliance.obligations.terms import load_terms

try:
    __version__ = _metadata.version("check-compliance")
except _metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "check",
    "Checker",
    "load_records",
    "open_records",
    "load_rulebook",
    "load_terms",
    "Gate",
    "Records",
    "Report",
    "Finding",
    "CheckError",
    "InputError",
    "RulebookError",
    "TermsError",
    "WaiverError",
    "BaselineError",
    "OutputError",
    "EngineError",
    "Problem",
]
