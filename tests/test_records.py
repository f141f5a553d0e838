"""Reading a record command (pure): the leading date, whom it is about, who may record."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.records import command_text, leading_date, match_people, teams_for
from bot.store.rows import PersonRow, TeamRow

TODAY = dt.date(2026, 3, 18)  # a Wednesday


def _person(pid: str, name: str, role: str = "rep", team: str | None = "east") -> PersonRow:
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return PersonRow(pid, name, role, team, None, "zh", None, True, moment)  # type: ignore[arg-type]


def _team(tid: str, lead: str | None, manager: str | None) -> TeamRow:
    return TeamRow(tid, tid, lead, manager, None, None, "mon-fri", {})


PEOPLE = [
    _person("zhang", "张伟"),
    _person("chen", "陈静"),
    _person("he", "何静", team="south"),
    _person("amy", "Amy Chen", team="south"),
    _person("amyw", "Amy Wong", team="south"),
    _person("tom", "Tom Wu", team="south"),
]


@pytest.mark.parametrize(
    ("text", "day", "rest", "problem"),
    [
        ("今天 周会 决定：重点跟进华联", TODAY, "周会 决定：重点跟进华联", None),
        ("昨天周会", dt.date(2026, 3, 17), "周会", None),
        ("3月16日：KA谈判培训", dt.date(2026, 3, 16), "KA谈判培训", None),
        ("上周五 复盘", dt.date(2026, 3, 13), "复盘", None),
        ("yesterday: weekly review", dt.date(2026, 3, 17), "weekly review", None),
        ("last friday pricing training", dt.date(2026, 3, 13), "pricing training", None),
        ("KA negotiation", TODAY, "KA negotiation", None),
        ("5号店 巡店会", TODAY, "5号店 巡店会", None),  # a store number is no date
        ("", TODAY, "", None),
        ("2月30日 周会", TODAY, "周会", "no_such_date"),
        ("2026-04-01 kickoff", dt.date(2026, 4, 1), "kickoff", "future"),
        ("2024-01-05 kickoff", dt.date(2024, 1, 5), "kickoff", "too_old"),
    ],
)
def test_a_leading_date_is_read_and_the_rest_kept_as_written(
    text: str, day: dt.date, rest: str, problem: str | None
) -> None:
    dated = leading_date(command_text(f"/meeting {text}"), TODAY)
    assert (dated.date, dated.text, dated.problem) == (day, rest, problem)


def test_command_text_keeps_lines_and_drops_invisible_characters() -> None:
    assert command_text("/meeting@execoach_bot 周会\u200b\r\n决定：A") == "周会\n决定：A"
    assert command_text("/meeting") == ""


@pytest.mark.parametrize(
    ("text", "ids", "rest"),
    [
        ("张伟 多跟KA复购", ["zhang"], "多跟KA复购"),
        ("张伟多跟KA复购", ["zhang"], "多跟KA复购"),  # a full name needs no space
        ("伟 多跟KA复购", ["zhang"], "多跟KA复购"),  # the given name
        ("静 多拜访新店", ["chen", "he"], "多拜访新店"),  # ambiguous
        ("tom: call the buyer", ["tom"], "call the buyer"),
        ("Amy Chen push reorders", ["amy"], "push reorders"),
        ("amy push reorders", ["amy", "amyw"], "push reorders"),
        ("Wu, follow up", ["tom"], "follow up"),  # part of a name
        ("Nobody do it", [], "do it"),
        ("x do it", [], "x do it"),  # one latin letter is no name
    ],
)
def test_people_are_found_by_name_given_name_or_part(text: str, ids: list[str], rest: str) -> None:
    found, remainder = match_people(text, PEOPLE)
    assert sorted(p.id for p in found) == sorted(ids)
    assert remainder == rest


def test_who_records_for_which_team() -> None:
    teams = [_team("east", "li", "wang"), _team("south", "mike", "wang"), _team("west", "li", "x")]
    assert [t.id for t in teams_for(_person("li", "李娜", "lead"), teams)] == ["east", "west"]
    assert [t.id for t in teams_for(_person("wang", "王强", "manager"), teams)] == [
        "east",
        "south",
    ]
    assert len(teams_for(_person("root", "Root", "admin", None), teams)) == 3
    assert teams_for(_person("zhang", "张伟"), teams) == []
