"""Reading figures: pairing metric words with numbers, clause by clause."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.report_parser.lexicon import Lexicon
from bot.report_parser.numbers import NumberToken, find_numbers


@dataclass(frozen=True, slots=True)
class Keyword:
    """A metric word found in the text."""

    start: int
    end: int
    metric: str
    total: bool  # "共计", "in total": this figure is the sum, not a part


@dataclass
class Figures:
    """The figures read from a stretch of text."""

    parts: dict[str, list[float]] = field(default_factory=dict)
    totals: dict[str, float] = field(default_factory=dict)
    zeros: set[str] = field(default_factory=set)
    fractional: set[str] = field(default_factory=set)

    def add(self, metric: str, value: float, total: bool) -> None:
        """Records one figure for a metric."""
        if total:
            self.totals[metric] = value
        else:
            self.parts.setdefault(metric, []).append(value)

    def result(self) -> dict[str, float]:
        """Each metric's figure: the stated total, else the sum of the parts, else 0."""
        out: dict[str, float] = dict.fromkeys(self.zeros, 0.0)
        for metric, values in self.parts.items():
            out[metric] = sum(values)
        out.update(self.totals)
        return out


_SEP = re.compile(r"[，,。;；\n!！?？、|]|\.(?!\d)|\s[-–—]\s")
_CJK_FILLER = re.compile(r"(?=.*[\u3400-\u9fff])[\u3400-\u9fffa-z0-9]{1,8}")
_EN_FILLER = re.compile(r"[a-z'\s:=~\-()]*")
_KN_STRIP = re.compile(
    r"[\s:：=~～()（）\[\]【】]|了|共|约|总|计|达到|达|为|是|有|额|的|大概|一共|总共|合计|累计"
)
_COUNTER = r"个|家|单|笔|次|通|位|户|间|件|名|条|张|台|套"
_NK_CJK = re.compile(rf"(?:{_COUNTER})?(?:新|个新|次的|家的|个的)?")
_BLOCKING = re.compile(
    r"差|欠|少|剩|没|未|不|目标|计划|任务|指标|预计|争取|要求"
    r"|(?<![a-z])(?:target|goal|plan|planned|short|left|remaining|owed|owing|outstanding|need|needs|due|pending|missing|expected|budget|quota)(?![a-z])"
)
_INTENT_BEFORE = re.compile(
    r"(?:目标|计划|任务|指标|争取|预计|打算|准备|还要|需要|要求|还差|还剩|欠|差)\s*$"
    r"|(?<![a-z])(?:target|goal|plan(?:ned)?\s+to|plan|aim|expect(?:ed)?|will|need\s+to|to\s+do|going\s+to|quota)\s*(?:of|for)?\s*$"
)
_NOT_YET_AFTER = re.compile(r"^\s*(?:还没|没|未|尚未|待|not\s+yet|pending|outstanding|due)")
_TOTAL_BEFORE = re.compile(r"(?:共|一共|总共|合计|累计|in\s+total|total(?:\s+of)?)\s*$")
_TOTAL_WORDS = {"共计", "合计", "总计", "总额", "total", "totaling", "totalling"}


def _gap_kn(gap: str) -> bool:
    if len(gap) > 24 or _SEP.search(gap) or _BLOCKING.search(gap):
        return False
    rest = _KN_STRIP.sub("", gap)
    if not rest or _CJK_FILLER.fullmatch(rest):
        return True
    return bool(_EN_FILLER.fullmatch(gap)) and len(gap.split()) <= 3


def _gap_nk(gap: str) -> bool:
    if len(gap) > 20 or _SEP.search(gap) or _BLOCKING.search(gap):
        return False
    rest = gap.strip()
    if not rest or _NK_CJK.fullmatch(rest):
        return True
    return bool(re.fullmatch(r"[a-z\-]+(?:\s+[a-z\-]+)?", rest))


def _keywords(text: str, start: int, end: int, lex: Lexicon) -> Iterator[Keyword]:
    for m in lex.keyword_re.finditer(text, start, end):
        before = text[max(start, m.start() - 12) : m.start()]
        if _INTENT_BEFORE.search(before):
            continue  # "目标拜访10家", "plan to visit 5": an intention, not a result
        word = re.sub(r"\s+", " ", m.group())
        total = word in _TOTAL_WORDS or bool(_TOTAL_BEFORE.search(before))
        yield Keyword(m.start(), m.end(), lex.metric_of(word), total)


def _is_unit(text: str, num: NumberToken, nxt: object, metric: str) -> bool:
    return isinstance(nxt, Keyword) and nxt.metric == metric and _gap_nk(text[num.end : nxt.start])


def _fits(lex: Lexicon, key: Keyword, num: NumberToken) -> bool:
    kind = lex.metrics[key.metric].kind
    if kind == "count":
        return not num.money
    return num.money or not num.counted


def read_figures(text: str, spans: list[tuple[int, int]], lex: Lexicon) -> Figures:
    """Reads the figures in the given spans of folded text (dates already blanked)."""
    figures = Figures()
    for start, end in spans:
        _read_span(text, start, end, lex, figures)
    return figures


def _read_span(text: str, start: int, end: int, lex: Lexicon, figures: Figures) -> None:
    chunk = list(text[start:end])
    for m in lex.zero_re.finditer(text, start, end):
        figures.zeros.add(lex.zero_metric[re.sub(r"\s+", " ", m.group())])
        chunk[m.start() - start : m.end() - start] = " " * (m.end() - m.start())
    span_text = "".join(chunk)
    keys = list(_keywords(span_text, 0, len(span_text), lex))
    nums = [
        n
        for n in find_numbers(span_text)
        if not any(k.start < n.end and n.start < k.end for k in keys)
    ]
    tokens: list[Keyword | NumberToken] = sorted([*keys, *nums], key=lambda t: t.start)
    paired: set[int] = set()
    i = 0
    while i < len(tokens):
        a = tokens[i]
        b = tokens[i + 1] if i + 1 < len(tokens) else None
        c = tokens[i + 2] if i + 2 < len(tokens) else None
        if isinstance(a, Keyword):
            if isinstance(b, NumberToken) and _gap_kn(span_text[a.end : b.start]):
                if _fits(lex, a, b) and not _NOT_YET_AFTER.match(span_text[b.end : b.end + 8]):
                    _record(figures, lex, a, b)
                paired.add(id(b))
                i += 2
                if _is_unit(span_text, b, c, a.metric):  # "closed 3 deals": the noun repeats
                    i += 1
                continue
            if (
                isinstance(b, Keyword)
                and isinstance(c, NumberToken)
                and not span_text[a.end : b.start].strip(" 了")
                and _gap_kn(span_text[b.end : c.start])
            ):  # "拜访新客户3家": the verb names the figure; "deals worth $4,500": the one that fits
                chosen = a if _fits(lex, a, c) else b
                if _fits(lex, chosen, c):
                    _record(figures, lex, chosen, c)
                paired.add(id(c))
                i += 3
                continue
        elif isinstance(b, Keyword) and _gap_nk(span_text[a.end : b.start]):
            if _fits(lex, b, a):
                _record(figures, lex, b, a)
            paired.add(id(a))
            i += 2
            continue
        i += 1
    _orphans(span_text, tokens, paired, lex, figures)


def _orphans(
    text: str,
    tokens: list[Keyword | NumberToken],
    paired: set[int],
    lex: Lexicon,
    figures: Figures,
) -> None:
    """A money figure with no word of its own ("成交3单2.5万") is the day's sales."""
    for token in tokens:
        if not isinstance(token, NumberToken) or id(token) in paired:
            continue
        if not (token.money or token.scaled) or token.counted or token.value < 0:
            continue
        if _BLOCKING.search(text[max(0, token.start - 6) : token.start]):
            continue
        if (
            "sales" in lex.metrics
            and "sales" not in figures.parts
            and "sales" not in figures.totals
        ):
            figures.add("sales", token.value, total=False)


def _record(figures: Figures, lex: Lexicon, key: Keyword, num: NumberToken) -> None:
    if lex.metrics[key.metric].kind == "count" and not num.is_whole:
        figures.fractional.add(key.metric)
        return
    figures.add(key.metric, num.value, key.total)
