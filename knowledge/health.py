"""The strategy health check as data: the answer scale, the five core elements' labels
and guidance, and the questions, each tied to its element and its source passage.

`parse_health()` validates a parsed `health.yaml` (a plain dict, so tests can break
it); `questionnaire()` reads the file once. The elements are those of
categories.yaml's `core_elements`, in the same order. Imports neither `bot` nor `rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

import yaml

from knowledge import KnowledgeError
from knowledge.rulebase import LANGS, Category, _bilingual, _fail, _mapping, _text, core_elements

FILE: Final = "health.yaml"
MIN_QUESTIONS_PER_ELEMENT: Final = 2


@dataclass(frozen=True, slots=True)
class HealthElement:
    """One core element as the health check shows it."""

    id: str
    label: Mapping[str, str]
    guidance: Mapping[str, str]
    name: Mapping[str, str]  # the article's name (categories.yaml)
    source: str  # the article's section (categories.yaml)


@dataclass(frozen=True, slots=True)
class Question:
    """One statement the manager rates on the scale."""

    id: str
    element: str
    text: Mapping[str, str]
    source: str


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """The whole health check."""

    low: int
    high: int
    labels: Mapping[str, tuple[str, ...]]
    elements: Mapping[str, HealthElement]
    questions: tuple[Question, ...]

    @property
    def values(self) -> range:
        """Every valid answer, lowest first."""
        return range(self.low, self.high + 1)

    def of_element(self, element: str) -> tuple[Question, ...]:
        """The questions of one element, in order."""
        return tuple(q for q in self.questions if q.element == element)

    def index(self, question_id: str) -> int:
        """The position of a question (ValueError when unknown)."""
        for i, q in enumerate(self.questions):
            if q.id == question_id:
                return i
        raise ValueError(question_id)


def _scale(value: Any) -> tuple[int, int, Mapping[str, tuple[str, ...]]]:
    raw = _mapping(value, FILE, "scale")
    low, high = raw.get("min"), raw.get("max")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
        raise _fail(FILE, "scale", "min and max are whole numbers")
    assert isinstance(low, int) and isinstance(high, int)
    if not 0 <= low < high <= 10:
        raise _fail(FILE, "scale", "expected 0 <= min < max <= 10")
    labels_raw = _mapping(raw.get("labels"), FILE, "scale.labels")
    labels: dict[str, tuple[str, ...]] = {}
    for lang in LANGS:
        items = labels_raw.get(lang)
        if not isinstance(items, list) or len(items) != high - low + 1:
            raise _fail(FILE, f"scale.labels.{lang}", f"expected {high - low + 1} labels")
        labels[lang] = tuple(_text(v, FILE, f"scale.labels.{lang}") for v in items)
    return low, high, MappingProxyType(labels)


def _source(value: Any, place: str) -> str:
    source = _text(value, FILE, place)
    parts = [p.strip() for p in source.split("·")]
    if len(parts) != 2 or not all(parts):
        raise _fail(FILE, place, "expected '<article section> · <passage>'")
    return source


def _elements(value: Any, known: Mapping[str, Category]) -> Mapping[str, HealthElement]:
    raw = _mapping(value, FILE, "elements")
    if list(raw) != list(known):
        raise _fail(FILE, "elements", f"expected exactly {list(known)} in this order")
    out: dict[str, HealthElement] = {}
    for key, spec in raw.items():
        where = f"elements.{key}"
        entry = _mapping(spec, FILE, where)
        out[key] = HealthElement(
            id=key,
            label=_bilingual(entry.get("label"), FILE, f"{where}.label"),
            guidance=_bilingual(entry.get("guidance"), FILE, f"{where}.guidance"),
            name=known[key].name,
            source=known[key].source,
        )
    return MappingProxyType(out)


def _questions(value: Any, elements: Mapping[str, HealthElement]) -> tuple[Question, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(FILE, "questions", "expected a list of questions")
    out: list[Question] = []
    for i, spec in enumerate(value):
        where = f"questions[{i}]"
        entry = _mapping(spec, FILE, where)
        qid = entry.get("id")
        if not isinstance(qid, str) or not qid.isidentifier() or len(qid) > 30:
            raise _fail(FILE, f"{where}.id", "expected an identifier of at most 30 characters")
        if any(q.id == qid for q in out):
            raise _fail(FILE, f"{where}.id", f"duplicate id {qid!r}")
        element = entry.get("element")
        if element not in elements:
            raise _fail(FILE, f"{where}.element", f"unknown element {element!r}")
        out.append(
            Question(
                id=qid,
                element=str(element),
                text=_bilingual(entry.get("text"), FILE, f"{where}.text"),
                source=_source(entry.get("source"), f"{where}.source"),
            )
        )
    for element in elements:
        if sum(1 for q in out if q.element == element) < MIN_QUESTIONS_PER_ELEMENT:
            raise _fail(
                FILE, "questions", f"element {element} needs {MIN_QUESTIONS_PER_ELEMENT} questions"
            )
    return tuple(out)


def parse_health(doc: Any, known: Mapping[str, Category] | None = None) -> Questionnaire:
    """Validates a parsed health.yaml against the core elements; raises KnowledgeError."""
    raw = _mapping(doc, FILE, "(document)")
    low, high, labels = _scale(raw.get("scale"))
    elements = _elements(raw.get("elements"), core_elements() if known is None else known)
    return Questionnaire(low, high, labels, elements, _questions(raw.get("questions"), elements))


def read_health() -> Any:
    """health.yaml parsed from YAML, not yet validated."""
    try:
        return yaml.safe_load(resources.files("knowledge").joinpath(FILE).read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{FILE}: cannot be read: {exc}") from exc


@cache
def questionnaire() -> Questionnaire:
    """The validated health check, read once per process."""
    return parse_health(read_health())
