"""Text normalisation before reading: traditional → simplified, full-width → ASCII."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Protocol


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@cache
def _t2s() -> _Converter:
    import opencc  # deferred: keeps `execoach --help` fast

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


# Full-width ASCII (U+FF01–U+FF5E) becomes ASCII, except the full-width comma,
# which in Chinese text separates clauses and is never a thousands separator.
_WIDTH: dict[int, int | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if cp != 0xFF0C}
_WIDTH.update(
    {
        0x3000: 0x20,  # ideographic space
        0xFFE5: ord("¥"),  # full-width yen/yuan sign
        0x2212: ord("-"),  # minus sign
        0x00A0: 0x20,  # no-break space
        0x200B: None,  # zero-width space
        0x200C: None,
        0x200D: None,
        0xFEFF: None,
        0x2018: ord("'"),
        0x2019: ord("'"),
    }
)
_CJK_RANGE = ("\u3400", "\u9fff")


def _has_cjk(text: str) -> bool:
    lo, hi = _CJK_RANGE
    return any(lo <= ch <= hi for ch in text)


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[@-_]")


def normalise_width(text: str) -> str:
    """Line breaks, full-width characters and invisible characters made plain."""
    text = _ANSI.sub("", text)  # terminal colour codes pasted along: "\x1b[31m" is not 31m
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_WIDTH)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return text.replace("\t", " ")


def normalise(text: str) -> str:
    """Returns the text in simplified Chinese with ASCII digits, letters and colons.

    Length may change (OpenCC converts phrases), so callers read the returned text
    and never index the original with positions found here.
    """
    text = normalise_width(text)
    if _has_cjk(text):
        text = _t2s().convert(text)
    return text


def fold(text: str) -> str:
    """Lower-cases ASCII-like letters without changing the string's length."""
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)
