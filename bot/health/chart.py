"""The health check's radar chart: one axis per core element, this check filled, the
previous one dashed; labels in the reader's language, PNG bytes out."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.charts import setup

if TYPE_CHECKING:
    from matplotlib.projections.polar import PolarAxes


def radar_png(
    labels: Sequence[str],
    current: Sequence[int],
    previous: Sequence[int] | None,
    legend: tuple[str, str],
    title: str,
    *,
    family: str | None = None,
) -> bytes:
    """Renders the radar (values 0–100, one per label) to PNG bytes.

    `family` forces a font family (tests compare the CJK font with one that lacks it);
    by default the font `bot.charts.setup()` chose is used.
    """
    setup()
    from matplotlib.figure import Figure

    count = len(labels)
    if count < 3 or len(current) != count or (previous is not None and len(previous) != count):
        raise ValueError("a radar needs at least three axes and one value per axis")
    font: dict[str, Any] = {"family": family} if family else {}
    angles = [2 * math.pi * i / count for i in range(count)]
    closed = [*angles, angles[0]]
    figure = Figure(figsize=(6, 6), dpi=100)
    axes: PolarAxes = figure.add_subplot(projection="polar")  # type: ignore[assignment]
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, 100)
    axes.set_yticks([25, 50, 75, 100])
    axes.set_yticklabels(["25", "50", "75", "100"], fontsize=8, color="#777777")
    axes.set_xticks(angles)
    axes.set_xticklabels(list(labels), fontdict={"fontsize": 12, **font})
    axes.tick_params(axis="x", pad=14)
    if previous is not None:
        values = [*previous, previous[0]]
        axes.plot(closed, values, color="#888888", linestyle="--", linewidth=1.5, label=legend[1])
    values = [*current, current[0]]
    axes.plot(closed, values, color="#1f77b4", linewidth=2, label=legend[0])
    axes.fill(closed, values, color="#1f77b4", alpha=0.25)
    for angle, value in zip(angles, current, strict=True):
        axes.annotate(
            str(value),
            (angle, value),
            textcoords="offset points",
            xytext=(0, -12 if value > 80 else 6),
            ha="center",
            fontsize=9,
            color="#1f77b4",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    axes.legend(loc="upper right", bbox_to_anchor=(1.15, 1.12), prop=font or None)
    axes.set_title(title, pad=34, fontsize=14, **font)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
