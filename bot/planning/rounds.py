"""Planning rounds, the pure part (method 1, plan both ways): which period a lead means,
whether a rep's message is a draft answer or a daily report, the values a rep is
offered on buttons, and each line of the lead's board — draft beside top-down number,
the gap, the value a confirmation writes and the basis it records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.plans import Period
from bot.report_parser.normalise import fold, normalise
from bot.report_parser.numbers import NumberToken, find_numbers
from bot.store.rows import Basis, Number

DEFAULT_METRICS: tuple[str, ...] = ("sales",)
DEFAULT_GROWTH = 0.10  # last period's target plus this, when no top-down number exists
MAX_TEXT = 300  # a draft answer is short; a longer message is a report or something else

AnswerKind = Literal["answer", "unsure", "report", "garbage"]

_NEXT_MONTH = ("下月", "下个月", "下一个月", "next month", "next", "下期")
_THIS_MONTH = ("本月", "这个月", "当月", "this month")
_NEXT_QUARTER = ("下季度", "下个季度", "next quarter")

# words that put a sentence in the future or speak of what one can do
_FUTURE = (
    "下个月",
    "下月",
    "下一个月",
    "下季度",
    "下个季度",
    "明年",
    "next month",
    "next quarter",
    "next year",
    "coming month",
)
_ABILITY = (
    "能做",
    "可以做",
    "能完成",
    "可以完成",
    "能到",
    "能达到",
    "能拿",
    "做到",
    "争取",
    "目标",
    "预计",
    "打算",
    "保证",
    "有信心",
    "我能",
    "can do",
    "could do",
    "i can",
    "i could",
    "we can",
    "able to",
    "aim",
    "commit",
    "expect",
    "target",
    "forecast",
    "will do",
    "i'll do",
    "going to do",
)
# what may stand around a bare amount ("25万", "about 250k", "30万吧")
_FILLER = re.compile(
    r"大概|大约|左右|差不多|应该|可能|吧|呀|啊|呢|吗|元|块|人民币|rmb|cny|usd|yuan|about|around|"
    r"maybe|roughly|approx(?:imately)?|ok|[¥$￥~～≈]",
    re.I,
)
# period words and months, so "2026-04" or "4月" is not read as an amount
_PERIOD_WORDS = re.compile(
    r"\d{4}\s*[-/年.]\s*(?:q[1-4]|w\d{1,2}|\d{1,2})\s*月?(?:份)?|\d{4}\s*年|\d{1,2}\s*月份?|"
    r"[一二三四五六七八九十]{1,3}月份?|(?:一|1|每|下|这|上)个?月|q[1-4]",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Answer:
    """How a message during an open ask reads: a draft (value), unsure (the value it
    might be), a report, or neither."""

    kind: AnswerKind
    value: float | None = None
    future: bool = False  # the message speaks of the future (not a report of today)


def round_period(word: str | None, today: dt.date) -> Period:
    """The period a lead names: next month by default; 2026-04, 2026-Q2, 下月, this month …

    Raises ValueError for a word that is no period, or a period already over.
    """
    text = (word or "").strip().lower()
    month = Period.containing("month", today)
    if not text or text in _NEXT_MONTH:
        return month.shift(1)
    if text in _THIS_MONTH:
        return month
    if text in _NEXT_QUARTER:
        return Period.containing("quarter", today).shift(1)
    period = Period.parse(text.upper())
    if period.kind == "day":
        raise ValueError(f"{word!r}: a planning round is for a week, month, quarter or year")
    if period.end < today:
        raise ValueError(f"{word!r} is over")
    return period


def _has(text: str, words: Sequence[str]) -> bool:
    return any(w in text for w in words)


def _candidates(tokens: list[NumberToken], money: bool) -> list[NumberToken]:
    """The numbers that could be the amount asked for (money: not a count of things)."""
    return [n for n in tokens if n.value >= 0 and not (money and n.counted)]


def is_bare(text: str, tokens: list[NumberToken]) -> bool:
    """True when the message is one amount and nothing else but filler words."""
    if len(tokens) != 1:
        return False
    rest = text[: tokens[0].start] + text[tokens[0].end :]
    return not re.search(r"[^\W_]", _FILLER.sub("", rest))


def read_answer(
    text: str, *, money: bool, replying: bool = False, looks_like_report: bool = False
) -> Answer:
    """Reads a rep's message while a planning question waits for them.

    `replying`: it answers the question's message (Telegram reply); then any one
    amount is the answer. Otherwise it is an answer when it is a bare amount, or
    one amount with words of the future or of ability ("下个月我能做25万", "I can do
    250k next month"); a daily report ("拜访8家，成交3单，销售额2.5万") stays a report.
    `looks_like_report`: the report reader found figures, blockers or next steps.
    """
    if len(text) > MAX_TEXT:
        return Answer("report")
    folded = fold(normalise(text)).lower()
    future = _has(folded, _FUTURE)
    speaks = future or _has(folded, _ABILITY)
    cleaned = _PERIOD_WORDS.sub(" ", folded)
    tokens = find_numbers(cleaned)
    found = _candidates(tokens, money)
    largest = max((n.value for n in found), default=None)
    if replying:
        if len(found) == 1:
            return Answer("answer", found[0].value, future)
        return Answer("unsure" if found else "garbage", largest, future)
    if is_bare(cleaned, tokens) and found:
        return Answer("answer", found[0].value, future)
    if speaks and len(found) == 1 and len(tokens) == 1:
        return Answer("answer", found[0].value, future)
    if speaks and found:
        return Answer("unsure", largest, future)
    if looks_like_report:
        return Answer("report")
    return Answer("garbage", None, future)


def nice(value: float, money: bool) -> Number:
    """A round figure near `value`: money to the thousand (hundred below 10,000), counts whole."""
    if not money:
        return round(value)
    step = 1000 if value >= 10_000 else 100
    return int(round(value / step) * step)


def suggestions(base: float | None, money: bool) -> list[Number]:
    """The values offered on buttons: last period's figure, +10 % and +20 % (distinct, > 0)."""
    if base is None or base <= 0:
        return []
    out: list[Number] = []
    for factor in (1.0, 1.1, 1.2):
        value = nice(base * factor, money)
        if value > 0 and value not in out:
            out.append(value)
    return out


def last_period_plus(previous_target: float, growth: float, money: bool) -> Number:
    """The top-down number when none was set: last period's target plus `growth`."""
    return nice(previous_target * (1 + growth), money)


@dataclass(frozen=True, slots=True)
class Line:
    """One person and metric on the lead's board."""

    person_id: str
    metric: str
    reference: Number | None  # the top-down number
    reference_basis: str | None
    draft: Number | None  # the rep's own number
    adjusted: Number | None  # the lead's number

    @property
    def final(self) -> Number | None:
        """What a confirmation writes: the lead's number, else the draft, else the top-down."""
        for value in (self.adjusted, self.draft, self.reference):
            if value is not None:
                return value
        return None

    @property
    def gap(self) -> Number | None:
        """Top-down minus draft (positive: the top-down number asks for more)."""
        if self.reference is None or self.draft is None:
            return None
        return self.reference - self.draft

    @property
    def basis(self) -> Basis | None:
        """How the confirmed value was set (contracts §1 `basis`)."""
        final = self.final
        if final is None:
            return None
        if self.draft is not None and final == self.draft:
            return "bottom_up"
        if final == self.reference and self.reference_basis == "last_period_plus":
            return "last_period_plus"
        return "top_down"


@dataclass(frozen=True, slots=True)
class Totals:
    """The board's sums for one metric."""

    metric: str
    reference: float
    draft: float
    final: float
    answered: int
    people: int


def totals(lines: Sequence[Line], metric: str) -> Totals:
    """Sums of one metric's lines (a missing number counts as nothing)."""
    mine = [line for line in lines if line.metric == metric]
    return Totals(
        metric=metric,
        reference=float(sum(line.reference or 0 for line in mine)),
        draft=float(sum(line.draft or 0 for line in mine)),
        final=float(sum(line.final or 0 for line in mine)),
        answered=sum(1 for line in mine if line.draft is not None),
        people=len(mine),
    )
