"""The human report: a summary by breach and party, then the findings grouped by clause."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from check_compliance.engine.escaping import shown
from check_compliance.engine.findings import Finding, Report
from check_compliance.engine.reporters.wording import quarantine_text, waiver_target
from check_compliance.obligations.durations import describe_seconds

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
        "gate": "{waived} waived, {known} known in baseline, {new} new",
        "waived": "waived: {reason}, expires {expires}",
        "known": "known in baseline",
        "waivers": "Waivers ({count})",
        "waiver": "#{waiver} {target} {subject}: {status}, matched {matched}, expires {expires} ({reason}; approved by {approved_by})",
        "status": {"active": "active", "expired": "EXPIRED", "unused": "UNUSED"},
        "resolved": "Resolved since the baseline ({count})",
        "tag": "[{rule} · {outcome} · breach {breach} · party {party}]",
        "periods": "Figures by evaluation period (2.1)",
        "period": "{period}: {complaints} complaints; on time: {rates}; first response p50/p90 {response}; resolution p50/p90 {resolution}; satisfaction {satisfaction}",
        "not_checked": "Not checked: the export cannot show these ({count})",
        "not_checked_item": "? [{rule} · clause {clause} · breach {breach}] {reason}",
        "note": "Note: {text}",
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
        "gate": "豁免 {waived} 项，基线已知 {known} 项，新增 {new} 项",
        "waived": "已豁免：{reason}，有效至 {expires}",
        "known": "基线已知",
        "waivers": "豁免（{count}）",
        "waiver": "#{waiver} {target} {subject}：{status}，匹配 {matched} 项，有效至 {expires}（{reason}；批准人 {approved_by}）",
        "status": {"active": "有效", "expired": "已过期", "unused": "未使用"},
        "resolved": "自基线以来已解决（{count}）",
        "tag": "[{rule} · {outcome} · 违约行为 {breach} · {party}方]",
        "periods": "各评估期数据（第 2.1 条）",
        "period": "{period}：投诉 {complaints} 件；按时率：{rates}；首次响应 p50/p90 {response}；处理 p50/p90 {resolution}；满意度 {satisfaction}",
        "not_checked": "未检查：导出数据无法体现以下义务（{count}）",
        "not_checked_item": "? [{rule} · 第 {clause} 条 · 违约行为 {breach}] {reason}",
        "note": "注意：{text}",
    },
}
_OUTCOME = {
    "en": {"late": "late", "overdue": "overdue", "missing": "missing", "incomplete": "incomplete", "prohibited": "prohibited", "at_risk": "at risk", "inaccurate": "inaccurate"},
    "zh": {"late": "逾期完成", "overdue": "逾期未完成", "missing": "缺失", "incomplete": "不完整", "prohibited": "禁止行为", "at_risk": "临近期限", "inaccurate": "数据不符"},
}


def render(report: Report) -> str:
    words: dict[str, Any] = _WORDS[report.lang]
    summary = report.summary
    checked = ", ".join(f"{n} {name}" for name, n in summary.checked.items())
    lines = [
        words["title"].format(contract=report.contract, as_of=report.as_of),
        words["checked"].format(checked=checked),
        words["rulebook"].format(id=report.rulebook.id, sha=report.rulebook.sha256[:12]),
        *_coverage_lines(report, words),
        "",
    ]
    if not report.findings:
        return _joined(lines + [words["none"]] + _gate_sections(report, words) + _period_lines(report, words))
    lines.append(words["totals"].format(errors=summary.errors, warnings=summary.warnings))
    if summary.waived or summary.known is not None:
        lines.append(words["gate"].format(waived=summary.waived, known=summary.known or 0, new=summary.new or 0))
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
            note = _gate_note(f, words)
            if note:
                mark = "-"  # it cannot fail the gate: say so in the margin, not only at the end
            tag = words["tag"].format(rule=f.rule, outcome=outcome, breach=f.breach, party=f.party)
            lines.append(f"  {mark} {tag} {f.message}{note}")
    return _joined(lines + _gate_sections(report, words) + _period_lines(report, words))


def _joined(lines: list[str]) -> str:
    # Each item is one line of the report: any line break, ANSI escape or bidi override inside
    # it came from the records and is shown, never obeyed (escaping.py).
    return "".join(shown(line) + "\n" for line in lines)


def _coverage_lines(report: Report, words: dict[str, Any]) -> list[str]:
    """What the check could not judge, before anything it found: quarantined complaints, cautions, obligations not tracked."""
    lines = []
    if report.quarantine is not None:
        lines.append(words["note"].format(text=quarantine_text(report.quarantine)))
    lines += [words["note"].format(text=text) for text in report.notices or ()]
    if report.not_checked:
        lines.append(words["not_checked"].format(count=len(report.not_checked)))
        lines += ["  " + words["not_checked_item"].format(**item.model_dump()) for item in report.not_checked]
    return lines


def _period_lines(report: Report, words: dict[str, Any]) -> list[str]:
    """The evaluator's figures (2.1), one line a period that had complaints."""
    lines = []
    for figures in report.periods:
        if not figures.complaints:
            continue
        rates = ", ".join(f"{rule} {d.on_time_rate:.1%}" for rule, d in figures.deadlines.items() if d.on_time_rate is not None) or "-"
        spreads = [describe_seconds(s.p50, report.lang) + " / " + describe_seconds(s.p90, report.lang) if s else "-" for s in (figures.first_response_seconds, figures.resolution_seconds)]
        satisfaction = f"{figures.satisfaction_mean:.2f} (n={figures.satisfaction_count})" if figures.satisfaction_mean is not None else "-"
        lines.append("  " + words["period"].format(period=figures.period, complaints=figures.complaints, rates=rates, response=spreads[0], resolution=spreads[1], satisfaction=satisfaction))
    return ["", words["periods"], *lines] if lines else []


def _gate_note(finding: Finding, words: dict[str, Any]) -> str:
    notes = []
    if finding.waived is not None:
        notes.append(words["waived"].format(reason=finding.waived.reason, expires=finding.waived.expires))
    if finding.baseline == "known":
        notes.append(words["known"])
    return f" ({'; '.join(notes)})" if notes else ""


def _gate_sections(report: Report, words: dict[str, Any]) -> list[str]:
    """Waiver statuses and resolved findings, when the gate used waivers or a baseline."""
    lines: list[str] = []
    if report.waivers:
        lines += ["", words["waivers"].format(count=len(report.waivers))]
        for w in report.waivers:
            target = waiver_target(w)
            fields = w.model_dump(exclude={"status", "rule", "clause", "breach"})
            lines.append("  " + words["waiver"].format(target=target, status=words["status"][w.status], **fields))
    if report.resolved:
        lines += ["", words["resolved"].format(count=len(report.resolved))]
        lines += [f"  + [{r.rule}] {r.subject.type} {r.subject.id}" for r in report.resolved]
    return lines


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(p) for p in clause.split("."))
