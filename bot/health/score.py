"""Scores of a health check (pure): per core element 0–100, the change since last time,
and the weakest points."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from knowledge.health import Question, Questionnaire


@dataclass(frozen=True, slots=True)
class Weak:
    """A weak element: its score and the questions answered lowest in it."""

    element: str
    score: int
    questions: tuple[Question, ...]


def element_scores(answers: Mapping[str, int], q: Questionnaire) -> dict[str, int]:
    """Each element's score: the mean of its answers placed on 0–100 (lowest answer 0,
    highest 100), rounded half up; an element with no valid answer is left out."""
    out: dict[str, int] = {}
    span = q.high - q.low
    for element in q.elements:
        values = [
            answers[question.id]
            for question in q.of_element(element)
            if answers.get(question.id) in q.values
        ]
        if values:
            mean = sum(v - q.low for v in values) / len(values)
            out[element] = int(mean * 100 / span + 0.5)
    return out


def changes(current: Mapping[str, int], previous: Mapping[str, int] | None) -> dict[str, int]:
    """Per element, how many points the score moved since the previous check."""
    if not previous:
        return {}
    return {e: current[e] - previous[e] for e in current if e in previous}


def weakest(
    scores: Mapping[str, int],
    answers: Mapping[str, int],
    q: Questionnaire,
    *,
    count: int = 2,
    below: int = 75,
) -> list[Weak]:
    """The `count` lowest-scoring elements under `below`, each with its lowest-answered
    questions (those at the element's lowest answer, when that is under the scale's top)."""
    ranked = sorted((s, list(q.elements).index(e), e) for e, s in scores.items() if s < below)
    out: list[Weak] = []
    for score, _, element in ranked[:count]:
        answered = [x for x in q.of_element(element) if x.id in answers]
        low = min((answers[x.id] for x in answered), default=q.high)
        lowest = tuple(x for x in answered if answers[x.id] == low and low < q.high)
        out.append(Weak(element, score, lowest))
    return out
