"""The strategy health check without Telegram: the questionnaire as data, the scores,
the weakest points, the change since last time, the stored checks and the chart."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import pytest

from bot.charts import cjk_family
from bot.health.chart import radar_png
from bot.health.evidence import gather
from bot.health.score import changes, element_scores, weakest
from bot.health.view import render_result
from bot.store.repository import Repository
from knowledge import KnowledgeError
from knowledge.health import parse_health, questionnaire, read_health
from knowledge.rulebase import core_elements
from tests.helpers.bot import demo_repo

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "mission" / "article-zh.md"
Q = questionnaire()
# a known answer set: A1 all 5, A2 all 1, A3 3/3/4, A4 2/3/4, A5 5/4/4
KNOWN = {"A1": [5, 5, 5], "A2": [1, 1, 1], "A3": [3, 3, 4], "A4": [2, 3, 4], "A5": [5, 4, 4]}


def _answers(per_element: dict[str, list[int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for element, values in per_element.items():
        for question, value in zip(Q.of_element(element), values, strict=True):
            out[question.id] = value
    return out


def _nfkc(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# --- the questionnaire as data ------------------------------------------------------------


def test_the_questionnaire_covers_the_five_core_elements_in_both_languages() -> None:
    assert list(Q.elements) == list(core_elements()) == ["A1", "A2", "A3", "A4", "A5"]
    assert 12 <= len(Q.questions) <= 18
    assert all(len(Q.of_element(e)) >= 2 for e in Q.elements)
    assert (Q.low, Q.high) == (1, 5)
    for lang in ("zh", "en"):
        assert len(Q.labels[lang]) == 5
        for question in Q.questions:
            assert question.text[lang].strip()
        for element in Q.elements.values():
            assert element.label[lang] and element.guidance[lang]


@pytest.mark.parametrize("question", Q.questions, ids=lambda q: q.id)
def test_every_question_cites_its_element_and_a_passage_of_the_article(question: Any) -> None:
    article = _nfkc(ARTICLE.read_text("utf-8"))
    heading, passage = (part.strip() for part in question.source.split("·"))
    assert _nfkc(passage) in article, question.source
    assert _nfkc(heading) in article, question.source
    # the heading is the element's own section of the article
    element_source = Q.elements[question.element].source
    assert _nfkc(heading) in _nfkc(element_source), (question.id, element_source)


@pytest.mark.parametrize(
    ("break_it", "place"),
    [
        (lambda d: d["scale"].update(max=9), r"scale\.labels"),
        (lambda d: d["scale"].update(min="1"), r"scale"),
        (lambda d: d["elements"].pop("A3"), r"elements"),
        (lambda d: d["elements"]["A1"]["guidance"].pop("en"), r"elements\.A1\.guidance\.en"),
        (lambda d: d["questions"][0].update(element="A9"), r"questions\[0\]\.element"),
        (lambda d: d["questions"][1].update(id=d["questions"][0]["id"]), r"duplicate"),
        (lambda d: d["questions"][0]["text"].update(zh="no chinese"), r"questions\[0\]\.text"),
        (lambda d: d["questions"][0].update(source="核心要素一"), r"questions\[0\]\.source"),
        (lambda d: d.update(questions=d["questions"][:4]), r"needs 2 questions"),
    ],
)
def test_a_broken_questionnaire_is_refused_with_its_place(break_it: Any, place: str) -> None:
    doc = copy.deepcopy(read_health())
    break_it(doc)
    with pytest.raises(KnowledgeError, match=place):
        parse_health(doc)


# --- scores -------------------------------------------------------------------------------


def test_scores_for_a_known_answer_set() -> None:
    scores = element_scores(_answers(KNOWN), Q)
    # (mean answer − 1) / 4 × 100, rounded half up
    assert scores == {"A1": 100, "A2": 0, "A3": 58, "A4": 50, "A5": 83}


def test_invalid_or_missing_answers_do_not_count() -> None:
    answers = _answers(KNOWN)
    a4 = [q.id for q in Q.of_element("A4")]
    answers[a4[0]] = 9  # out of the scale
    del answers[a4[1]]
    for q in Q.of_element("A2"):
        del answers[q.id]
    scores = element_scores(answers, Q)
    assert scores["A4"] == 75  # only the answer 4 counts
    assert "A2" not in scores


def test_the_weakest_elements_come_with_their_lowest_questions() -> None:
    answers = _answers(KNOWN)
    weak = weakest(element_scores(answers, Q), answers, Q)
    assert [(w.element, w.score) for w in weak] == [("A2", 0), ("A4", 50)]
    assert [q.id for q in weak[0].questions] == [q.id for q in Q.of_element("A2")]
    assert [q.id for q in weak[1].questions] == [Q.of_element("A4")[0].id]
    assert weakest({"A1": 80, "A2": 90}, answers, Q) == []


def test_the_change_since_the_previous_check() -> None:
    assert changes({"A1": 60, "A2": 40}, {"A1": 50, "A2": 55}) == {"A1": 10, "A2": -15}
    assert changes({"A1": 60}, None) == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_result_shows_scores_changes_and_guidance(lang: Any) -> None:
    answers = _answers(KNOWN)
    scores = element_scores(answers, Q)
    deltas = changes(scores, {"A1": 75, "A2": 0, "A3": 58, "A4": 60, "A5": 83})
    text = render_result(
        Q, scores, deltas, weakest(scores, answers, Q), None, dt.date(2026, 3, 1), lang
    )
    assert "↑25" in text and "↓10" in text and "2026-03-01" in text
    assert Q.elements["A2"].guidance[lang] in text
    for element in Q.elements.values():
        assert element.label[lang] in text


# --- stored checks and the data beside them -----------------------------------------------


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    return demo_repo(tmp_path_factory.mktemp("health") / "health.db")


def test_a_check_is_stored_answer_by_answer_then_scored(repo: Repository) -> None:
    first = repo.start_health_check("wang")
    repo.answer_health_check(first, Q.questions[0].id, 4)
    assert repo.open_health_check("wang").answers == {Q.questions[0].id: 4}  # type: ignore[union-attr]
    second = repo.start_health_check("wang")  # a new start drops the unfinished one
    assert repo.health_check(first) is None
    repo.answer_health_check(second, Q.questions[0].id, 2)
    repo.finish_health_check(second, {"A1": 25}, {"teams": 2})
    repo.answer_health_check(second, Q.questions[1].id, 5)  # a finished check is closed
    done = repo.finished_health_checks("wang")
    assert [(c.id, dict(c.answers), dict(c.scores)) for c in done] == [
        (second, {Q.questions[0].id: 2}, {"A1": 25})
    ]
    assert repo.open_health_check("wang") is None
    assert not repo.cancel_health_check(second)


def test_the_daily_data_beside_the_elements(repo: Repository) -> None:
    teams = [t for t in repo.teams() if t.manager_id == "wang"]
    evidence = gather(repo, teams, dt.date(2026, 3, 18))
    blockers = [b for t in teams for b in repo.open_blockers(team_id=t.id)]
    assert evidence.teams == 2
    assert evidence.blockers_open == len(blockers) > 0
    assert 0 < evidence.blockers_cross <= evidence.blockers_open  # e.g. the warehouse
    assert evidence.sales_pace is not None and 0 < evidence.sales_pace < 2
    assert evidence.report_rate is not None and 0 < evidence.report_rate <= 1
    assert evidence.incentive_teams == 1  # east has one on record, south none
    assert evidence.plan_total == 20


# --- the chart ----------------------------------------------------------------------------


def _render(lang: str, family: str | None) -> tuple[bytes, list[str]]:
    labels = [e.label[lang] for e in Q.elements.values()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = radar_png(
            labels,
            [100, 0, 58, 50, 83],
            [80, 20, 58, 60, 70],
            ("本次", "上次"),
            "策略健康检查",
            family=family,
        )
    return png, [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_the_chart_is_a_png_with_the_chinese_labels_really_drawn() -> None:
    from PIL import Image

    assert cjk_family() == "WenQuanYi Micro Hei"
    png, missing = _render("zh", None)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size[0] > 300 and image.size[1] > 300
    assert missing == []  # every Chinese glyph found in the CJK font
    # the same chart with a font that has no Chinese: glyphs missing, and it looks different
    fallback, missing_dejavu = _render("zh", "DejaVu Sans")
    assert missing_dejavu and any("DejaVu Sans" in m for m in missing_dejavu)
    assert fallback != png


def test_the_chart_refuses_too_few_axes() -> None:
    with pytest.raises(ValueError, match="three axes"):
        radar_png(["a", "b"], [1, 2], None, ("x", "y"), "t")
