"""The page's charts as static SVG, drawn by matplotlib without a browser, byte-identical run to run.

matplotlib is imported here only, on the first chart: a plain check never pays for it. Determinism:
a fixed `svg.hashsalt` per chart (so ids are stable and differ between the charts of one page),
no date or creator in the metadata, text kept as text (`svg.fonttype: none`, the page's fonts
draw it, CJK included) and the Agg-free SVG backend.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any, Optional

from check_compliance.engine.evaluation.distributions import Distributions
from check_compliance.engine.findings import DateRange, PeriodFigures

PALETTE = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7ea4")
_WORDS = {
    "en": {"rate": "on-time rate", "period": "period", "hours": "time from receipt (log scale)", "limit": "limit", "weekday": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
           "hour": "hour of the day the response fell due", "gap": "gap", "ratings": "ratings", "score": "score", "first_response": "first response", "resolution": "resolution",
           "none": "no data"},
    "zh": {"rate": "按时率", "period": "评估期", "hours": "自收到起的时间（对数刻度）", "limit": "时限", "weekday": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
           "hour": "应响应时刻（时）", "gap": "中断", "ratings": "评价数", "score": "分", "first_response": "首次响应", "resolution": "处理", "none": "无数据"},
}


def _svg(name: str, width: float, height: float, draw: Callable[[Any], None], **margins: float) -> str:
    """Draw with `draw(figure)` and return the SVG element (no XML prolog, no doctype), ids salted by `name`."""
    import matplotlib
    from matplotlib.figure import Figure

    style: Any = {  # matplotlib types its keys as a Literal of every rc name
        "svg.hashsalt": f"check-compliance:{name}",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "path.simplify": True,
    }
    with matplotlib.rc_context(style), warnings.catch_warnings():
        # The CJK glyphs matplotlib's own font lacks are only measured here; the browser draws them.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        warnings.filterwarnings("ignore", message="Matplotlib currently does not support")
        # Fixed margins, not a layout engine: it would draw every chart twice to measure it.
        figure = Figure(figsize=(width, height))
        figure.subplots_adjust(**margins)
        draw(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):].strip()


def on_time_rates(periods: list[PeriodFigures], lang: str) -> str:
    """On-time rate per deadline obligation per period (line)."""
    words = _WORDS[lang]
    labels = [p.period.split("/")[0][:7] for p in periods]
    rules = list(periods[0].deadlines) if periods else []

    def draw(figure: Any) -> None:
        ax = figure.subplots()
        for i, rule in enumerate(rules):
            values = [p.deadlines[rule].on_time_rate if rule in p.deadlines else None for p in periods]
            xs = [x for x, v in enumerate(values) if v is not None]
            ax.plot(xs, [values[x] for x in xs], marker="o", color=PALETTE[i % len(PALETTE)], label=rule, linewidth=1.5, markersize=4)
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_formatter(_percent())
        ax.set_ylabel(words["rate"])
        ax.grid(axis="y", color="#ddd", linewidth=0.6)
        if rules:
            ax.legend(loc="lower left", fontsize=8, frameon=False, ncol=3)

    return _svg("on-time", 7.5, 3.2, draw, left=0.1, right=0.98, top=0.95, bottom=0.22)


def times_by_urgency(dist: Distributions, lang: str) -> str:
    """First-response and resolution times per urgency (box and points), each urgency's limit marked."""
    words = _WORDS[lang]

    def draw(figure: Any) -> None:
        axes = figure.subplots(1, 2)
        for ax, (name, rows) in zip(axes, (("first_response", dist.first_response), ("resolution", dist.resolution))):
            ax.set_title(words[name], fontsize=10)
            for y, row in enumerate(rows):
                hours = [max(s, 60) / 3600 for s in row.seconds]
                if hours:
                    ax.boxplot([hours], positions=[y], orientation="horizontal", widths=0.5, showfliers=True, flierprops={"markersize": 2, "markeredgecolor": "#888"},
                               medianprops={"color": PALETTE[0]}, manage_ticks=False)
                if row.limit_seconds is not None:
                    limit = row.limit_seconds / 3600
                    ax.plot([limit, limit], [y - 0.4, y + 0.4], color=PALETTE[1], linewidth=2)
                    ax.annotate(f"{words['limit']} {row.limit}", (limit, y + 0.42), fontsize=7, color=PALETTE[1], ha="center", va="bottom")
            ax.set_yticks(range(len(rows)), [f"{row.urgency} (n={len(row.seconds)})" for row in rows])
            ax.set_ylim(-0.7, len(rows) - 0.1)
            ax.set_xscale("log")
            # Ticks a reader knows (1 min .. 30 d), and no minor ticks: the log locator's are slow to lay out.
            ticks = [t for t in _TIME_TICKS if t[0] <= ax.get_xlim()[1] * 1.5]
            ax.set_xticks([t[0] for t in ticks], [t[1] for t in ticks])
            ax.xaxis.set_minor_locator(_null())
            ax.set_xlabel(words["hours"])
            ax.grid(axis="x", color="#eee", linewidth=0.6)

    return _svg("times", 7.5, 3.4, draw, left=0.15, right=0.98, top=0.86, bottom=0.15, wspace=0.55)


def late_heatmap(dist: Distributions, lang: str) -> str:
    """When late first responses fall due: weekday x hour counts."""
    words = _WORDS[lang]

    def draw(figure: Any) -> None:
        ax = figure.subplots()
        image = ax.imshow(dist.late_first_responses, cmap="Reds", aspect="auto", vmin=0, interpolation="nearest")
        ax.set_yticks(range(7), words["weekday"])
        ax.set_xticks(range(0, 24, 2), [str(h) for h in range(0, 24, 2)])
        ax.set_xlabel(words["hour"])
        for day, row in enumerate(dist.late_first_responses):
            for hour, count in enumerate(row):
                if count:
                    ax.text(hour, day, str(count), ha="center", va="center", fontsize=7, color="black")
        figure.colorbar(image, ax=ax, shrink=0.8)

    return _svg("heatmap", 7.5, 2.8, draw, left=0.09, right=1.0, top=0.95, bottom=0.17)


def channel_timeline(dist: Distributions, gaps: dict[str, list[DateRange]], lang: str) -> str:
    """Each channel's open span over the term, by kind, with the days a required kind had none."""
    words = _WORDS[lang]
    start = date.fromisoformat(dist.term_start)
    end = date.fromisoformat(dist.shown_until)

    def day(text: Optional[str], default: date) -> float:
        return float((date.fromisoformat(text) - start).days) if text else float((default - start).days)

    def draw(figure: Any) -> None:
        ax = figure.subplots()
        kinds = sorted({c.kind for c in dist.channels} | set(gaps))
        colour = {kind: PALETTE[i % len(PALETTE)] for i, kind in enumerate(kinds)}
        rows = [(c.kind, c.id, c) for c in dist.channels]
        for y, (kind, _, channel) in enumerate(rows):
            left = max(day(channel.opened_on, start), 0.0)
            right = min(day(channel.closed_on, end), float((end - start).days)) + 1
            if right > left:
                ax.broken_barh([(left, right - left)], (y - 0.35, 0.7), facecolors=colour[kind])
        for kind, ranges in sorted(gaps.items()):
            for gap in ranges:
                left = day(gap.start, start)
                width = day(gap.end, start) + 1 - left
                ax.axvspan(left, left + width, color=PALETTE[1], alpha=0.25, linewidth=0)
                ax.annotate(f"{kind} {words['gap']} {gap.start}..{gap.end}", (left, len(rows) - 0.5), fontsize=7, color=PALETTE[1], va="top", ha="right")
        ax.set_yticks(range(len(rows)), [f"{cid} ({kind})" for kind, cid, _ in rows])
        ax.set_ylim(-0.6, max(len(rows), 1) - 0.4)
        ax.invert_yaxis()
        months = [d for d in (date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(0, 40)) if d <= end]
        ax.set_xticks([float((m - start).days) for m in months], [m.isoformat()[:7] for m in months], rotation=45, ha="right")
        ax.set_xlim(0, (end - start).days + 1)

    height = 1.2 + 0.35 * max(len(dist.channels), 2)
    return _svg("channels", 7.5, height, draw, left=0.2, right=0.98, top=0.95, bottom=0.75 / height)


def satisfaction(dist: Distributions, lang: str) -> str:
    """Ratings 1-5 per period (stacked counts)."""
    words = _WORDS[lang]
    periods = list(dist.satisfaction)
    shades = ("#d1242f", "#fb8f44", "#d4a72c", "#7ec46b", "#1a7f37")

    def draw(figure: Any) -> None:
        ax = figure.subplots()
        bottom = [0] * len(periods)
        for score in range(5):
            counts = [dist.satisfaction[p][score] for p in periods]
            ax.bar(range(len(periods)), counts, bottom=bottom, color=shades[score], label=f"{score + 1} {words['score']}" if lang == "zh" else str(score + 1), width=0.7)
            bottom = [b + c for b, c in zip(bottom, counts)]
        ax.set_xticks(range(len(periods)), [p.split("/")[0][:7] for p in periods], rotation=45, ha="right")
        ax.set_xlim(-0.6, max(len(periods), 6) - 0.4)  # one period keeps a bar's width, not the whole axis
        ax.set_ylabel(words["ratings"])
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=5)
        ax.grid(axis="y", color="#eee", linewidth=0.6)

    return _svg("satisfaction", 7.5, 3.0, draw, left=0.09, right=0.98, top=0.95, bottom=0.22)


_TIME_TICKS = [(1 / 60, "1 min"), (10 / 60, "10 min"), (1.0, "1 h"), (8.0, "8 h"), (24.0, "1 d"), (72.0, "3 d"), (168.0, "7 d"), (720.0, "30 d")]


def _null() -> Any:
    from matplotlib.ticker import NullLocator

    return NullLocator()


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0)
