"""A Markdown summary for `$GITHUB_STEP_SUMMARY` and merge-request notes: counts, then tables."""

from __future__ import annotations

from collections import Counter

from check_compliance.engine.findings import Finding, Report
from check_compliance.engine.reporters.wording import (
    breach_title,
    gate_note,
    party_label,
    quarantine_text,
    subject_path,
    waiver_target,
)

MAX_ROWS = 200  # GitHub caps a step summary at 1 MiB; the JSON report has every finding


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
    if report.not_checked:
        lines += ["", f"### Not checked ({len(report.not_checked)})", "", "| rule | clause | breach | why |", "|---|---|---:|---|"]
        lines += [f"| `{_code(n.rule)}` | {n.clause} | {n.breach} | {_cell(n.reason)} |" for n in report.not_checked]
    if report.findings:
        lines += _findings(report.findings)
    if report.waivers:
        lines += ["", "### Waivers", "", "| # | applies to | subject | status | matched | expires | reason |", "|---:|---|---|---|---:|---|---|"]
        for w in report.waivers:
            target = waiver_target(w)
            lines.append(f"| {w.waiver} | {_cell(target)} | `{_code(w.subject)}` | {w.status} | {w.matched} | {w.expires} | {_cell(w.reason)} (approved by {_cell(w.approved_by)}) |")
    if report.resolved:
        lines += ["", f"### Resolved since the baseline ({len(report.resolved)})", ""]
        lines += [f"- `{_code(r.rule)}` `{_code(subject_path(r.subject.type, r.subject.id))}`" for r in report.resolved[:MAX_ROWS]]
        lines += _more(len(report.resolved), "resolved finding(s)")
    return "\n".join(lines) + "\n"


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


def _findings(findings: list[Finding]) -> list[str]:
    # What can fail the gate first, so the capped table never hides it behind waived rows.
    ordered = sorted(findings, key=lambda f: not f.gates)
    lines = ["", "### Findings", "", "| rule | clause | subject | outcome | message | note |", "|---|---|---|---|---|---|"]
    for f in ordered[:MAX_ROWS]:
        outcome = f.outcome.replace("_", " ")
        note = gate_note(f) or ("new" if f.baseline == "new" else "")
        subject = subject_path(f.subject.type, f.subject.id)
        lines.append(f"| `{_code(f.rule)}` | {f.clause} | `{_code(subject)}` | {outcome} | {_cell(f.message)} | {_cell(note)} |")
    return lines + _more(len(findings), "finding(s)")


def _more(total: int, what: str) -> list[str]:
    return ["", f"… and {total - MAX_ROWS} more {what} (see the JSON report)."] if total > MAX_ROWS else []


def _cell(text: str) -> str:
    """Text safe in a table cell: no row or column break, no HTML or emphasis from record data."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "|*_`[]~":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _code(text: str) -> str:
    # Inside backticks entities are shown literally; a backtick or pipe would still end the span.
    return " ".join(text.split()).replace("`", "'").replace("|", "\\|")
