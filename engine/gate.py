"""The CI gate: waivers and a baseline applied to a report, and the exit code that decides.

    gate = Gate(waivers="waivers.yaml", baseline="last-month.json", strict_waivers=True)
    report = gate.apply(checker.check(records))
    sys.exit(gate.exit_code(report))

The gate never changes what was found: waived and known findings stay in the report, marked, and
only stop failing the gate. Reporters present the gated report; `exit_code` alone decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Optional, Union

from check_compliance.engine.baseline import Baseline, apply_baseline, load_baseline
from check_compliance.engine.findings import Report, RuleInfo, Severity
from check_compliance.engine.waivers import apply_waivers, waiver_day
from check_compliance.obligations.errors import WaiverError
from check_compliance.obligations.waivers import Waiver, check_waivers_against, load_waivers


class Gate:
    """What makes a check pass or fail: the severity that fails, accepted findings, a baseline.

    `waivers` and `baseline` are loaded objects or the paths of their files (read here, so a bad
    file fails before any record is checked). Waivers naming a rule, clause or breach the
    rulebook does not have are a `WaiverError` when the gate meets the rulebook (`bind`, or
    `apply` with the report's rules).
    """

    def __init__(
        self,
        waivers: Union[Sequence[Waiver], str, Path, None] = None,
        baseline: Union[Baseline, str, Path, None] = None,
        *,
        fail_on: Severity = "error",
        strict_waivers: bool = False,
        max_quarantined: int = 0,
    ) -> None:
        self.waivers_source = str(waivers) if isinstance(waivers, (str, Path)) else "<waivers>"
        self.waivers: Optional[list[Waiver]] = load_waivers(waivers) if isinstance(waivers, (str, Path)) else (list(waivers) if waivers is not None else None)
        self.baseline: Optional[Baseline] = load_baseline(baseline) if isinstance(baseline, (str, Path)) else baseline
        self.fail_on: Severity = fail_on
        self.strict_waivers = strict_waivers
        self.max_quarantined = max_quarantined

    def bind(self, rules: Sequence[RuleInfo]) -> None:
        """Refuse waivers that name a rule, clause or breach no rule of the rulebook has."""
        if self.waivers is None:
            return
        problems = check_waivers_against(self.waivers, [r.id for r in rules], {r.clause for r in rules}, {r.breach for r in rules})
        if problems:
            raise WaiverError(self.waivers_source, problems)

    def apply(self, report: Report) -> Report:
        """The report with waived findings marked and, with a baseline, each finding new or known."""
        if self.waivers is not None:
            self.bind(report.rules)
            report = apply_waivers(report, self.waivers, waiver_day(report))
        if self.baseline is not None:
            report = apply_baseline(report, self.baseline)
        return report

    def exit_code(self, report: Report) -> int:
        """0 when nothing gating is at or above `fail_on` (and, if strict, every waiver was used); else 1.

        2 when more complaints were quarantined than `max_quarantined` allows (default none): the
        check did not cover them, so it could not be made, whatever the findings of the rest.
        """
        if report.quarantine is not None and report.quarantine.complaints > self.max_quarantined:
            return 2
        return report.exit_code(self.fail_on, self.strict_waivers)
