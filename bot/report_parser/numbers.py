"""Numbers in report text: Arabic with separators and scales, and Chinese numerals."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an


@dataclass(frozen=True, slots=True)
class NumberToken:
    """A number found in the text, with the span it covers."""

    start: int
    end: int
    value: float
    money: bool  # written with a currency sign or word (¥, $, 元, 块, RMB …)
    scaled: bool  # written with a scale (万, w, 千, k, m …)
    counter: str  # the counter of things that follows (家, 单, 个, cases …), or ""

    @property
    def counted(self) -> bool:
        """True when a counter of things follows the number ("3家", "5 cases")."""
        return bool(self.counter)

    @property
    def is_whole(self) -> bool:
        """True for a whole number."""
        return float(self.value).is_integer()


_SCALES = {
    "万": 10_000,
    "w": 10_000,
    "千": 1_000,
    "k": 1_000,
    "百万": 1_000_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "thousand": 1_000,
    "亿": 100_000_000,
}
_MONEY_WORDS = r"元|块钱|块|rmb|cny|yuan|dollars?|usd|bucks"
_COUNTERS = r"家|个|单|笔|次|通|位|户|间|件|名|条|张|台|套|箱|瓶|盒|包|袋|桶|吨|件|cases?|units?|boxes|box|bottles?|pieces?|pcs|cartons?|items?|packs?|stores?|shops?|customers?|clients?|buyers?|outlets?|accounts?|dealers?"

_ARABIC = re.compile(
    r"""
    (?P<cur>[¥$￥]|rmb|cny|usd)?\s?
    (?P<sign>(?<![0-9a-z.])-)?
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?<!\d)\.\d+)
    (?:
        \s?(?P<cnscale>百万|万|千|亿)(?P<tail>\d(?![\d.]))?
      | (?P<enscale>k|w|mn|m)(?![a-z])
      | \s(?P<wordscale>million|thousand)(?![a-z])
    )?
    (?P<after>\s?(?:"""
    + _MONEY_WORDS
    + r"""))?
    """,
    re.VERBOSE,
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_CHINESE = re.compile(rf"[{_CN_DIGITS}]+(?:点[{_CN_DIGITS}]+)?")
_COUNTER_AFTER = re.compile(rf"\s?(?P<counter>{_COUNTERS})(?![a-z])")
_MONEY_AFTER = re.compile(rf"\s?(?:{_MONEY_WORDS})(?![a-z])")

# Chinese-numeral characters that begin ordinary words, not quantities.
_NOT_AFTER = set("下起直定般些样切致旦再向同共边面步会分时辈生份律")
_NOT_BEFORE = set("第统唯万周星拜期")
_LONE = {"万", "千", "百", "亿", "千万", "万万", "十", "点"}
# A number stuck to letters is a code (A3, 4S店, W11), not a quantity.
_CODE_BEFORE = re.compile(r"[a-z_]$")
_CODE_LABEL = re.compile(r"(?:号|编号|店号|单号|工号|货号|no\.?|#|id|code|sku)\s*[:：]?\s*$")
_CODE_AFTER = re.compile(r"^(?:[a-z_%‰]|\^|\*\*|e\d)")


def _scale_value(match: re.Match[str]) -> tuple[float, bool]:
    value = float(match["num"].replace(",", ""))
    scale = match["cnscale"] or match["enscale"] or match["wordscale"]
    if not scale:
        return value, False
    factor = _SCALES[scale]
    value *= factor
    if match["tail"]:  # 1万2 = 12,000; 3千5 = 3,500
        value += int(match["tail"]) * factor / 10
    return value, True


def find_numbers(text: str) -> list[NumberToken]:
    """Finds the quantities in folded, normalised text, left to right."""
    found: list[NumberToken] = []
    taken: list[tuple[int, int]] = []
    for m in _ARABIC.finditer(text):
        start, end = m.start("num"), m.end()
        if m["sign"]:
            start = m.start("sign")
        if m["cur"]:
            start = m.start("cur")
        head = text[max(0, m.start("num") - 1) : m.start("num")]
        rest = text[end : end + 1]
        if not m["cur"] and _CODE_BEFORE.search(head):
            continue
        if _CODE_LABEL.search(text[max(0, m.start("num") - 8) : m.start("num")]):
            continue  # 店号1023, #12, No. 5, 电话：138…
        if re.fullmatch(r"\d{11,}", m["num"]) or len(m["num"]) > 21:
            continue  # a phone or account number, or digits beyond any figure
        if _CODE_AFTER.match(rest) and not m["after"] and not (m["enscale"] or m["wordscale"]):
            continue
        if text[end : end + 1] == ":" and text[end + 1 : end + 3].isdigit():
            continue  # a time of day such as 14:30
        if text[max(0, start - 1) : start] == ":" and text[max(0, start - 3) : start - 1].isdigit():
            continue
        value, scaled = _scale_value(m)
        if m["sign"]:
            value = -value
        money = bool(m["cur"] or m["after"])
        counter = _COUNTER_AFTER.match(text, end)
        found.append(
            NumberToken(start, end, value, money, scaled, counter["counter"] if counter else "")
        )
        taken.append((start, end))
    for m in _CHINESE.finditer(text):
        token = _chinese_token(text, m)
        if token and not any(s < token.end and token.start < e for s, e in taken):
            found.append(token)
    found.sort(key=lambda n: n.start)
    return found


def _chinese_token(text: str, m: re.Match[str]) -> NumberToken | None:
    raw = m.group()
    start, end = m.start(), m.end()
    if raw in _LONE and not (raw == "十" and _COUNTER_AFTER.match(text, end)):
        return None
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before in _NOT_BEFORE or after in _NOT_AFTER:
        return None
    if raw.endswith("点"):
        return None
    try:
        value = float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, IndexError, TypeError, OverflowError, RecursionError):
        return None
    if not value < 1e15:
        return None
    money_m = _MONEY_AFTER.match(text, end)
    money_end = money_m.end() if money_m else end
    return NumberToken(
        start=start,
        end=money_end,
        value=value,
        money=bool(money_m),
        scaled=any(ch in raw for ch in "万千亿"),
        counter=counter["counter"] if (counter := _COUNTER_AFTER.match(text, end)) else "",
    )
