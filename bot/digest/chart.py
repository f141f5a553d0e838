"""The digest's chart as PNG bytes: pace bars against the 100% line, and the month's
cumulative actual against plan. Sized for a phone (900 px wide), names in Chinese.

Uses matplotlib's object API (no pyplot, no global figure state), so charts can be
drawn off the event loop's thread.
"""

from __future__ import annotations

import io

from bot.charts import setup
from bot.digest.build import primary_metric
from bot.digest.model import Digest, Scope
from bot.digest.render import short_date
from bot.i18n import Lang, t
from bot.report_view import metric_label

MAX_BARS = 25
WIDTH_IN, DPI = 6.0, 150
GREEN, AMBER, RED, GREY = "#2e7d32", "#f9a825", "#c62828", "#9e9e9e"


def chart_scope(d: Digest) -> Scope | None:
    """The scope the chart shows: a manager's total (teams as bars), else the one team."""
    return d.total or (d.scopes[0] if d.scopes else None)


def _colour(pace: float | None) -> str:
    if pace is None:
        return GREY
    return GREEN if pace >= 1.0 else (AMBER if pace >= 0.8 else RED)


def render_chart(d: Digest, lang: Lang) -> bytes | None:
    """The chart for digest `d` as PNG bytes; None when nothing in it has a target."""
    scope = chart_scope(d)
    if scope is None:
        return None
    metric = primary_metric(scope.totals)
    if metric is None:
        return None
    setup()
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    bars = sorted(
        (
            (r.name, m.figures.pace or 0.0)
            for r in scope.rows
            for m in r.metrics
            if m.metric == metric
        ),
        key=lambda bar: bar[1],
    )[:MAX_BARS]
    rows = [name for name, _ in bars]
    paces = [pace for _, pace in bars]
    bar_height = max(2.2, 0.32 * len(rows) + 0.9)
    fig = Figure(figsize=(WIDTH_IN, bar_height + 3.4), dpi=DPI)
    top, bottom = fig.subplots(2, 1, height_ratios=[bar_height, 3.0])
    label = metric_label(metric, lang)
    fig.suptitle(
        t(
            "digest.chart_title",
            lang,
            name=scope.name,
            month=scope.month,
            date=short_date(d.as_of, lang),
        ),
        fontsize=12,
    )
    # pace per person (or team), slowest at the top
    names = rows[::-1]
    values = [p * 100 for p in paces][::-1]
    top.barh(names, values, color=[_colour(p) for p in paces][::-1], height=0.6)
    top.axvline(100, color="#212121", linewidth=1.2, linestyle="--")
    for y, value in enumerate(values):
        top.text(value + 2, y, f"{value:.0f}%", va="center", fontsize=9)
    top.set_xlim(0, max([120.0, *(v + 25 for v in values)]))
    top.xaxis.set_major_formatter(PercentFormatter())
    top.set_title(t("digest.chart_pace", lang, metric=label), fontsize=10, loc="left")
    top.tick_params(axis="y", labelsize=10)
    top.spines[["top", "right"]].set_visible(False)
    # cumulative actual against plan over the month
    curve = scope.curve
    if curve is not None and curve.metric == metric:
        x = list(range(1, len(curve.days) + 1))
        bottom.plot(
            x,
            curve.plan,
            color=GREY,
            linestyle="--",
            linewidth=1.5,
            label=t("digest.chart_plan", lang),
        )
        known = [(i, v) for i, v in zip(x, curve.actual, strict=True) if v is not None]
        if known:
            bottom.plot(
                [i for i, _ in known],
                [v for _, v in known],
                color="#1565c0",
                linewidth=2.2,
                label=t("digest.chart_actual", lang),
            )
        bottom.set_xlim(1, len(x))
        bottom.legend(loc="upper left", fontsize=9, frameon=False)
    bottom.set_title(t("digest.chart_cumulative", lang, metric=label), fontsize=10, loc="left")
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _short(v, lang)))
    bottom.spines[["top", "right"]].set_visible(False)
    bottom.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _short(value: float, lang: Lang) -> str:
    if lang == "zh" and abs(value) >= 10_000:
        return f"{value / 10_000:g}万"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"
