"""What a question asks: intent, period, subjects, metric, category — pure.

No Telegram, no SQL: text, today and a `Directory` of names in; an `Understanding`
out. The words come from knowledge/questions.yaml, so a new wording is data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from bot.ask.names import Directory, Hit
from bot.ask.periods import find_periods
from bot.ask.spans import Span, whole
from bot.ask.strangers import Stranger, find_strangers
from bot.i18n import Lang, guess_lang
from bot.report_parser.normalise import fold, normalise
from knowledge.questions import question_words

INTENTS: tuple[str, ...] = ("progress", "behind", "not_reported", "blockers", "ranking")
INTENTS += ("target_gap", "person", "findings", "compare", "refused", "unknown")
MAX_QUESTION = 300  # characters read; a longer text is not a question


@dataclass(frozen=True)
class Understanding:
    """A question as read."""

    intent: str  # one of INTENTS (never "refused": scope is the answerer's)
    lang: Lang
    periods: tuple[Span, ...] = ()
    hits: tuple[Hit, ...] = ()
    self_ref: bool = False
    we_ref: bool = False
    everyone: bool = False
    metric: str | None = None
    category: str | None = None
    worst: bool = False
    top: int | None = None
    score: int = 0  # how strongly the words point at the intent
    asking: int = 0  # question words found (?, 多少, how …)
    readings: tuple[str, ...] = field(default_factory=tuple)  # likeliest intents, best first
    strangers: tuple[Stranger, ...] = ()  # person-like words that name nobody

    @property
    def ambiguous(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if len(h.candidates) > 1)

    @property
    def named(self) -> tuple[str, ...]:
        """The ids named without doubt, in the order written."""
        out: list[str] = []
        for hit in self.hits:
            if len(hit.candidates) == 1 and hit.candidates[0] not in out:
                out.append(hit.candidates[0])
        return tuple(out)


def _word_re(words: Sequence[str]) -> re.Pattern[str]:
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        body = re.escape(word).replace(r"\ ", r"\s+")
        if word[:1].isascii() and word[:1].isalnum():
            body = r"(?<![a-z0-9'])" + body
        if word[-1:].isascii() and word[-1:].isalnum():
            body = body + r"(?![a-z0-9'])"
        parts.append(body)
    return re.compile("|".join(parts) or r"(?!x)x")


@dataclass(frozen=True)
class _Compiled:
    cues: re.Pattern[str]
    cue_of: Mapping[str, tuple[str, int]]
    question: re.Pattern[str]
    self_words: re.Pattern[str]
    we_words: re.Pattern[str]
    everyone: re.Pattern[str]
    categories: re.Pattern[str]
    category_of: Mapping[str, str]
    best: re.Pattern[str]
    worst: re.Pattern[str]
    reported: re.Pattern[str]
    reported_with: re.Pattern[str]


@cache
def _compiled() -> _Compiled:
    w = question_words()
    cue_of: dict[str, tuple[str, int]] = {}
    for cue in w.cues:
        if cue.word not in cue_of or cue_of[cue.word][1] < cue.weight:
            cue_of[cue.word] = (cue.intent, cue.weight)
    category_of = {word: c for c, words in w.categories.items() for word in words}
    return _Compiled(
        cues=_word_re(list(cue_of)),
        cue_of=cue_of,
        question=_word_re(w.question),
        self_words=_word_re(w.self_words),
        we_words=_word_re(w.we_words),
        everyone=_word_re(w.everyone),
        categories=_word_re(list(category_of)),
        category_of=category_of,
        best=_word_re(w.best),
        worst=_word_re(w.worst),
        reported=_word_re(w.reported),
        reported_with=_word_re(w.reported_with),
    )


@cache
def _metric_re(extra: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    words = {word: m for m, ws in question_words().metrics.items() for word in ws}
    words.update(dict(extra))
    return _word_re(list(words)), words


def prepare(text: str) -> str:
    """The text as the reader sees it: plain width, simplified, lower case, one line."""
    return re.sub(r"\s+", " ", fold(normalise(text[:MAX_QUESTION]))).strip().lower()


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(text)
    for begin, stop in spans:
        for i in range(max(begin, 0), min(stop, len(chars))):
            chars[i] = " "
    return "".join(chars)


_TOP_N = re.compile(r"(?:top|前|bottom|倒数|last)\s*(\d{1,2}|[一二三四五六七八九十])")


def understand(
    text: str,
    today: dt.date,
    directory: Directory,
    metric_words: Mapping[str, str] | None = None,
) -> Understanding:
    """Reads a question. `metric_words` adds a team's own metric words (word → metric)."""
    lang = guess_lang(text)
    plain = prepare(text)
    c = _compiled()
    periods = tuple(find_periods(plain, today))
    rest = _blank(plain, [(p.begin, p.stop) for p in periods])
    hits = tuple(directory.find(rest))
    rest_no_names = _blank(rest, [(h.begin, h.stop) for h in hits])
    strangers = tuple(find_strangers(rest_no_names))

    scores: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    for m in c.cues.finditer(rest_no_names):
        intent, weight = c.cue_of[re.sub(r"\s+", " ", m.group(0))]
        scores[intent] = scores.get(intent, 0) + weight
        taken.append(m.span())
    metric_pattern, metric_of = _metric_re(tuple(sorted((metric_words or {}).items())))
    metric_match = metric_pattern.search(rest_no_names)
    metric = metric_of.get(re.sub(r"\s+", " ", metric_match.group(0))) if metric_match else None
    category_match = c.categories.search(rest_no_names)
    category = c.category_of.get(category_match.group(0)) if category_match else None
    if c.reported.search(rest_no_names) and c.reported_with.search(rest_no_names):
        # "did everyone report", "日报都交了吗": who has (not) reported
        scores["not_reported"] = max(scores.get("not_reported", 0), 2)
    if category:  # "流程问题", "mechanism issues": the rule base's findings of one category
        scores["findings"] = scores.get("findings", 0) + 4
    asking = len(c.question.findall(plain))
    self_ref = bool(c.self_words.search(rest_no_names))
    we_ref = bool(c.we_words.search(rest_no_names))
    everyone = bool(c.everyone.search(rest_no_names))
    worst = bool(c.worst.search(rest_no_names)) and not (
        c.best.search(rest_no_names) and scores.get("behind")
    )
    top_match = _TOP_N.search(rest)
    top = None
    if top_match:
        raw = top_match.group(1)
        top = int(raw) if raw.isdigit() else "一二三四五六七八九十".index(raw) + 1
    if len(periods) >= 2 and "compare" not in scores:
        scores["compare"] = 2
    if "compare" in scores:
        periods = _compared(plain, periods, today)
    intent, readings = _decide(scores, hits, self_ref, bool(periods or metric or strangers), asking)
    return Understanding(
        intent=intent,
        lang=lang,
        periods=periods,
        hits=hits,
        self_ref=self_ref and not we_ref,
        we_ref=we_ref,
        everyone=everyone,
        metric=metric,
        category=category,
        worst=worst,
        top=top,
        score=max(scores.values(), default=0),
        asking=asking,
        readings=readings,
        strangers=strangers,
    )


_AGAINST = re.compile(r"(?:than|to|vs\.?|versus|against|with|from|比|和|跟|与|较|对比|相比)\s*$")
_WEEKLY = re.compile(r"week|wk|wow|周")


def _compared(plain: str, periods: tuple[Span, ...], today: dt.date) -> tuple[Span, ...]:
    """A comparison's two periods, the one compared first: "compared to last month"
    names the one compared against; "week over week" with no period is this week
    against the last. Of two named ("上周和这周比", "march vs feb"), the one holding
    today comes first, else the first named."""
    if not periods:
        return (whole("week" if _WEEKLY.search(plain) else "month", today),)
    if len(periods) == 1 and _AGAINST.search(plain[: periods[0].begin]):
        return (periods[0].following(), periods[0])
    if len(periods) >= 2:
        first, second = periods[0], periods[1]
        if second.start <= today <= second.end and not first.start <= today <= first.end:
            first, second = second, first
        return (first, second)
    return periods


# when two intents are named, the more specific one wins ("who is behind this week
# compared to last" is a comparison; "how far behind is 张伟" is his gap)
_PRIORITY: tuple[str, ...] = (
    "compare",
    "not_reported",
    "blockers",
    "findings",
    "ranking",
    "target_gap",
)
_PRIORITY += ("behind", "person", "progress")
_FALLBACK_READINGS = ("progress", "behind", "blockers")


def _decide(
    scores: Mapping[str, int],
    hits: Sequence[Hit],
    self_ref: bool,
    has_context: bool,
    asking: int,
) -> tuple[str, tuple[str, ...]]:
    ranked = sorted(scores, key=lambda i: (-scores[i], _PRIORITY.index(i)))
    readings = tuple(ranked) + tuple(r for r in _FALLBACK_READINGS if r not in ranked)
    people = [h for h in hits if h.candidates and all(not c.count(":") for c in h.candidates)]
    if not scores:
        if hits and not self_ref:
            return "person", ("person", *readings)
        if has_context or (self_ref and asking):
            return "progress", readings
        return "unknown", readings[:3]
    best = max(scores.values())
    top = [i for i in _PRIORITY if scores.get(i) == best]
    intent = top[0]
    if intent == "progress" and people and not self_ref:
        intent = "person"
    return intent, (intent, *tuple(r for r in readings if r != intent))
