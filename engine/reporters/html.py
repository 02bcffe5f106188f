"""One self-contained HTML page (no network at view time): the verdict, obligation cards, charts, the findings table.

Also the page of Party B's 2.3 report of a period (`evaluate --format html`). Every number the
page shows from the JSON report is marked `<data value=... data-src=PATH>`, PATH a place in that
report (`summary.errors`, `periods[9].satisfaction_mean`), so a test can hold them equal.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape as _escape
from importlib import resources
from typing import Any, Optional

from check_compliance.engine.escaping import shown
from check_compliance.engine.findings import DateRange, Finding, Report
from check_compliance.engine.reporters.wording import BREACH_TITLES, CLAUSE_TEXTS, gate_note, quarantine_text, subject_path
from check_compliance.obligations.durations import describe_seconds
from check_compliance.obligations.records import Records
from check_compliance.obligations.terms import Terms

# Appendix 2 in the contract's own words (the Chinese text governs).
BREACH_TITLES_ZH: dict[int, str] = {
    1: "甲方未按约定设立投诉渠道，导致客户投诉无法及时有效处理",
    2: "甲方未在规定时限内响应客户投诉，或未按约定处理投诉",
    3: "甲方未按约定反馈投诉处理结果，或未对处理过程进行记录和归档",
    4: "乙方未按约定进行绩效评估，或未提出改进意见和建议",
    5: "乙方未按约定提交评估报告",
    6: "任何一方未按约定履行保密义务",
}

# The clauses the rulebook cites, in the contract's own words.
CLAUSE_TEXTS_ZH: dict[str, str] = {
    "1.1": "甲方应设立客户投诉渠道，包括但不限于电话、邮箱、网站等，确保客户投诉的及时性和有效性。",
    "1.2": "甲方应在接到客户投诉后，第一时间进行回应，并与客户进行沟通，了解投诉具体情况。",
    "1.3": "甲方应对客户投诉进行分类、登记，并按照投诉性质、紧急程度等制定相应的处理流程和时限。",
    "1.4": "甲方应在投诉处理结束后，向客户反馈处理结果，并对处理过程进行记录和归档。",
    "2.1": "乙方应对甲方的客户服务绩效进行定期评估，评估内容包括但不限于客户满意度、投诉处理效率、服务质量等。",
    "2.2": "乙方应根据评估结果，为甲方提供改进意见和建议，以帮助甲方提高客户服务质量和客户满意度。",
    "2.3": "乙方应在每个评估周期结束后，向甲方提交详细的评估报告，报告应包括评估方法、评估结果、存在问题及改进建议等内容。",
    "3.1": "甲乙双方应对在合同执行过程中获取的对方商业秘密、客户信息等予以保密，未经对方同意，不得向第三方披露。",
    "3.2": "甲乙双方应确保本合同涉及的保密信息仅用于履行本合同，不得用于其他目的。",
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Compliance of contract {contract}", "as_of": "as of", "source": "records", "rulebook": "rulebook",
        "fail": "Gate: FAIL — {n} breach(es) fail the gate", "pass": "Gate: PASS — no breach fails the gate",
        "verdict": "Verdict", "by_breach": "Breaches by appendix-2 breach", "by_party": "By party", "by_clause": "By clause",
        "breach": "breach", "definition": "definition", "party": "party", "clause": "clause", "count": "count",
        "obligations": "Obligations", "trend": "findings per period", "charts": "Charts",
        "c_rates": "On-time rate per deadline obligation per period", "c_times": "First-response and resolution times per urgency, against their limits",
        "c_heat": "When late first responses fall due (weekday × hour)", "c_channels": "Channel coverage over the term, with its gaps",
        "c_satisfaction": "Satisfaction ratings per period",
        "findings": "Findings", "filter": "Filter", "all": "all", "shown": "shown",
        "rule": "rule", "subject": "subject", "outcome": "outcome", "due": "due", "observed": "observed", "delay": "delay", "status": "status", "message": "message", "evidence": "evidence",
        "open": "breach", "warning": "warning", "waived": "waived", "known": "known", "quarantined": "quarantined", "not_checked": "not checked",
        "not_checked_title": "Not checked: the export cannot show these", "periods": "Figures by period", "complaints": "complaints",
        "none": "No findings: every obligation checked is met.",
        # the evaluation report
        "e_title": "Evaluation report of {period} (contract {contract}): draft for Party B",
        "method": "1. Evaluation method (评估方法)", "results": "2. Evaluation results (评估结果)", "problems": "3. Problems found (存在问题)",
        "recommendations": "4. Improvement recommendations (改进建议)", "indicator": "indicator", "value": "value", "target": "target",
        "previous": "previous periods", "met": "met", "missed": "missed", "no_target": "no target", "group_satisfaction": "Customer satisfaction",
        "group_efficiency": "Complaint-handling efficiency", "group_quality": "Service quality", "worst": "worst cases", "concentrations": "Where the breaches gather",
        "dimension": "dimension", "breach_share": "share of breaches", "complaint_share": "share of complaints", "concentrated": "concentrated",
        "no_problems": "No breach in this period.", "no_recommendations": "No recommendation rule applies to this period's figures.",
        "data_source": "Data source", "sha": "sha256", "terms": "terms", "definitions": "Indicator definitions", "figure": "figure",
    },
    "zh": {
        "title": "合同 {contract} 履约情况", "as_of": "截至", "source": "记录", "rulebook": "规则集",
        "fail": "结论：不通过 — {n} 项违约未获豁免", "pass": "结论：通过 — 无未豁免的违约",
        "verdict": "结论", "by_breach": "按违约行为（附录二）", "by_party": "按当事方", "by_clause": "按条款",
        "breach": "违约行为", "definition": "认定", "party": "当事方", "clause": "条款", "count": "数量",
        "obligations": "各项义务", "trend": "各评估期发现数", "charts": "图表",
        "c_rates": "各时限义务各评估期按时率", "c_times": "各紧急程度首次响应与处理时间（标出时限）",
        "c_heat": "首次响应逾期的时间分布（星期 × 小时）", "c_channels": "合同期内投诉渠道开放情况及中断",
        "c_satisfaction": "各评估期满意度分布",
        "findings": "发现明细", "filter": "筛选", "all": "全部", "shown": "显示",
        "rule": "规则", "subject": "对象", "outcome": "结果", "due": "期限", "observed": "实际", "delay": "延迟", "status": "状态", "message": "说明", "evidence": "证据",
        "open": "违约", "warning": "预警", "waived": "已豁免", "known": "基线已知", "quarantined": "已隔离", "not_checked": "未检查",
        "not_checked_title": "未检查：导出数据无法体现以下义务", "periods": "各评估期数据", "complaints": "投诉",
        "none": "无发现：所检查的义务均已履行。",
        "e_title": "{period} 评估报告（合同 {contract}）：乙方草稿",
        "method": "一、评估方法", "results": "二、评估结果", "problems": "三、存在问题", "recommendations": "四、改进建议",
        "indicator": "指标", "value": "数值", "target": "目标", "previous": "前期", "met": "达标", "missed": "未达标", "no_target": "未设目标",
        "group_satisfaction": "客户满意度", "group_efficiency": "投诉处理效率", "group_quality": "服务质量", "worst": "最严重情形",
        "concentrations": "违约集中情况", "dimension": "维度", "breach_share": "占违约比例", "complaint_share": "占投诉比例", "concentrated": "集中",
        "no_problems": "本评估期无违约。", "no_recommendations": "本评估期数据未触发改进建议规则。",
        "data_source": "数据来源", "sha": "sha256", "terms": "条款参数", "definitions": "指标定义", "figure": "数据项",
    },
}


def asset(name: str) -> str:
    return resources.files("check_compliance.engine.reporters").joinpath("html_assets").joinpath(name).read_text(encoding="utf-8")


def render(report: Report) -> str:
    """The page from the report alone (the registry's signature): no chart that needs the records."""
    return page(report, None, None)


def page(report: Report, records: Optional[Records], terms: Optional[Terms]) -> str:
    """The check's page; with the records and terms, the charts of their distributions too."""
    w = WORDS[report.lang]
    body = [_header(report, w), _verdict(report, w), _coverage(report, w)]
    if records is not None and terms is not None:
        body.append(_cards(report, records, w))
        body.append(_charts(report, records, terms, w))
    body.append(_findings_table(report.findings, w))
    body.append(_period_table(report, w))
    return _document(w["title"].format(contract=report.contract), report.lang, body, script=True)


def _document(title: str, lang: str, body: list[str], script: bool) -> str:
    head = (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>\n{asset('page.css')}</style>\n</head>\n<body>\n")
    tail = f"<script>\n{asset('page.js')}</script>\n" if script else ""
    return head + "\n".join(part for part in body if part) + "\n" + tail + "</body>\n</html>\n"


def num(value: Any, src: str, shown: Optional[str] = None) -> str:
    """A number from the JSON report, with where it comes from."""
    if value is None:
        return "–"
    text = shown if shown is not None else str(value)
    return f'<data value="{escape(str(value))}" data-src="{escape(src)}">{escape(text)}</data>'


def _header(report: Report, w: dict[str, str]) -> str:
    return (f"<header><h1>{escape(w['title'].format(contract=report.contract))}</h1>"
            f'<p class="meta">{w["as_of"]} {escape(report.as_of)} · {w["source"]} <code>{escape(report.source)}</code> · '
            f"{w['rulebook']} {escape(report.rulebook.id)} (sha256 {escape(report.rulebook.sha256[:12])})</p></header>")


def _verdict(report: Report, w: dict[str, str]) -> str:
    failing = len(report.failing())
    s = report.summary
    verdict = w["fail"].format(n=failing) if failing else w["pass"]
    titles = BREACH_TITLES_ZH if report.lang == "zh" else BREACH_TITLES
    breaches = sorted({r.breach for r in report.rules} | {int(b) for b in s.by_breach})
    rows = "".join(f"<tr><td>{b}</td><td>{escape(titles.get(b, str(b)))}</td><td class=\"num\">{num(s.by_breach[str(b)], f'summary.by_breach.{b}') if str(b) in s.by_breach else 0}</td></tr>" for b in breaches)
    parties = "".join(f"<tr><td>{escape(p)}</td><td class=\"num\">{num(n, f'summary.by_party.{p}')}</td></tr>" for p, n in s.by_party.items())
    clauses: dict[str, int] = {}
    for f in report.findings:
        if f.severity == "error":
            clauses[f.clause] = clauses.get(f.clause, 0) + 1
    texts = CLAUSE_TEXTS_ZH if report.lang == "zh" else CLAUSE_TEXTS
    clause_rows = "".join(f"<tr><td>{escape(c)}</td><td>{escape(texts.get(c, ''))}</td><td class=\"num\">{n}</td></tr>"
                          for c, n in sorted(clauses.items(), key=lambda kv: tuple(int(p) for p in kv[0].split("."))))
    return (f'<section id="verdict"><h2>{w["verdict"]}</h2><div class="verdict {"fail" if failing else "pass"}">{escape(verdict)}</div>'
            f'<p>{num(s.errors, "summary.errors")} {w["open"]} · {num(s.warnings, "summary.warnings")} {w["warning"]} · {num(s.waived, "summary.waived")} {w["waived"]}'
            + (f' · {num(s.known, "summary.known")} {w["known"]}' if s.known is not None else "") + "</p>"
            f'<h3>{w["by_breach"]}</h3><div class="table-wrap"><table><thead><tr><th>{w["breach"]}</th><th>{w["definition"]}</th><th class="num">{w["count"]}</th></tr></thead><tbody>{rows}</tbody></table></div>'
            f'<h3>{w["by_party"]}</h3><div class="table-wrap"><table><thead><tr><th>{w["party"]}</th><th class="num">{w["count"]}</th></tr></thead><tbody>{parties}</tbody></table></div>'
            f'<h3>{w["by_clause"]}</h3><div class="table-wrap"><table><thead><tr><th>{w["clause"]}</th><th>{w["definition"]}</th><th class="num">{w["count"]}</th></tr></thead><tbody>{clause_rows}</tbody></table></div></section>')


def _coverage(report: Report, w: dict[str, str]) -> str:
    parts = []
    if report.quarantine is not None:
        parts.append(f'<p class="notice"><span class="tag quarantined">{w["quarantined"]}</span> {escape(quarantine_text(report.quarantine))}</p>')
    parts += [f'<p class="notice">{escape(text)}</p>' for text in report.notices or ()]
    if report.not_checked:
        items = "".join(f'<li><span class="tag not-checked">{w["not_checked"]}</span> <code>{escape(n.rule)}</code> ({w["clause"]} {escape(n.clause)}, {w["breach"]} {n.breach}): {escape(n.reason)}</li>'
                        for n in report.not_checked)
        parts.append(f"<h3>{w['not_checked_title']}</h3><ul>{items}</ul>")
    return "".join(parts)


def sparkline(values: list[int]) -> str:
    """A small inline trend line (hand-drawn: 30 points of a polyline need no chart library)."""
    width, height = 200, 36
    top = max(values + [1])
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 3 - (v / top) * (height - 6):.1f}" for i, v in enumerate(values))
    dots = "".join(f'<circle cx="{i * step:.1f}" cy="{height - 3 - (v / top) * (height - 6):.1f}" r="2"/>' for i, v in enumerate(values) if v)
    return (f'<svg class="spark" viewBox="-3 0 {width + 6} {height}" width="{width + 6}" height="{height}" role="img" aria-label="{",".join(map(str, values))}">'
            f'<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="{points}"/><g fill="#d1242f">{dots}</g></svg>')


def _cards(report: Report, records: Records, w: dict[str, str]) -> str:
    from check_compliance.engine.evaluation.problems import period_findings  # a page's own work: a plain check never loads it

    lang = report.lang
    bounds = [tuple(date.fromisoformat(d) for d in p.period.split("/")) for p in report.periods]
    per_period = [period_findings(report.findings, records, first, last) for first, last in bounds]
    cards = []
    for rule in report.rules:
        count = report.summary.by_rule.get(rule.id, 0)
        trend = [sum(1 for f in found if f.rule == rule.id) for found in per_period]
        title = rule.title_zh if lang == "zh" else rule.title_en
        cards.append(f'<div class="card" data-rule="{escape(rule.id)}"><div class="rule">{rule.obligation} · <code>{escape(rule.id)}</code> · {w["clause"]} {escape(rule.clause)} · {w["breach"]} {rule.breach}</div>'
                     f"<div>{escape(title)}</div><div class=\"count {'bad' if count else 'none'}\">{num(count, f'summary.by_rule.{rule.id}') if count else '0'}</div>"
                     f'<div class="rule">{w["trend"]}</div>{sparkline(trend)}</div>')
    return f'<section id="obligations"><h2>{w["obligations"]}</h2><div class="grid">{"".join(cards)}</div></section>'


def _gaps(findings: list[Finding]) -> dict[str, list[DateRange]]:
    return {f.subject.id: list(f.evidence.gaps or ()) for f in findings if f.rule == "channels-open" and f.evidence.gaps}


def _charts(report: Report, records: Records, terms: Terms, w: dict[str, str]) -> str:
    from check_compliance.engine.evaluation import charts
    from check_compliance.engine.evaluation.distributions import distributions

    dist = distributions(records, terms, report.findings, report.periods, _as_of(report))
    lang = report.lang
    figures = [
        ("rates", w["c_rates"], charts.on_time_rates(report.periods, lang)),
        ("times", w["c_times"], charts.times_by_urgency(dist, lang)),
        ("heatmap", w["c_heat"], charts.late_heatmap(dist, lang)),
        ("channels", w["c_channels"], charts.channel_timeline(dist, _gaps(report.findings), lang)),
        ("satisfaction", w["c_satisfaction"], charts.satisfaction(dist, lang)),
    ]
    return f'<section id="charts"><h2>{w["charts"]}</h2>' + "".join(_figure(key, caption, svg) for key, caption, svg in figures) + "</section>"


def _figure(key: str, caption: str, svg: str) -> str:
    return f'<figure class="chart" data-chart="{key}"><figcaption>{escape(caption)}</figcaption>{svg}</figure>'


def _as_of(report: Report) -> datetime:
    return datetime.fromisoformat(report.as_of)


def status_of(finding: Finding) -> str:
    if finding.waived is not None:
        return "waived"
    if finding.baseline == "known":
        return "known"
    return "open" if finding.severity == "error" else "warning"


def _findings_table(findings: list[Finding], w: dict[str, str]) -> str:
    if not findings:
        return f'<section id="findings-section"><h2>{w["findings"]}</h2><p>{w["none"]}</p></section>'
    rows = []
    for f in findings:
        status = status_of(f)
        note = gate_note(f) or ""
        delay = describe_seconds(f.delay_seconds, "zh" if w is WORDS["zh"] else "en") if f.delay_seconds is not None else ""
        rows.append(f'<tr data-status="{status}"><td><code>{escape(f.rule)}</code></td><td>{escape(f.clause)}</td><td class="num">{f.breach}</td><td>{escape(f.party)}</td>'
                    f"<td><code>{escape(subject_path(f.subject.type, f.subject.id))}</code></td><td>{escape(f.outcome)}</td>"
                    f"<td>{escape(f.due_at or '')}</td><td>{escape(f.observed_at or '')}</td>"
                    f'<td class="num" data-sort="{f.delay_seconds if f.delay_seconds is not None else ""}">{escape(delay)}</td>'
                    f'<td><span class="tag {status}" title="{escape(note)}">{w[status]}</span></td><td>{escape(f.message)}</td><td>{escape(_evidence(f))}</td></tr>')
    options = "".join(f'<option value="{s}">{w[s]}</option>' for s in ("open", "warning", "waived", "known"))
    head = "".join((f'<th class="num">{w[key]}</th>' if key in ("breach", "delay") else f"<th>{w[key]}</th>") for key in ("rule", "clause", "breach", "party", "subject", "outcome", "due", "observed", "delay", "status", "message", "evidence"))
    return (f'<section id="findings-section"><h2>{w["findings"]} ({len(findings)})</h2>'
            f'<div class="controls"><label>{w["filter"]} <input id="filter-text" type="search"></label>'
            f'<label>{w["status"]} <select id="filter-status"><option value="">{w["all"]}</option>{options}</select></label>'
            f'<span>{w["shown"]}: <output id="filter-count">{len(findings)}</output></span></div>'
            f'<div class="table-wrap"><table id="findings"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>')


def _evidence(finding: Finding) -> str:
    """`limit 2h · clock calendar · urgency urgent`: what the finding rests on beyond its instants."""
    parts = []
    for key, value in finding.evidence.model_dump(mode="json", exclude_none=True).items():
        if key == "gaps":
            value = ", ".join(f"{gap['start']}..{gap['end']}" for gap in value)
        elif isinstance(value, list):
            value = ", ".join(value)
        parts.append(f"{key} {value}")
    return " · ".join(parts)


def _period_table(report: Report, w: dict[str, str]) -> str:
    rules = list(report.periods[0].deadlines) if report.periods else []
    head = "".join(f'<th class="num">{escape(r)}</th>' for r in rules)
    rows = []
    for i, p in enumerate(report.periods):
        cells = "".join(f'<td class="num">{num(p.deadlines[r].on_time_rate, f"periods[{i}].deadlines.{r}.on_time_rate", _pct(p.deadlines[r].on_time_rate))}</td>' for r in rules)
        rows.append(f'<tr><td>{escape(p.period)}</td><td class="num">{num(p.complaints, f"periods[{i}].complaints")}</td>{cells}'
                    f'<td class="num">{num(p.satisfaction_mean, f"periods[{i}].satisfaction_mean")}</td></tr>')
    return (f'<section id="periods"><h2>{w["periods"]}</h2><div class="table-wrap"><table><thead><tr><th>{w["periods"]}</th><th class="num">{w["complaints"]}</th>{head}'
            f'<th class="num">satisfaction</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>')


def _pct(value: Optional[float]) -> Optional[str]:
    return None if value is None else f"{value * 100:.2f}%"


def escape(text: str) -> str:
    """Text from the records for the page: acting characters made visible (engine.escaping), then HTML-escaped."""
    return _escape(shown(str(text)))
