"""The 2.3 report of a period as Markdown or HTML, in the contract's four sections."""

from __future__ import annotations

from html import escape as _escape
from typing import Optional

from check_compliance.engine.escaping import shown
from check_compliance.engine.evaluation import charts
from check_compliance.engine.evaluation.draft import Evaluation, IndicatorResult
from check_compliance.engine.reporters.html import WORDS, _document, _figure, _findings_table, num
from check_compliance.obligations.durations import describe_seconds

_OPS = {"gte": "≥", "lte": "≤", "gt": ">", "lt": "<"}


def value_text(value: Optional[float], unit: str, lang: str) -> str:
    if value is None:
        return "–"
    if unit == "ratio":
        return f"{value * 100:.2f}%"
    if unit == "seconds":
        return describe_seconds(int(value), lang)
    if unit == "count":
        return str(int(value))
    return f"{value:.2f}"


def _target(r: IndicatorResult, lang: str, w: dict[str, str]) -> str:
    if r.target is None or r.target_op is None:
        return w["no_target"]
    return f"{_OPS[r.target_op]} {value_text(r.target, r.unit, lang)}"


def _met(r: IndicatorResult, w: dict[str, str]) -> str:
    return "" if r.met is None else (w["met"] if r.met else w["missed"])


def _name(r: IndicatorResult, lang: str) -> str:
    return r.name_zh if lang == "zh" else r.name_en


def _src(ev: Evaluation, r: IndicatorResult, index: Optional[int] = None) -> str:
    return f"periods[{ev.period_index if index is None else index}].{r.figure}"


def markdown(ev: Evaluation) -> str:
    lang, w = ev.lang, WORDS[ev.lang]
    m = ev.method
    lines = [f"# {w['e_title'].format(period=ev.period, contract=ev.contract)}", "", f"## {w['method']}", ""]
    lines += [
        f"- {w['data_source']}: `{m.source}`" + (f" ({w['sha']} `{m.source_sha256}`)" if m.source_sha256 else ""),
        f"- {w['rulebook']}: `{m.rulebook.id}` ({w['sha']} `{m.rulebook.sha256}`); {w['terms']}: {m.terms}",
        f"- {w['as_of']}: {m.as_of}; {w['complaints']}: {m.complaints}",
        f"- {w['definitions']}:",
    ]
    lines += [f"  - `{r.id}` — {_name(r, lang)}: `{r.figure}`; {w['target']}: {_target(r, lang, w)}" for r in ev.indicators]
    lines += ["", f"## {w['results']}"]
    for group in ("satisfaction", "efficiency", "quality"):
        rows = [r for r in ev.indicators if r.group == group]
        if not rows:
            continue
        previous = [p.period.split("/")[0][:7] for p in rows[0].previous]
        lines += ["", f"### {w['group_' + group]}", "", f"| {w['indicator']} | {w['value']} | {w['target']} | | " + " | ".join(previous) + (" |" if previous else ""),
                  "|---|---:|---|---|" + "---:|" * len(previous)]
        for r in rows:
            past = " | ".join(value_text(p.value, r.unit, lang) for p in r.previous)
            lines.append(f"| {_name(r, lang)} | {value_text(r.value, r.unit, lang)} | {_target(r, lang, w)} | {_met(r, w)} | " + past + (" |" if previous else ""))
    lines += ["", f"## {w['problems']}", ""]
    if not ev.problems:
        lines.append(w["no_problems"])
    for g in ev.problems:
        title = g.title_zh if lang == "zh" else g.title_en
        lines += [f"### `{g.rule}` — {title} ({w['clause']} {g.clause}, {w['breach']} {g.breach}): {g.count}", ""]
        lines += [f"- `{c.subject}` {c.outcome}: {c.message}" for c in g.worst]
        lines.append("")
    if ev.concentrations:
        lines += [f"### {w['concentrations']}", "", f"| {w['dimension']} | {w['value']} | {w['breach']} | {w['breach_share']} | {w['complaint_share']} | |", "|---|---|---:|---:|---:|---|"]
        lines += [f"| {c.dimension} | `{c.value}` | {c.breaches} | {c.breach_share * 100:.1f}% | {c.complaint_share * 100:.1f}% | {w['concentrated'] if c.concentrated else ''} |" for c in ev.concentrations]
        lines.append("")
    lines += [f"## {w['recommendations']}", ""]
    if not ev.recommendations:
        lines.append(w["no_recommendations"])
    lines += [f"{i}. {r.text_zh if lang == 'zh' else r.text_en} (`{r.id}`)" for i, r in enumerate(ev.recommendations, start=1)]
    return "\n".join(lines).rstrip("\n") + "\n"


def html(ev: Evaluation) -> str:
    lang, w = ev.lang, WORDS[ev.lang]
    m = ev.method
    title = w["e_title"].format(period=ev.period, contract=ev.contract)
    defs = "".join(f"<li><code>{escape(r.id)}</code> — {escape(_name(r, lang))}: <code>{escape(r.figure)}</code>, {w['target']} {escape(_target(r, lang, w))}</li>" for r in ev.indicators)
    method = (f'<section id="method"><h2>{w["method"]}</h2><ul><li>{w["data_source"]}: <code>{escape(m.source)}</code>'
              + (f" ({w['sha']} <code>{m.source_sha256}</code>)" if m.source_sha256 else "")
              + f"</li><li>{w['rulebook']}: <code>{escape(m.rulebook.id)}</code> ({w['sha']} <code>{m.rulebook.sha256}</code>); {w['terms']}: {escape(m.terms)}</li>"
              f"<li>{w['as_of']} {escape(m.as_of)}; {w['complaints']}: {num(m.complaints, f'periods[{ev.period_index}].complaints')}</li>"
              f"<li>{w['definitions']}:<ul>{defs}</ul></li></ul></section>")
    groups = []
    for group in ("satisfaction", "efficiency", "quality"):
        rows = [r for r in ev.indicators if r.group == group]
        if not rows:
            continue
        first = ev.period_index - len(rows[0].previous)
        head = "".join(f'<th class="num">{escape(p.period.split("/")[0][:7])}</th>' for p in rows[0].previous)
        body = ""
        for r in rows:
            past = "".join(f'<td class="num">{num(p.value, _src(ev, r, first + i), value_text(p.value, r.unit, lang))}</td>' for i, p in enumerate(r.previous))
            mark = f'<span class="tag {"met" if r.met else "missed"}">{_met(r, w)}</span>' if r.met is not None else ""
            body += (f"<tr><td>{escape(_name(r, lang))}</td><td class=\"num\">{num(r.value, _src(ev, r), value_text(r.value, r.unit, lang))}</td>"
                     f"<td>{escape(_target(r, lang, w))}</td><td>{mark}</td>{past}</tr>")
        groups.append(f'<h3>{w["group_" + group]}</h3><div class="table-wrap"><table><thead><tr><th>{w["indicator"]}</th><th class="num">{w["value"]}</th>'
                      f"<th>{w['target']}</th><th></th>{head}</tr></thead><tbody>{body}</tbody></table></div>")
    d = ev.distributions
    figures = [
        _figure("times", w["c_times"], charts.times_by_urgency(d, lang)),
        _figure("heatmap", w["c_heat"], charts.late_heatmap(d, lang)),
        _figure("satisfaction", w["c_satisfaction"], charts.satisfaction(d, lang)),
    ]
    results = f'<section id="results"><h2>{w["results"]}</h2>{"".join(groups)}{"".join(figures)}</section>'
    problems = [f'<section id="problems"><h2>{w["problems"]}</h2>']
    if not ev.problems:
        problems.append(f"<p>{w['no_problems']}</p>")
    for g in ev.problems:
        worst = "".join(f"<li><code>{escape(c.subject)}</code> {escape(c.outcome)}: {escape(c.message)}</li>" for c in g.worst)
        problems.append(f"<h3><code>{escape(g.rule)}</code> — {escape(g.title_zh if lang == 'zh' else g.title_en)} ({w['clause']} {escape(g.clause)}, {w['breach']} {g.breach}): {g.count}</h3><ul>{worst}</ul>")
    if ev.concentrations:
        lines = "".join(f"<tr><td>{escape(c.dimension)}</td><td><code>{escape(c.value)}</code></td><td class=\"num\">{c.breaches}</td><td class=\"num\">{c.breach_share * 100:.1f}%</td>"
                       f"<td class=\"num\">{c.complaint_share * 100:.1f}%</td><td>{w['concentrated'] if c.concentrated else ''}</td></tr>" for c in ev.concentrations)
        problems.append(f'<h3>{w["concentrations"]}</h3><div class="table-wrap"><table><thead><tr><th>{w["dimension"]}</th><th>{w["value"]}</th><th class="num">{w["breach"]}</th>'
                        f'<th class="num">{w["breach_share"]}</th><th class="num">{w["complaint_share"]}</th><th></th></tr></thead><tbody>{lines}</tbody></table></div>')
    if ev.findings:
        problems.append(_findings_table(ev.findings, w).replace('<section id="findings-section">', "<div>").replace("</section>", "</div>"))
    problems.append("</section>")
    recs = "".join(f"<li>{escape(r.text_zh if lang == 'zh' else r.text_en)} <code>{escape(r.id)}</code></li>" for r in ev.recommendations)
    recommendations = f'<section id="recommendations"><h2>{w["recommendations"]}</h2>' + (f"<ol>{recs}</ol>" if recs else f"<p>{w['no_recommendations']}</p>") + "</section>"
    header = f'<header><h1>{escape(title)}</h1><p class="meta">{w["as_of"]} {escape(m.as_of)}</p></header>'
    return _document(title, lang, [header, method, results, "".join(problems), recommendations], script=bool(ev.findings))



__all__ = ["html", "markdown", "value_text"]


def escape(text: str) -> str:
    """Text from the records for the page: acting characters made visible (engine.escaping), then HTML-escaped."""
    return _escape(shown(str(text)))
