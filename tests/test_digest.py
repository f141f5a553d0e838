"""The weekly digest without Telegram: its figures, both languages, splitting, the chart,
the schedule and the record of what was sent."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import warnings
from pathlib import Path

import pytest

from bot.demo import bundled_scenario
from bot.digest.build import DigestError, build_digest, build_digest_async, last_complete_week
from bot.digest.chart import render_chart
from bot.digest.model import Digest, digest_to_json
from bot.digest.render import LIMIT, render_digest, split_blocks
from bot.i18n import Lang
from bot.organisation import Organisation, open_organisation
from bot.plans import Period
from bot.scheduler import digest_due, reminders_due, setting_errors
from bot.store.repository import Repository
from bot.store.rows import TeamRow
from tests.conftest import REPO

SCENARIOS = REPO / "tests" / "scenarios"


@pytest.fixture(scope="module")
def demo() -> Organisation:
    return open_organisation(str(bundled_scenario()), None, None, "en")


@pytest.fixture(scope="module")
def healthy() -> Organisation:
    return open_organisation(str(SCENARIOS / "healthy.json"), None, None, "en")


def _workdays(start: dt.date, end: dt.date) -> int:
    """Monday–Friday days from start to end inclusive, counted the slow way."""
    return sum(
        1 for n in range((end - start).days + 1) if (start + dt.timedelta(days=n)).weekday() < 5
    )


def _actual(
    repo: Repository, people: list[str], metric: str, start: dt.date, end: dt.date
) -> float:
    return float(
        sum(
            r.metrics.get(metric, 0)
            for r in repo.reports_between(people, start, end)
            if not r.withdrawn
        )
    )


@pytest.mark.parametrize("week", ["2026-W11", "2026-W12"])
def test_figures_equal_the_plan_arithmetic(demo: Organisation, week: str) -> None:
    period = Period.parse(week)
    data = digest_to_json(build_digest(demo.repo, "li", period, demo.today))
    as_of = min(period.end, demo.today)
    month_start, month_end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    elapsed, total = _workdays(month_start, as_of), _workdays(month_start, month_end)
    (team,) = data["teams"]
    assert (team["elapsed"], team["total"]) == (elapsed, total)
    targets = [t for t in demo.repo.targets() if t.period == "2026-03" and t.person_id]
    checked = 0
    for person in team["people"]:
        for metric, fig in person["metrics"].items():
            target = sum(
                float(t.value)
                for t in targets
                if t.person_id == person["id"] and t.metric == metric
            )
            actual = _actual(demo.repo, [person["id"]], metric, month_start, as_of)
            expected = target * elapsed / total
            assert fig["target"] == pytest.approx(target)
            assert fig["actual"] == pytest.approx(actual)
            assert fig["pace"] == pytest.approx(actual / expected)
            assert fig["forecast"] == pytest.approx(actual * total / elapsed)
            needed = 0.0 if actual >= target else (target - actual) / (total - elapsed)
            assert fig["needed_per_day"] == pytest.approx(needed)
            checked += 1
        week_sales = _actual(demo.repo, [person["id"]], "sales", period.start, as_of)
        assert person["week"].get("sales", 0.0) == pytest.approx(week_sales)
    assert checked >= 8
    # people sorted by pace, slowest first; the team's figures are its people's sums
    paces = [p["pace"] for p in team["people"] if p["pace"] is not None]
    assert paces == sorted(paces)
    ids = [p["id"] for p in team["people"]]
    sales = team["metrics"]["sales"]
    assert sales["actual"] == pytest.approx(_actual(demo.repo, ids, "sales", month_start, as_of))
    before = _actual(
        demo.repo, ids, "orders", period.start - dt.timedelta(7), as_of - dt.timedelta(7)
    )
    assert team["week_before"]["orders"] == pytest.approx(before)


def test_a_manager_gets_each_team_then_the_total(demo: Organisation) -> None:
    data = digest_to_json(build_digest(demo.repo, "wang", Period.parse("2026-W11"), demo.today))
    assert [t["id"] for t in data["teams"]] == ["east", "south"]
    total = data["total"]
    for metric in ("sales", "visits"):
        parts = [t["metrics"][metric] for t in data["teams"] if metric in t["metrics"]]
        assert total["metrics"][metric]["target"] == pytest.approx(sum(p["target"] for p in parts))
        assert total["metrics"][metric]["actual"] == pytest.approx(sum(p["actual"] for p in parts))
    assert total["week"]["sales"] == pytest.approx(sum(t["week"]["sales"] for t in data["teams"]))
    counts = {c: g["count"] for c, g in total["findings"].items()}
    for category, count in counts.items():
        assert count == sum(t["findings"].get(category, {}).get("count", 0) for t in data["teams"])


def test_built_on_the_event_loop_it_lets_other_work_run_between_teams(
    demo: Organisation,
) -> None:
    week = Period.parse("2026-W11")
    woke: list[int] = []

    async def main() -> Digest:
        built: list[Digest] = []

        async def build() -> None:
            built.append(await build_digest_async(demo.repo, "wang", week, demo.today))

        async def other() -> None:  # what a rep's report would be: it never waits for all
            while not built:
                woke.append(len(built))
                await asyncio.sleep(0)

        await asyncio.gather(build(), other())
        return built[0]

    digest = asyncio.run(main())
    assert digest_to_json(digest) == digest_to_json(
        build_digest(demo.repo, "wang", week, demo.today)
    )
    assert len(woke) >= len(digest.teams)  # once before each team at least


def test_the_process_blockers_missed_reports_and_focus(demo: Organisation) -> None:
    digest = build_digest(demo.repo, "li", Period.parse("2026-W12"), demo.today)
    (east,) = digest.scopes
    missed = {m.person_id: m.days for m in east.missing}
    assert missed == {"liu": 3}  # 刘洋 stopped reporting on 10 March: Mon–Wed of W12
    liu = next(r for r in east.rows if r.id == "liu")
    assert (liu.reported_days, liu.due_days) == (0, 3)
    ages = [b.days_open for b in east.blockers]
    assert ages == sorted(ages, reverse=True) and ages  # oldest first
    assert 2 <= len(east.focus) <= 3
    assert len({i.finding.rule for i in east.focus}) == len(east.focus)
    assert {g.category for g in east.findings} <= {
        "goal",
        "execution",
        "process",
        "mechanism",
        "management",
    }


def test_an_acknowledged_finding_shows_as_acknowledged(tmp_path: Path) -> None:
    org = open_organisation(str(bundled_scenario()), None, None, "en")
    week = Period.parse("2026-W12")
    before = build_digest(org.repo, "li", week, org.today)
    item = before.scopes[0].findings[0].top[0]
    assert not item.acknowledged
    f = item.finding
    person = f.subject if f.subject_kind == "person" else None
    org.repo.add_event(
        "acknowledgement",
        dt.date(2026, 3, 17),
        person_id=person,
        team_id=None if person else f.subject,
        by_id="li",
        text=f.rule,
    )
    after = build_digest(org.repo, "li", week, org.today)
    same = [i for g in after.scopes[0].findings for i in g.top if i.finding.key == f.key]
    assert same and same[0].acknowledged


def test_a_healthy_team_is_not_alarmed(healthy: Organisation) -> None:
    digest = build_digest(healthy.repo, "li", last_complete_week(healthy.today), healthy.today)
    (team,) = digest.scopes
    assert team.findings == () and team.focus == () and team.missing == ()
    calm_words: tuple[tuple[Lang, str], ...] = (
        ("en", "No problems found"),
        ("zh", "本周没有发现问题"),
    )
    for lang, calm in calm_words:
        text = "\n".join(render_digest(digest, lang))
        assert calm in text
        assert "🔴" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_languages_render_and_escape(demo: Organisation, lang: str) -> None:
    org = open_organisation(str(bundled_scenario()), None, None, "en")
    org.repo.upsert_person("zhang", "张<b>伟</b> & co", "rep", team_id="east")
    digest = build_digest(org.repo, "wang", Period.parse("2026-W11"), org.today)
    messages = render_digest(digest, lang)  # type: ignore[arg-type]
    text = "\n".join(messages)
    assert "张&lt;b&gt;伟&lt;/b&gt; &amp; co" in text and "<b>伟</b>" not in text
    assert all(len(m) <= LIMIT for m in messages)
    heading = "本周对比上周" if lang == "zh" else "This week vs the week before"
    assert heading in text and "2026-W11" in text
    mine, theirs = ("节奏", "pace") if lang == "zh" else ("pace", "节奏")
    assert mine in text and theirs not in text
    # each scope shows the five parts the issue asks for
    assert text.count("2026-03") == 3  # two teams and the total


def test_splitting_keeps_blocks_whole_and_fits_the_limit(demo: Organisation) -> None:
    digest = build_digest(demo.repo, "wang", Period.parse("2026-W11"), demo.today)
    whole = render_digest(digest, "zh", limit=10**9)
    assert len(whole) == 1
    small = render_digest(digest, "zh", limit=900)
    assert len(small) > 2 and all(len(m) <= 900 for m in small)
    # nothing lost, nothing cut: every line of the whole is a line of some message
    lines = {line for m in small for line in m.split("\n")}
    assert set(whole[0].split("\n")) - {""} <= lines
    # a block is never split when it fits a message: each message starts a block
    blocks = [["<b>title</b>", *[f"row {i} " + "x" * 50 for i in range(30)]], ["end"]]
    parts = split_blocks(blocks, limit=700, lang="en")
    assert all(len(p) <= 700 for p in parts)
    assert parts[1].startswith("<b>title</b> (cont.)")
    assert sum(p.count("row ") for p in parts) == 30
    assert parts[-1].endswith("end")


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _pixels(png: bytes) -> bytes:
    from matplotlib import image

    return bytes(image.imread(io.BytesIO(png)).tobytes())


def test_the_chart_is_a_phone_sized_png(demo: Organisation) -> None:
    for who in ("li", "wang"):
        digest = build_digest(demo.repo, who, Period.parse("2026-W11"), demo.today)
        png = render_chart(digest, "zh")
        assert png is not None
        width, height = _png_size(png)
        assert 600 <= width <= 1400 and 500 <= height <= 2400
        assert 10_000 < len(png) < 1_000_000


def _renamed(digest: Digest, names: dict[str, str]) -> Digest:
    from dataclasses import replace

    scopes = tuple(
        replace(s, rows=tuple(replace(r, name=names.get(r.id, r.name)) for r in s.rows))
        for s in digest.scopes
    )
    return replace(digest, scopes=scopes)


def test_chinese_names_are_drawn_not_boxes(demo: Organisation) -> None:
    """Two charts that differ only in one Chinese name: with real glyphs their pixels
    differ; with a font that lacks Chinese both names are the same boxes."""
    from matplotlib import rc_context

    from bot.charts import cjk_family

    assert cjk_family() is not None
    digest = build_digest(demo.repo, "li", Period.parse("2026-W11"), demo.today)
    one = _renamed(digest, {"zhang": "张伟"})
    other = _renamed(digest, {"zhang": "李娜"})
    assert _pixels(render_chart(one, "en") or b"") != _pixels(render_chart(other, "en") or b"")
    with (
        rc_context({"font.sans-serif": ["DejaVu Sans"], "font.family": "sans-serif"}),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # "Glyph … missing from font(s) DejaVu Sans"
        boxed_one = render_chart(one, "en") or b""
        boxed_other = render_chart(other, "en") or b""
    assert _pixels(boxed_one) == _pixels(boxed_other)  # the control: boxes look alike


# ---- the schedule -----------------------------------------------------------------------


def _team(**settings: object) -> TeamRow:
    return TeamRow("east", "East", "li", "wang", None, "Asia/Shanghai", "cn", settings)


def _at(day: str, time: str) -> dt.datetime:
    local = dt.datetime.fromisoformat(f"{day}T{time}").replace(
        tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    return local.astimezone(dt.UTC)


def test_the_digest_is_due_monday_nine_on_the_teams_calendar() -> None:
    team = _team()
    assert digest_due(team, _at("2026-03-16", "08:59")) is None
    assert digest_due(team, _at("2026-03-16", "09:00")) == Period.parse("2026-W11")
    assert digest_due(team, _at("2026-03-20", "23:00")) == Period.parse("2026-W11")  # that week
    assert digest_due(team, _at("2026-03-23", "08:00")) is None  # next week, before its time
    # 6 April 2026 is Qingming (a holiday in the cn calendar): Tuesday instead
    assert digest_due(team, _at("2026-04-06", "10:00")) is None
    assert digest_due(team, _at("2026-04-07", "09:30")) == Period.parse("2026-W14")
    tuned = _team(digest_day="fri", digest_time="17:30")
    assert digest_due(tuned, _at("2026-03-20", "17:00")) is None
    assert digest_due(tuned, _at("2026-03-20", "17:30")) == Period.parse("2026-W11")


def test_reminders_are_due_until_the_evening_ends() -> None:
    team = _team()
    assert reminders_due(team, _at("2026-03-18", "17:59")) == []
    assert reminders_due(team, _at("2026-03-18", "18:00")) == ["first"]
    assert reminders_due(team, _at("2026-03-18", "20:30")) == ["nudge"]
    assert reminders_due(team, _at("2026-03-18", "23:10")) == []


def test_schedule_settings_are_checked() -> None:
    assert setting_errors({"digest_day": "mon", "digest_time": "09:00"}) == []
    bad = setting_errors({"digest_day": "someday", "digest_time": "25:00", "nudge_time": 5})
    assert [name for name, _, _ in bad] == ["digest_day", "digest_time", "nudge_time"]


def test_a_scenario_with_a_bad_digest_time_is_refused(tmp_path: Path) -> None:
    import json

    from bot.scenario import ScenarioError, load_scenario

    data = json.loads(bundled_scenario().read_text("utf-8"))
    data["teams"][0]["settings"] = {"digest_time": "9 o'clock"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert "teams[0].settings.digest_time" in caught.value.message("en")


def test_digest_refuses_reps_and_strangers(demo: Organisation) -> None:
    week = Period.parse("2026-W11")
    for who, key in (("zhang", "digest.error.not_lead"), ("ghost", "digest.error.unknown_person")):
        with pytest.raises(DigestError) as caught:
            build_digest(demo.repo, who, week, demo.today)
        assert caught.value.key == key


# ---- the record of what was sent --------------------------------------------------------


def test_a_digest_is_claimed_once_retried_once_and_never_resent(tmp_path: Path) -> None:
    from bot.scenario import load_scenario
    from bot.store.db import open_db
    from bot.store.importer import import_scenario

    repo = Repository(open_db(tmp_path / "d.db"))
    import_scenario(repo, load_scenario(bundled_scenario()))
    t0 = dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC)
    minute = dt.timedelta(minutes=1)
    waits = {"retry_after": minute, "stale_after": 15 * minute}
    first = repo.claim_digest("li", "2026-W11", t0, **waits)
    assert first is not None and first.attempts == 1
    assert repo.claim_digest("li", "2026-W11", t0, **waits) is None  # being sent
    repo.digest_progress("li", "2026-W11", 1)
    repo.mark_digest_failed("li", "2026-W11", "BadRequest: boom")
    assert repo.claim_digest("li", "2026-W11", t0 + minute / 2, **waits) is None  # too soon
    again = repo.claim_digest("li", "2026-W11", t0 + 2 * minute, **waits)
    assert again is not None and again.attempts == 2 and again.parts_sent == 1
    repo.mark_digest_failed("li", "2026-W11", "BadRequest: boom")
    assert repo.claim_digest("li", "2026-W11", t0 + 60 * minute, **waits) is None  # given up
    other = repo.claim_digest("mike", "2026-W11", t0, **waits)
    assert other is not None
    repo.mark_digest_sent("mike", "2026-W11", t0)
    assert repo.claim_digest("mike", "2026-W11", t0 + 60 * minute, **waits) is None
    row = repo.digest("mike", "2026-W11")
    assert row is not None and row.status == "sent" and row.sent_at == t0
    # a crash mid-send: the claim goes stale and counts as the one retry
    repo.claim_digest("wang", "2026-W11", t0, **waits)
    assert repo.claim_digest("wang", "2026-W11", t0 + 5 * minute, **waits) is None
    assert repo.claim_digest("wang", "2026-W11", t0 + 16 * minute, **waits) is not None
