"""The human report: a summary by breach and party, then the findings grouped by clause."""

from __future__ import annotations

from itertools import groupby

from engine.findings import Report

_WORDS = {
    "en": {
        "title": "Compliance check of contract {contract} as of {as_of}",
        "checked": "Checked: {checked}",
        "none": "No findings: every obligation checked is met.",
        "totals": "{errors} breach(es), {warnings} warning(s)",
        "breach": "Breach",
        "party": "Party",
        "count": "Findings",
        "clause": "Clause {clause}",
        "rulebook": "Rulebook: {id} (sha256 {sha})",
    },
    "zh": {
        "title": "合同 {contract} 履约检查（截至 {as_of}）",
        "checked": "已检查：{checked}",
        "none": "无发现：所检查的义务均已履行。",
        "totals": "违约 {errors} 项，预警 {warnings} 项",
        "breach": "违约行为",
        "party": "当事方",
        "count": "数量",
        "clause": "第 {clause} 条",
        "rulebook": "规则集：{id}（sha256 {sha}）",
    },
}
_OUTCOME = {
    "en": {"late": "late", "overdue": "overdue", "missing": "missing", "incomplete": "incomplete", "prohibited": "prohibited", "at_risk": "at risk"},
    "zh": {"late": "逾期完成", "overdue": "逾期未完成", "missing": "缺失", "incomplete": "不完整", "prohibited": "禁止行为", "at_risk": "临近期限"},
}


def render(report: Report) -> str:
    words = _WORDS[report.lang]
    summary = report.summary
    checked = ", ".join(f"{n} {name}" for name, n in summary.checked.items())
    lines = [
        words["title"].format(contract=report.contract, as_of=report.as_of),
        words["checked"].format(checked=checked),
        words["rulebook"].format(id=report.rulebook.id, sha=report.rulebook.sha256[:12]),
        "",
    ]
    if not report.findings:
        return "\n".join(lines + [words["none"]]) + "\n"
    lines.append(words["totals"].format(errors=summary.errors, warnings=summary.warnings))
    if summary.by_breach:
        lines += ["", f"  {words['breach']:<10} {words['count']:>8}"]
        lines += [f"  {key:<10} {count:>8}" for key, count in summary.by_breach.items()]
        lines += ["", f"  {words['party']:<10} {words['count']:>8}"]
        lines += [f"  {key:<10} {count:>8}" for key, count in summary.by_party.items()]
    by_clause = sorted(report.findings, key=lambda f: (_clause_key(f.clause), f.sort_key()))
    for clause, findings in groupby(by_clause, key=lambda f: f.clause):
        items = list(findings)
        lines += ["", f"{words['clause'].format(clause=clause)} ({len(items)})"]
        for f in items:
            mark = "!" if f.severity == "error" else "~"
            outcome = _OUTCOME[report.lang][f.outcome]
            lines.append(f"  {mark} [{f.rule} · {outcome} · breach {f.breach} · party {f.party}] {f.message}")
    return "\n".join(lines) + "\n"


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(p) for p in clause.split("."))
