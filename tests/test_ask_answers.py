"""The answers' arithmetic and wording: ranges over several targets, two named periods
compared, people not found, singular and plural — through `ask_text`, the path of the
bot and of `execoach ask`, on the demo organisation or a small one built here."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.ask.query import Query
from bot.ask.render import amount, next_action
from bot.ask.scope import scope_of
from bot.ask.service import Answer, answer_query, ask_text
from bot.i18n import Lang
from bot.plans import PlanFigures
from bot.report_view import metric_label
from bot.scenario import load_scenario, parse_scenario
from bot.status import team_status
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository
from tests.conftest import REPO
from tests.helpers.bot import demo_repo

TODAY = dt.date(2026, 3, 18)  # a Wednesday: 13 of March's 22 working days elapsed


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    return demo_repo(tmp_path_factory.mktemp("demo") / "demo.db")


def _ask(repo: Repository, who: str, question: str) -> Any:
    person = repo.person_by_id(who)
    assert person is not None
    return ask_text(repo, person, question, TODAY)


# ---- a quarter over monthly targets ----------------------------------------------------


def _build(
    path: Path, targets: list[dict[str, Any]], reports: list[tuple[str, str, str]]
) -> Repository:
    """A team of a lead (ld) and two reps (ann, ben) with these targets and reports."""
    people = [
        {"id": "ld", "name": "Lena Park", "role": "lead", "team": "t", "lang": "en"},
        {"id": "ann", "name": "Ann Lee", "role": "rep", "team": "t", "lang": "en"},
        {"id": "ben", "name": "Ben Ho", "role": "rep", "team": "t", "lang": "en"},
    ]
    data = {
        "scenario": 1,
        "today": TODAY.isoformat(),
        "timezone": "Asia/Shanghai",
        "workdays": "mon-fri",
        "people": people,
        "teams": [{"id": "t", "name": "Team T", "lead": "ld"}],
        "targets": targets,
        "reports": [{"person": p, "date": d, "text": text} for p, d, text in reports],
    }
    repo = Repository(open_db(path))
    import_scenario(repo, parse_scenario(data, "ranges"))
    return repo


def _org(path: Path) -> Repository:
    targets = [
        {"person": "ann", "metric": "sales", "period": "2026-02", "value": 20000},
        {"person": "ann", "metric": "sales", "period": "2026-03", "value": 44000},
        {"person": "ben", "metric": "sales", "period": "2026-03", "value": 22000},
    ]
    reports = [
        ("ann", "2026-02-10", 5000),
        ("ann", "2026-03-02", 3000),
        ("ben", "2026-01-15", 7000),
        ("ben", "2026-02-12", 4000),
        ("ben", "2026-03-03", 6000),
    ]
    return _build(path, targets, [(p, d, f"sales {v}") for p, d, v in reports])


def test_a_quarter_counts_each_target_on_its_own_working_days(tmp_path: Path) -> None:
    repo = _org(tmp_path / "q.db")
    # independent arithmetic: February has 20 working days (all elapsed), March 22 (13)
    ann_target, ann_expected, ann_actual = 20000 + 44000, 20000 + 44000 * 13 / 22, 5000 + 3000
    ben_target, ben_expected, ben_actual = 22000, 22000 * 13 / 22, 6000  # January, February:
    ben_outside = 7000 + 4000  # no target then, so not in pace

    ben = _ask(repo, "ld", "ben sales q1").data["items"][0]
    sales = ben["metrics"]["sales"]
    assert (sales["target"], sales["expected"], sales["actual"]) == pytest.approx(
        (ben_target, ben_expected, ben_actual)
    )
    assert sales["pace"] == pytest.approx(ben_actual / ben_expected, abs=1e-4)
    assert (sales["elapsed"], sales["total"]) == (13, 22)
    assert ben["untargeted"] == {"sales": ben_outside}

    got = _ask(repo, "ld", "team sales q1")
    team = got.data["items"][0]["metrics"]["sales"]
    target, expected = ann_target + ben_target, ann_expected + ben_expected
    # a team's actual is everything its people did on the days its targets cover:
    # February (Ann's target) holds Ben's 4,000 too; only January is outside
    actual = ann_actual + ben_actual + 4000
    assert got.data["items"][0]["untargeted"] == {"sales": 7000}
    pace = actual / expected
    assert (team["target"], team["expected"], team["actual"]) == pytest.approx(
        (target, expected, actual)
    )
    assert team["pace"] == pytest.approx(pace, abs=1e-4)
    assert team["forecast"] == pytest.approx(actual + pace * (target - expected), rel=1e-4)
    assert (team["elapsed"], team["total"]) == (20 + 13, 20 + 22)
    assert team["needed_per_day"] == pytest.approx((target - actual) / 9, rel=1e-4)
    assert "without a target" in got.plain()

    # one target over its own month: exactly the plan arithmetic of contracts §2
    march = _ask(repo, "ld", "ben sales this month").data["items"][0]["metrics"]["sales"]
    assert march["expected"] == pytest.approx(22000 * 13 / 22)
    assert march["forecast"] == pytest.approx(6000 * 22 / 13)


# ---- comparing two named periods ------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "question", "current", "previous"),
    [
        ("li", "上周和这周比", ("2026-03-16", "2026-03-18"), ("2026-03-09", "2026-03-11")),
        ("li", "本月环比", ("2026-03-01", "2026-03-18"), ("2026-02-01", "2026-02-18")),
        ("li", "1月和2月比", ("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-28")),
        (
            "mike",
            "last month vs this month",
            ("2026-03-01", "2026-03-18"),
            ("2026-02-01", "2026-02-18"),
        ),
        (
            "mike",
            "compare this week with 2 weeks ago",
            ("2026-03-16", "2026-03-18"),
            ("2026-03-02", "2026-03-04"),
        ),
    ],
)
def test_a_comparison_sets_the_named_periods_against_each_other(
    demo: Repository, who: str, question: str, current: tuple[str, str], previous: tuple[str, str]
) -> None:
    got = _ask(demo, who, question)
    assert got.intent == "compare"
    assert (got.data["current"]["start"], got.data["current"]["end"]) == current
    assert (got.data["previous"]["start"], got.data["previous"]["end"]) == previous
    head = got.plain().splitlines()[0]
    assert head.index(current[0]) < head.index(previous[0])  # which against which


def test_the_compared_period_survives_a_button() -> None:
    q = Query("compare", dt.date(2026, 1, 1), dt.date(2026, 1, 31), "month", ("east",))
    q = q.but(against=(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    data = q.encode()
    assert len(data.encode()) <= 64 and Query.decode(data) == q
    assert Query.decode(data + "x") is None and Query.decode(data[:-3] + "a+b") is None


# ---- people: by pinyin, and names that match nobody ----------------------------------


def test_a_name_matching_nobody_is_said_and_close_people_offered(demo: Repository) -> None:
    got = _ask(demo, "li", "张薇这个月怎么样")  # 张伟 sounds the same
    assert got.intent == "unknown" and "张薇" in got.plain()
    assert "zhang" in [q.subjects[0] for _, q in got.buttons]
    assert all(q.intent == "person" for _, q in got.buttons)
    english = _ask(demo, "mike", "how is bob doing")
    assert english.intent == "unknown" and "bob" in english.plain()
    assert "south" not in english.subjects  # never silently the team
    # words that only look like a slot are not people
    for question in ("how is it going", "how's the team doing", "progess this month"):
        assert _ask(demo, "mike", question).intent != "unknown", question


def test_pinyin_that_fits_two_people_asks_which(demo: Repository) -> None:
    got = _ask(demo, "wang", "how is jing doing")
    assert sorted(q.subjects[0] for _, q in got.buttons) == ["chen", "he"]
    assert _ask(demo, "wang", "how is he doing").intent != "person"  # "he" is English


# ---- singular, plural, no report yet -------------------------------------------------


def test_counts_read_right_in_english(demo: Repository) -> None:
    today = _ask(demo, "li", "who hasnt reported today").plain()
    assert "(1 working day)" in today and "1 day missing" in today
    assert "day(s)" not in today and "never" not in today
    week = _ask(demo, "li", "who hasnt reported this week").plain()
    assert "(3 working days)" in week and "3 days missing" in week
    assert "last report 2026-03-10" in week  # the latest report, even before the week
    chinese = _ask(demo, "li", "本周谁没交日报").plain()
    assert "3 个工作日" in chinese and "缺 3 天" in chinese


# ---- one period: the same numbers as the status and the digest ---------------------

SCENARIOS = [
    "healthy.json",
    "execution.sales_ahead_of_collections.fire.json",
    "mechanism.team_mostly_behind.fire.json",
]
FIELDS = ("target", "actual", "expected", "pace", "forecast", "needed_per_day", "gap")


def _same(got: dict[str, Any], fig: PlanFigures, where: str) -> None:
    for name in FIELDS:
        want = getattr(fig, name)
        if want is None:
            assert got[name] is None, (where, name)
        else:
            assert got[name] == pytest.approx(want, rel=1e-9, abs=1e-4), (where, name)
    assert (got["elapsed"], got["total"]) == (fig.elapsed, fig.total), where


@pytest.mark.parametrize("name", ["demo", *SCENARIOS])
def test_one_period_reads_exactly_as_the_status(
    name: str, tmp_path: Path, demo: Repository
) -> None:
    """This month with month targets: contracts §2, equal to bot/status.py for every
    team, person and metric."""
    if name == "demo":
        repo, today = demo, TODAY
    else:
        scenario = load_scenario(REPO / "tests" / "scenarios" / name)
        repo, today = Repository(open_db(tmp_path / "s.db")), scenario.today
        import_scenario(repo, scenario)
    admin = replace(repo.people()[0], role="admin")
    scope = scope_of(repo, admin)
    compared = 0
    for team in repo.teams():
        status = team_status(repo, team, today)
        subjects = (team.id, *(p.person.id for p in status.people))
        q = Query("progress", status.period.start, status.period.end, "month", subjects)
        items = {i["id"]: i["metrics"] for i in answer_query(repo, scope, q, today).data["items"]}
        assert set(items[team.id]) == {m.metric for m in status.totals}, team.id
        for total in status.totals:
            _same(items[team.id][total.metric], total.figures, f"{team.id}/{total.metric}")
            compared += 1
        for person in status.people:
            mine = items[person.person.id]
            assert set(mine) == {m.metric for m in person.metrics}, person.person.id
            for m in person.metrics:
                _same(mine[m.metric], m.figures, f"{person.person.id}/{m.metric}")
                compared += 1
    assert compared > 0


def test_who_is_behind_weighs_every_targeted_metric(demo: Repository) -> None:
    got = _ask(demo, "mike", "who is behind")
    status = team_status(demo, demo.team("south") or demo.teams()[0], TODAY)
    rows = {r["id"]: r for r in got.data["behind"] + got.data["at_risk"]}
    for person in status.people:
        worst = person.worst_pace
        if worst is None or worst >= 1.0:
            assert person.person.id not in rows
            continue
        row = rows[person.person.id]
        metric = min(person.metrics, key=lambda m: m.figures.pace or 0.0).metric
        assert (row["metric"], row["pace"]) == (metric, pytest.approx(worst, abs=1e-4))
        line = next(x for x in got.plain().splitlines() if person.person.name in x)
        assert metric_label(metric, "en") in line
    assert [r["id"] for r in got.data["behind"]] == sorted(
        (r["id"] for r in got.data["behind"]), key=lambda i: rows[i]["pace"]
    )
    assert any(r["metric"] != "sales" for r in got.data["behind"])  # not sales alone
    first = got.data["behind"][0]
    assert metric_label(first["metric"], "en") in got.plain().splitlines()[-1]


# ---- the next action: which metric, whose wording, which direction ------------------


def _advice(got: Answer) -> str:
    line = got.plain().splitlines()[-1]
    assert line.startswith("👉")
    return line


def test_the_gap_advice_is_about_money_first_with_its_unit(demo: Repository) -> None:
    got = _ask(demo, "zhang", "我这个月还差多少")  # new outlets are furthest behind
    metrics = got.data["items"][0]["metrics"]
    assert metrics["new_outlets"]["pace"] < metrics["sales"]["pace"] < 1
    needed = amount(metrics["sales"]["needed_per_day"], "sales", "zh")
    assert "销售额" in needed and "元" in needed
    # a rep is told to split by customer and day, never by person
    assert _advice(got) == next_action("gap_rep", "zh", needed=needed)
    lead = _ask(demo, "mike", "how is my team doing this month")
    team = lead.data["items"][0]["metrics"]
    assert team["visits"]["pace"] > 1 > team["sales"]["pace"]
    needed = amount(team["sales"]["needed_per_day"], "sales", "en")
    assert _advice(lead) == next_action("gap", "en", needed=needed)
    assert "in sales" in needed


def test_without_money_behind_the_largest_shortfall_is_named(tmp_path: Path) -> None:
    targets = [
        {"person": "ann", "metric": m, "period": "2026-03", "value": v}
        for m, v in (("sales", 10000), ("visits", 100), ("new_outlets", 10))
    ]
    reports = [("ann", "2026-03-16", "visits 40, sales 9000, new outlets 1")]
    repo = _build(tmp_path / "a.db", targets, reports)
    got = _ask(repo, "ld", "ann how much more to hit target")
    metrics = got.data["items"][0]["metrics"]
    assert (
        metrics["sales"]["pace"] >= 1 > metrics["visits"]["pace"] > metrics["new_outlets"]["pace"]
    )
    needed = amount(metrics["new_outlets"]["needed_per_day"], "new_outlets", "en")
    assert _advice(got) == next_action("gap", "en", needed=needed)
    assert "new outlets" in needed


@pytest.mark.parametrize(
    ("now", "way"),
    [
        ("visits 5, sales 1300", "up"),
        ("visits 20, sales 1010", "flat"),
        ("visits 20, sales 700", "down"),
    ],
)
def test_the_compare_advice_follows_the_direction_of_sales(
    tmp_path: Path, now: str, way: str
) -> None:
    last_week = [("ann", f"2026-03-{d}", "visits 10, sales 1000") for d in ("09", "10", "11")]
    this_week = [("ann", f"2026-03-{d}", now) for d in ("16", "17", "18")]
    repo = _build(tmp_path / "c.db", [], last_week + this_week)
    asked: tuple[tuple[str, Lang], ...] = (("本周对比上周", "zh"), ("this week vs last week", "en"))
    for question, lang in asked:
        got = _ask(repo, "ld", question)
        assert got.intent == "compare"
        sales = got.data["metrics"]["sales"]
        assert (sales["change"] > 0, sales["change"] < 0) == (way == "up", way == "down") or (
            way == "flat" and abs(sales["change_pct"]) < 0.02
        )
        label = metric_label("sales", lang)
        assert _advice(got) == next_action(f"compare_{way}", lang, metric=label)
