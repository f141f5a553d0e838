"""The article's guidance as data, and the one loader that validates it.

This package imports neither `bot` nor `rules`: it is the innermost room.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

import yaml

CANONICAL_METRICS: Final[tuple[str, ...]] = (
    "visits",
    "calls",
    "orders",
    "sales",
    "new_outlets",
    "collections",
)
MetricKind = Literal["count", "money"]


class KnowledgeError(ValueError):
    """The knowledge base (or a team's addition to it) is malformed."""


@dataclass(frozen=True, slots=True)
class MetricDef:
    """One metric: its kind, sanity bound, labels, and the words that name it."""

    name: str
    kind: MetricKind
    max: float
    label_zh: str
    label_en: str
    words: tuple[str, ...]
    zero_phrases: tuple[str, ...]

    def label(self, lang: str) -> str:
        """The metric's display name in `lang`."""
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True, slots=True)
class SectionWords:
    """Words that divide a report into results, blockers and next steps."""

    blocker_headers: tuple[str, ...]
    next_step_headers: tuple[str, ...]
    next_step_openers: tuple[str, ...]
    blocker_cues: tuple[str, ...]


def _read_yaml(name: str) -> Any:
    text = resources.files("knowledge").joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)


def _words(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, Mapping):
        out: list[str] = []
        for lang in ("zh", "en"):
            out.extend(_words(value.get(lang), f"{where}.{lang}"))
        return tuple(out)
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise KnowledgeError(f"{where}: expected a list of non-empty words")
    return tuple(w.strip().lower() for w in value)


def parse_metric(name: str, spec: Any, where: str = "metrics") -> MetricDef:
    """Validates one metric definition (from the knowledge base or a team's settings)."""
    place = f"{where}.{name}"
    if not isinstance(name, str) or not name.isidentifier():
        raise KnowledgeError(f"{place}: a metric name is a lower-case identifier")
    if not isinstance(spec, Mapping):
        raise KnowledgeError(f"{place}: expected a mapping")
    kind = spec.get("kind", "count")
    if kind not in ("count", "money"):
        raise KnowledgeError(f"{place}.kind: must be 'count' or 'money'")
    bound = spec.get("max", 1_000_000 if kind == "count" else 100_000_000)
    if isinstance(bound, bool) or not isinstance(bound, int | float) or bound <= 0:
        raise KnowledgeError(f"{place}.max: must be a positive number")
    label = spec.get("label") or {}
    if not isinstance(label, Mapping):
        raise KnowledgeError(f"{place}.label: expected {{zh: …, en: …}}")
    words = _words(spec.get("words"), f"{place}.words")
    if not words:
        raise KnowledgeError(f"{place}.words: a metric needs at least one word")
    return MetricDef(
        name=name,
        kind=kind,
        max=float(bound),
        label_zh=str(label.get("zh") or name),
        label_en=str(label.get("en") or name.replace("_", " ")),
        words=words,
        zero_phrases=_words(spec.get("zero"), f"{place}.zero"),
    )


@cache
def metrics() -> Mapping[str, MetricDef]:
    """The canonical metrics, in contract order."""
    data = _read_yaml("metrics.yaml")
    raw = data.get("metrics") if isinstance(data, Mapping) else None
    if not isinstance(raw, Mapping):
        raise KnowledgeError("metrics.yaml: expected a 'metrics' mapping")
    defs = {name: parse_metric(name, spec) for name, spec in raw.items()}
    missing = [m for m in CANONICAL_METRICS if m not in defs]
    if missing:
        raise KnowledgeError(f"metrics.yaml: missing canonical metrics {missing}")
    return defs


@cache
def sections() -> SectionWords:
    """The words that divide a report into sections."""
    data = _read_yaml("sections.yaml")
    if not isinstance(data, Mapping) or not isinstance(data.get("headers"), Mapping):
        raise KnowledgeError("sections.yaml: expected a 'headers' mapping")
    headers = data["headers"]
    out = SectionWords(
        blocker_headers=_words(headers.get("blockers"), "headers.blockers"),
        next_step_headers=_words(headers.get("next_steps"), "headers.next_steps"),
        next_step_openers=_words(data.get("next_step_openers"), "next_step_openers"),
        blocker_cues=_words(data.get("blocker_cues"), "blocker_cues"),
    )
    if not out.blocker_headers or not out.next_step_headers:
        raise KnowledgeError("sections.yaml: blocker and next-step headers are required")
    return out
