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
    fractional: dict[str, float] = field(default_factory=dict)

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


_SENTENCE_END = re.compile(r"[。!！?？\n]|\.(?!\d)")
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
    r"|(?<![a-z])(?:target|goal|plan(?:ned)?\s+to|plan|aim|expect(?:ed)?|will|need(?:s|ed)?(?:\s+to)?|to\s+do"
    r"|going\s+to|want(?:s)?\s+to|hope\s+to|quota|another)\s*(?:of|for|get|hit|close|make|do)?\s*$"
)
# "每单约5000元" (a price each), "其中3家" (some of those already counted): not new figures
_PART_BEFORE = re.compile(
    r"(?:每单|每家|每个|每笔|每次|单价|均价|平均|其中|含|包括)\s*(?:约|大约|大概)?\s*$"
    r"|(?<![a-z])(?:per\s+\w+|each|average|avg|of\s+them|of\s+which|including|incl\.?)\s*(?:about|around|~)?\s*$"
)
_MORE_BEFORE = re.compile(
    r"(?:又|另|再|还|加上|以及|和)\s*$|(?<![a-z])(?:and|plus|another|then)\s*$"
)
_MORE_AFTER = re.compile(r"^\s*(?:more|in\s+the|at|on|later)(?![a-z])")
_COUNTER_METRIC = {"家": "visits", "单": "orders", "张": "orders"}
_NOT_YET_AFTER = re.compile(
    r"^\s*(?:还没|没|未|尚未|待|缺口|的缺口|not\s+yet|pending|outstanding|due|short|left|remaining|to\s+go|behind|missing)"
)
# the start of the clause a lone number stands in must read like a result:
# "签了2单", "跑了6家", "共6家", "3单" — not "有3家表示…" (some of them said…)
_COUNTED_CLAUSE = re.compile(
    r"(?:^|了|共|一共|总共|合计|累计|搞定|拿下|签|出|做|开|跑|谈成|谈下)\s*$"
)
_CLAUSE_START = re.compile(r".*[，,;；。!！?？\n、]", re.S)
_NONE_AFTER = re.compile(
    r"\s*[:：]\s*(?:none|nil|zero|nothing|无|没有|零|暂无)(?![a-z])|\s*(?:都)?(?:没成|没有成|为零|是零)"
)
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


def _is_verb(word: str) -> bool:
    """English past tenses ("closed", "visited", "sold", "met") come before their number."""
    return word.isascii() and (word.endswith("ed") or word in ("sold", "met", "made"))


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
    for key in keys:
        if _NONE_AFTER.match(span_text, key.end):
            figures.zeros.add(key.metric)
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
        elif (
            isinstance(b, Keyword)
            and not (_is_verb(span_text[b.start : b.end]) and span_text[a.end : b.start].strip())
            and _gap_nk(span_text[a.end : b.start])
            and not _INTENT_BEFORE.search(span_text[max(0, a.start - 14) : a.start])
        ):
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
    """Numbers with no metric word of their own.

    "签了2单" / "跑了6家": the counter names the metric. "销售额：上午8000，下午1.2万" /
    "visited 3 in the morning and 4 in the afternoon": the sentence's last metric word.
    "成交3单2.5万": money with no word at all is the day's sales.
    """
    last: Keyword | None = None
    for token in tokens:
        if isinstance(token, Keyword):
            last = token
            continue
        if id(token) in paired or token.value < 0:
            continue
        before = text[max(0, token.start - 14) : token.start]
        head = text[max(0, token.start - 40) : token.start]
        clause = head[m.end() :] if (m := _CLAUSE_START.match(head)) else head
        if (
            _BLOCKING.search(text[max(0, token.start - 6) : token.start])
            or _PART_BEFORE.search(before)
            or re.search(r"其中|of\s+which|of\s+them|including", clause)
            or _INTENT_BEFORE.search(before)
            or _NOT_YET_AFTER.match(text[token.end : token.end + 8])
        ):
            continue
        total = bool(_TOTAL_BEFORE.search(before))
        metric = _COUNTER_METRIC.get(token.counter)
        if metric in lex.metrics and token.is_whole and not (token.money or token.scaled):
            if not _COUNTED_CLAUSE.search(clause):
                continue
            figures.add(str(metric), token.value, total)
        elif last is not None and _continues(text, last, token, lex):
            _record(figures, lex, Keyword(last.start, last.end, last.metric, total), token)
        elif (
            (token.money or token.scaled)
            and not token.counted
            and "sales" in lex.metrics
            and (total or ("sales" not in figures.parts and "sales" not in figures.totals))
        ):
            figures.add("sales", token.value, total)


def _continues(text: str, key: Keyword, num: NumberToken, lex: Lexicon) -> bool:
    """True when a lone number in the same sentence carries on the last metric word."""
    between = text[key.end : num.start]
    if _SENTENCE_END.search(between) or len(between) > 40 or not _fits(lex, key, num):
        return False
    if lex.metrics[key.metric].kind == "money":
        return num.money or num.scaled or (num.value >= 100 and not num.counted)
    if num.scaled or num.money:
        return False
    return bool(
        _MORE_BEFORE.search(text[max(0, num.start - 8) : num.start])
        or _MORE_AFTER.match(text[num.end : num.end + 12])
    )


def _record(figures: Figures, lex: Lexicon, key: Keyword, num: NumberToken) -> None:
    if lex.metrics[key.metric].kind == "count" and not num.is_whole:
        figures.fractional[key.metric] = num.value
        return
    figures.add(key.metric, num.value, key.total)
