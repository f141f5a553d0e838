"""The words the reader knows, compiled once: metrics, zero phrases, section headers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import knowledge
from knowledge import MetricDef


def _alternation(words: Iterable[str]) -> str:
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        body = re.escape(word).replace(r"\ ", r"\s+")
        if word[:1].isascii() and word[:1].isalnum():
            body = r"(?<![a-z])" + body
        if word[-1:].isascii() and word[-1:].isalnum():
            body = body + r"(?![a-z])"
        parts.append(body)
    return "|".join(parts) or r"(?!x)x"


@dataclass(frozen=True)
class Lexicon:
    """Compiled look-ups for one set of metrics (the canonical ones plus a team's own)."""

    metrics: Mapping[str, MetricDef]
    keyword_re: re.Pattern[str]
    keyword_metric: Mapping[str, str]
    zero_re: re.Pattern[str]
    zero_metric: Mapping[str, str]
    header_re: re.Pattern[str]
    header_kind: Mapping[str, str]
    opener_re: re.Pattern[str]
    cue_re: re.Pattern[str]

    def metric_of(self, word: str) -> str:
        """The metric a matched keyword names."""
        return self.keyword_metric[re.sub(r"\s+", " ", word)]

    @classmethod
    def build(cls, extra: Mapping[str, MetricDef] | None = None) -> Lexicon:
        """Compiles the canonical metrics plus `extra` (a team's own metrics)."""
        defs = {**knowledge.metrics(), **(extra or {})}
        words: dict[str, str] = {}
        zeros: dict[str, str] = {}
        for name, spec in defs.items():
            for word in spec.words:
                words.setdefault(word, name)
            for phrase in spec.zero_phrases:
                zeros.setdefault(phrase, name)
        sec = knowledge.sections()
        kinds: dict[str, str] = {}
        for word in sec.next_step_headers:
            kinds.setdefault(word, "next_steps")
        for word in sec.blocker_headers:
            kinds.setdefault(word, "blockers")
        alternation = _alternation(kinds)
        header = (
            r"(?:^|(?<=[\s。.!！?？;；，,、]))[ \t]*(?:[#*>•·\-]+[ \t]*)?"
            r"(?:[【\[]\s*(?P<bword>" + alternation + r")\s*[】\]][ \t]*[:：]?"
            r"|[(（<]?[ \t]*(?P<word>" + alternation + r")"
            r"[ \t]*[)）>]?[ \t]*(?:[:：]|[-—–]\s|(?=\n)|$))"
        )
        opener = (
            r"(?:^|(?<=[\n。.!！?？;；，,]))[ \t]*(?P<word>"
            + _alternation(sec.next_step_openers)
            + r")"
        )
        return cls(
            metrics=defs,
            keyword_re=re.compile(_alternation(words)),
            keyword_metric=words,
            zero_re=re.compile(_alternation(zeros)),
            zero_metric=zeros,
            header_re=re.compile(header),
            header_kind=kinds,
            opener_re=re.compile(opener),
            cue_re=re.compile(_alternation(sec.blocker_cues)),
        )


@cache
def default_lexicon() -> Lexicon:
    """The lexicon of the canonical metrics."""
    return Lexicon.build()


def team_lexicon(metrics: Mapping[str, object] | None) -> Lexicon:
    """The lexicon for a team's own metrics (its settings["metrics"]), cached by content."""
    if not metrics:
        return default_lexicon()
    return _team_lexicon(json.dumps(metrics, sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=64)
def _team_lexicon(key: str) -> Lexicon:
    raw = json.loads(key)
    return Lexicon.build({name: knowledge.parse_metric(name, spec) for name, spec in raw.items()})
