"""The words of plain-language questions (questions.yaml), loaded and validated once.

Part of the innermost room: imports neither `bot` nor `rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import yaml

from knowledge import CANONICAL_METRICS, KnowledgeError
from knowledge.rulebase import categories, methods

INTENTS: Final[tuple[str, ...]] = (
    "progress",
    "behind",
    "not_reported",
    "blockers",
    "ranking",
    "target_gap",
    "findings",
    "compare",
    "person",
)
DIMENSIONS: Final[tuple[str, ...]] = ("region", "channel", "product")


@dataclass(frozen=True, slots=True)
class Cue:
    """A word that points at an intent, with how strongly."""

    word: str
    intent: str
    weight: int


@dataclass(frozen=True, slots=True)
class NextAction:
    """One next action for a kind of answer, in both languages."""

    draws_on: str
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class QuestionWords:
    """Everything questions.yaml holds, as tuples of lower-case words."""

    cues: tuple[Cue, ...]
    question: tuple[str, ...]
    reported: tuple[str, ...]  # words for reporting …
    reported_with: tuple[str, ...]  # … and what makes them ask who did (都, everyone)
    self_words: tuple[str, ...]
    we_words: tuple[str, ...]
    everyone: tuple[str, ...]
    categories: Mapping[str, tuple[str, ...]]
    metrics: Mapping[str, tuple[str, ...]]
    dimensions: Mapping[str, tuple[str, ...]]
    name_prefixes: tuple[str, ...]
    not_names: tuple[str, ...]
    surnames: tuple[str, ...]
    english_words: tuple[str, ...]
    best: tuple[str, ...]
    worst: tuple[str, ...]
    next_actions: Mapping[str, NextAction]


def _words(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):
        return _words(value.get("zh"), f"{where}.zh") + _words(value.get("en"), f"{where}.en")
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise KnowledgeError(f"questions.yaml {where}: expected a list of non-empty words")
    return tuple(str(w).strip().lower() for w in value)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise KnowledgeError(f"questions.yaml {where}: expected a mapping")
    return value


def _cues(raw: Mapping[str, Any]) -> tuple[Cue, ...]:
    out: list[Cue] = []
    for intent, spec in raw.items():
        if intent not in INTENTS:
            raise KnowledgeError(f"questions.yaml intents.{intent}: not an intent of contracts §3")
        spec = _mapping(spec, f"intents.{intent}")
        strong = spec.get("weight3")
        out += [Cue(w, intent, 3) for w in _words(strong, f"intents.{intent}.weight3")]
        plain = {k: v for k, v in spec.items() if k in ("zh", "en")}
        out += [Cue(w, intent, 1) for w in _words(plain, f"intents.{intent}")]
    return tuple(out)


def _next_actions(raw: Mapping[str, Any]) -> dict[str, NextAction]:
    known = methods()
    out: dict[str, NextAction] = {}
    for name, spec in raw.items():
        spec = _mapping(spec, f"next_actions.{name}")
        if spec.get("draws_on") not in known:
            raise KnowledgeError(f"questions.yaml next_actions.{name}.draws_on: not a method")
        zh, en = spec.get("zh"), spec.get("en")
        if not (isinstance(zh, str) and zh.strip() and isinstance(en, str) and en.strip()):
            raise KnowledgeError(f"questions.yaml next_actions.{name}: needs zh and en")
        out[str(name)] = NextAction(str(spec["draws_on"]), zh.strip(), en.strip())
    return out


def parse_questions(data: Any) -> QuestionWords:
    """Validates the parsed questions.yaml."""
    data = _mapping(data, "(top)")
    cats = _mapping(data.get("categories"), "categories")
    unknown = set(cats) - set(categories())
    if unknown:
        raise KnowledgeError(f"questions.yaml categories: unknown {sorted(unknown)}")
    metric_words = _mapping(data.get("metrics"), "metrics")
    missing = [m for m in CANONICAL_METRICS if m not in metric_words]
    if missing:
        raise KnowledgeError(f"questions.yaml metrics: missing {missing}")
    dims = _mapping(data.get("dimensions"), "dimensions")
    return QuestionWords(
        cues=_cues(_mapping(data.get("intents"), "intents")),
        question=_words(data.get("question"), "question"),
        reported=_words(_mapping(data.get("reported"), "reported").get("words"), "reported.words"),
        reported_with=_words(
            _mapping(data.get("reported"), "reported").get("with"), "reported.with"
        ),
        self_words=_words(data.get("self"), "self"),
        we_words=_words(data.get("we"), "we"),
        everyone=_words(data.get("everyone"), "everyone"),
        categories={c: _words(w, f"categories.{c}") for c, w in cats.items()},
        metrics={m: _words(w, f"metrics.{m}") for m, w in metric_words.items()},
        dimensions={d: _words(dims.get(d), f"dimensions.{d}") for d in DIMENSIONS},
        name_prefixes=_words(data.get("name_prefixes"), "name_prefixes"),
        not_names=_words(data.get("not_names"), "not_names"),
        surnames=_words(data.get("surnames"), "surnames"),
        english_words=_words(data.get("english_words"), "english_words"),
        best=_words(data.get("best"), "best"),
        worst=_words(data.get("worst"), "worst"),
        next_actions=_next_actions(_mapping(data.get("next_actions"), "next_actions")),
    )


@cache
def question_words() -> QuestionWords:
    """The question words of the knowledge base."""
    from importlib import resources

    text = resources.files("knowledge").joinpath("questions.yaml").read_text("utf-8")
    return parse_questions(yaml.safe_load(text))
