"""A Markdown summary for `$GITHUB_STEP_SUMMARY` and merge-request notes: counts, then tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from check_compliance.engine.escaping import shown
from check_compliance.engine.findings import Finding, Report
from check_compliance.engine.reporters.wording import (
    breach_title,
    gate_note,
    party_label,
    quarantine_text,
    subject_path,
    waiver_target,
)

MAX_ROWS = 200  # rows of a table; the JSON report has every finding
# GitHub refuses a step summary over 1 MiB (1,048,576 bytes): rows stop at this many bytes, and a
# line says how many were left out, whatever the number of findings or the length of their ids.
MAX_BYTES = 1_000_000
CELL_CHARACTERS = 300  # of one cell's text; a longer id or message is cut, with a mark


def render(report: Report) -> str:
    s = report.summary
    # Counts only: whether they fail the gate is the exit code's business (--fail-on, waivers).
    counts = [f"{s.errors} breach(es)", f"{s.warnings} warning(s)", f"{s.waived} waived"]
    if s.known is not None:
        counts += [f"{s.new} new", f"{s.known} known in baseline"]
    checked = ", ".join(f"{n} {name}" for name, n in s.checked.items())
    lines = [
        f"## Compliance check: contract {_cell(report.contract)} as of {report.as_of}",
        "",
        f"**{s.findings} finding(s)**: {', '.join(counts)}.",
        "",
        f"Checked {checked}, records `{_code(report.source)}`, rulebook `{_code(report.rulebook.id)}` (sha256 `{report.rulebook.sha256[:12]}`).",
    ]
    if report.quarantine is not None:
        lines += ["", f"**{_cell(quarantine_text(report.quarantine))}** (see the quarantine file)."]
    for text in report.notices or ():
        lines += ["", f"> {_cell(text)}"]
    lines += _by_breach(report)
    # Each capped section below may add one `… and N more` line: room is kept for them.
    budget = _Budget(MAX_BYTES - sum(len(line.encode()) + 1 for line in lines) - 4 * 200)
    if report.not_checked:
        lines += ["", f"### Not checked ({len(report.not_checked)})", "", "| rule | clause | breach | why |", "|---|---|---:|---|"]
        rows = (f"| `{_code(n.rule)}` | {n.clause} | {n.breach} | {_cell(n.reason)} |" for n in report.not_checked)
        lines += budget.rows(rows, len(report.not_checked), "obligation(s) not checked")
    if report.findings:
        lines += _findings(report.findings, budget)
    if report.waivers:
        lines += ["", "### Waivers", "", "| # | applies to | subject | status | matched | expires | reason |", "|---:|---|---|---|---:|---|---|"]
        rows = (
            f"| {w.waiver} | {_cell(waiver_target(w))} | `{_code(w.subject)}` | {w.status} | {w.matched} | {w.expires} | {_cell(w.reason)} (approved by {_cell(w.approved_by)}) |"
            for w in report.waivers
        )
        lines += budget.rows(rows, len(report.waivers), "waiver(s)")
    if report.resolved:
        lines += ["", f"### Resolved since the baseline ({len(report.resolved)})", ""]
        rows = (f"- `{_code(r.rule)}` `{_code(subject_path(r.subject.type, r.subject.id))}`" for r in report.resolved[:MAX_ROWS])
        lines += budget.rows(rows, len(report.resolved), "resolved finding(s)")
    return "\n".join(lines) + "\n"


class _Budget:
    """The bytes left for table rows: rows are taken while they fit, the rest counted."""

    def __init__(self, remaining: int) -> None:
        self.remaining = remaining

    def rows(self, rows: Iterable[str], total: int, what: str) -> list[str]:
        taken: list[str] = []
        for row in rows:
            size = len(row.encode()) + 1
            if len(taken) == MAX_ROWS or size > self.remaining:
                break
            self.remaining -= size
            taken.append(row)
        return taken + _more(total, len(taken), what)


def _by_breach(report: Report) -> list[str]:
    """One row per breach and party, every breach of the rulebook listed, zeros included."""
    rows: dict[tuple[int, str], Counter[str]] = {}
    for rule in report.rules:
        rows.setdefault((rule.breach, party_label(rule.party)), Counter())
    for f in report.findings:
        rows.pop((f.breach, "either"), None)  # a real debtor replaces the placeholder row
        row = rows.setdefault((f.breach, f.party), Counter())
        row["error" if f.severity == "error" else "warning"] += 1
        row["waived"] += f.waived is not None
        row["known"] += f.baseline == "known"
    lines = ["", "### By breach and party", "", "| breach | party | breaches | warnings | waived | known |", "|---|---|---:|---:|---:|---:|"]
    for (breach, party), c in sorted(rows.items()):
        lines.append(f"| {breach}: {breach_title(breach)} | {party} | {c['error']} | {c['warning']} | {c['waived']} | {c['known']} |")
    return lines


def _findings(findings: list[Finding], budget: _Budget) -> list[str]:
    # What can fail the gate first, so the capped table never hides it behind waived rows.
    ordered = sorted(findings, key=lambda f: not f.gates)
    lines = ["", "### Findings", "", "| rule | clause | subject | outcome | message | note |", "|---|---|---|---|---|---|"]
    rows = (
        f"| `{_code(f.rule)}` | {f.clause} | `{_code(subject_path(f.subject.type, f.subject.id))}` | {f.outcome.replace('_', ' ')} "
        f"| {_cell(f.message)} | {_cell(gate_note(f) or ('new' if f.baseline == 'new' else ''))} |"
        for f in ordered
    )
    return lines + budget.rows(rows, len(findings), "finding(s)")


def _more(total: int, shown_rows: int, what: str) -> list[str]:
    return ["", f"… and {total - shown_rows} more {what} (see the JSON report)."] if total > shown_rows else []


def _cell(text: str) -> str:
    """Text safe in a table cell: no row or column break, no HTML or emphasis from record data."""
    text = _short(text).replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "|*_`[]~":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _code(text: str) -> str:
    # Inside backticks entities are shown literally; a backtick or pipe would still end the span.
    return " ".join(_short(text).split()).replace("`", "'").replace("|", "\\|")


def _short(text: str) -> str:
    """Acting characters shown (escaping.py), and at most `CELL_CHARACTERS` of them."""
    text = shown(text)
    return text if len(text) <= CELL_CHARACTERS else f"{text[:CELL_CHARACTERS]}… ({len(text)} characters)"
