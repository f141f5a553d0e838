"""What every chart shares: matplotlib without a screen, and a font that draws Chinese.

Charts render to PNG bytes; the digest's and the health check's charts build on this.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Final

log = logging.getLogger(__name__)

# fonts that draw simplified Chinese, best first (Debian: fonts-wqy-microhei, fonts-noto-cjk)
CJK_FAMILIES: Final = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)


@cache
def cjk_family() -> str | None:
    """The installed font family that draws Chinese, or None (then names show as boxes;
    `make setup` installs one)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    log.warning("no CJK font found: Chinese in charts will not render (install fonts-wqy-microhei)")
    return None


@cache
def setup() -> None:
    """Headless matplotlib (Agg) with the CJK font first and a proper minus sign."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import rcParams

    family = cjk_family()
    if family:
        rcParams["font.sans-serif"] = [family, *rcParams["font.sans-serif"]]
    rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False
