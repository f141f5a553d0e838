"""Scenario files: the shared example loads; every broken file is refused precisely."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import bot.scenario
from bot.i18n import LANGS, catalogue
from bot.scenario import ScenarioError, load_scenario, parse_scenario
from tests.conftest import REPO


def base() -> dict[str, Any]:
    """A small valid scenario, mutated by the cases below."""
    return {
        "scenario": 1,
        "today": "2026-03-18",
        "timezone": "Asia/Shanghai",
        "workdays": "cn",
        "people": [
            {"id": "wang", "name": "王强", "role": "manager", "telegram_id": 1001},
            {"id": "li", "name": "李娜", "role": "lead", "team": "east", "telegram_id": 1002},
            {"id": "zhang", "name": "张伟", "role": "rep", "team": "east", "telegram_id": 1003},
            {"id": "amy", "name": "Amy Chen", "role": "rep", "team": "east", "lang": "en"},
        ],
        "teams": [
            {"id": "east", "name": "华东一组", "lead": "li", "manager": "wang", "settings": {}}
        ],
        "targets": [
            {"person": "zhang", "metric": "sales", "period": "2026-03", "value": 300000},
            {"team": "east", "metric": "visits", "period": "2026-Q1", "value": 2000},
        ],
        "reports": [
            {"person": "zhang", "date": "2026-03-02", "text": "拜访8家，成交3单，销售额2.5万"},
            {
                "person": "amy",
                "date": "2026-03-02",
                "metrics": {"visits": 6, "sales": 18000},
                "blockers": ["warehouse late"],
                "next_steps": ["call the buyer"],
            },
        ],
        "events": [
            {"kind": "meeting", "team": "east", "date": "2026-03-09"},
            {"kind": "coaching", "by": "li", "person": "zhang", "date": "2026-03-10"},
            {"kind": "plan_revised", "by": "li", "team": "east", "date": "2026-03-12"},
        ],
        "plan_documents": [
            {"team": "east", "period": "2026-03", "sections": {"strategy": "KA first"}}
        ],
    }


def write(tmp_path: Path, data: Any, name: str = "scen.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def refused(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value


def test_the_shared_example_loads(shared_dir: Path) -> None:
    scenario = load_scenario(shared_dir / "examples" / "scenario-small.json")
    assert str(scenario.today) == "2026-03-18"
    assert [p.id for p in scenario.people] == ["chen", "liu", "he", "tom"]
    assert scenario.team("south") is not None
    assert len(scenario.reports) == 25 and len(scenario.targets) == 4
    assert scenario.plan_documents[0].sections["sales_area"] == "广州、佛山"


def test_a_valid_scenario_reads_into_frozen_records(tmp_path: Path) -> None:
    data = base()
    data["targets"][1]["period"] = "2026-q1"
    data["_comment"] = "keys starting with _ are notes"
    scenario = load_scenario(write(tmp_path, data))
    assert scenario.workdays == "cn" and scenario.timezone == "Asia/Shanghai"
    assert [t.period for t in scenario.targets] == ["2026-03", "2026-Q1"]
    person = scenario.person("amy")
    assert person is not None and person.lang == "en" and person.telegram_id is None
    wang = scenario.person("wang")
    assert wang is not None and wang.lang == "zh"  # guessed from the name
    report = scenario.reports[1]
    assert report.metrics == {"visits": 6, "sales": 18000} and report.text is None
    assert report.blockers == ("warehouse late",)
    with pytest.raises(AttributeError):
        report.person = "li"  # type: ignore[misc]


def test_yaml_is_accepted_with_the_same_shape(tmp_path: Path) -> None:
    as_json = load_scenario(write(tmp_path, base()))
    path = tmp_path / "scen.yaml"
    path.write_text(yaml.safe_dump(base(), allow_unicode=True), "utf-8")
    as_yaml = load_scenario(path)
    assert as_yaml.people == as_json.people
    assert as_yaml.reports == as_json.reports
    assert as_yaml.targets == as_json.targets


def test_yaml_bare_dates_and_years_are_read(tmp_path: Path) -> None:
    path = tmp_path / "scen.yml"
    path.write_text(
        "scenario: 1\ntoday: 2026-03-18\npeople: [{id: a, role: rep}]\n"
        "targets: [{person: a, metric: visits, period: 2026, value: 100}]\n"
        "reports:\n  - {person: a, date: 2026-03-02, metrics: {visits: 3}}\n",
        "utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.targets[0].period == "2026"
    assert str(scenario.reports[0].date) == "2026-03-02"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets (or, with value DELETE, removes) the key at a dotted path."""

    def apply(data: dict[str, Any]) -> None:
        *parents, last = re.findall(r"[^.\[\]]+", path)
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is DELETE:
            del node[last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return apply


DELETE = object()

CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("version", _set("scenario", 2), "scenario", "must be 1"),
    ("version missing", _set("scenario", DELETE), "scenario", "missing"),
    ("today", _set("today", "2026-02-30"), "today", "not a date ('2026-02-30')"),
    ("timezone", _set("timezone", "Mars/Olympus"), "timezone", "unknown time zone"),
    ("workdays", _set("workdays", "tue-sat"), "workdays", "mon-fri"),
    ("top-level typo", _set("reprots", []), "reprots", "did you mean 'reports'"),
    ("top-level unknown", _set("budget", 1), "budget", "unknown key"),
    ("people not a list", _set("people", {}), "people", "expected a list"),
    ("person id duplicate", _set("people[3].id", "zhang"), "people[3].id", "duplicate"),
    ("person id empty", _set("people[3].id", " "), "people[3].id", "empty"),
    ("person role", _set("people[2].role", "boss"), "people[2].role", "boss"),
    ("person role missing", _set("people[2].role", DELETE), "people[2].role", "missing"),
    ("person team", _set("people[2].team", "west"), "people[2].team", "no team"),
    ("person lang", _set("people[3].lang", "fr"), "people[3].lang", "language"),
    ("person key typo", _set("people[3].telegram", 5), "people[3].telegram", "telegram_id"),
    ("telegram type", _set("people[2].telegram_id", "1003"), "people[2].telegram_id", "whole"),
    ("telegram bool", _set("people[2].telegram_id", True), "people[2].telegram_id", "whole"),
    ("telegram reused", _set("people[3].telegram_id", 1001), "people[3].telegram_id", "wang"),
    ("lead is a rep", _set("teams[0].lead", "zhang"), "teams[0].lead", "role rep"),
    ("manager is a lead", _set("teams[0].manager", "li"), "teams[0].manager", "role lead"),
    ("lead unknown", _set("teams[0].lead", "ghost"), "teams[0].lead", "no person"),
    ("team settings", _set("teams[0].settings", []), "teams[0].settings", "object"),
    ("target two owners", _set("targets[0].team", "east"), "targets[0]", "exactly one"),
    ("target no owner", _set("targets[0].person", DELETE), "targets[0]", "exactly one"),
    ("target metric", _set("targets[0].metric", "profit"), "targets[0].metric", "unknown metric"),
    ("target period", _set("targets[0].period", "2026-13"), "targets[0].period", "not a period"),
    ("target week", _set("targets[0].period", "2026-W54"), "targets[0].period", "not a period"),
    ("target value", _set("targets[0].value", -5), "targets[0].value", "negative"),
    ("target value bool", _set("targets[0].value", True), "targets[0].value", "not a number"),
    ("target value text", _set("targets[0].value", "300k"), "targets[0].value", "not a number"),
    ("target draft", _set("targets[0].draft", "lots"), "targets[0].draft", "not a number"),
    ("target basis", _set("targets[0].basis", "gut"), "targets[0].basis", "bottom_up"),
    (
        "target twice",
        _set("targets[1]", {"person": "zhang", "metric": "sales", "period": "2026-03", "value": 1}),
        "targets[1]",
        "targets[0]",
    ),
    (
        "report date",
        _set("reports[1].date", "2026-13-01"),
        "reports[1].date",
        "not a date ('2026-13-01')",
    ),
    ("report future", _set("reports[0].date", "2026-03-19"), "reports[0].date", "after"),
    ("report person", _set("reports[0].person", "ghost"), "reports[0].person", "no person"),
    ("report key typo", _set("reports[0].txt", "x"), "reports[0].txt", "did you mean 'text'"),
    ("report text type", _set("reports[0].text", 5), "reports[0].text", "string"),
    ("report empty", _set("reports[0].text", DELETE), "reports[0]", "needs text"),
    (
        "report metric",
        _set("reports[1].metrics.profit", 1),
        "reports[1].metrics.profit",
        "unknown metric",
    ),
    (
        "report metric value",
        _set("reports[1].metrics.visits", -1),
        "reports[1].metrics.visits",
        "negative",
    ),
    ("report metrics type", _set("reports[1].metrics", [6]), "reports[1].metrics", "object"),
    ("report blockers", _set("reports[1].blockers", "late"), "reports[1].blockers", "list"),
    ("report step", _set("reports[1].next_steps[0]", 5), "reports[1].next_steps[0]", "string"),
    ("event kind", _set("events[0].kind", "party"), "events[0].kind", "meeting"),
    ("event date", _set("events[0].date", "9 March"), "events[0].date", "not a date"),
    ("event by", _set("events[1].by", "ghost"), "events[1].by", "no person"),
    ("event team", _set("events[2].team", "west"), "events[2].team", "no team"),
    ("plan team", _set("plan_documents[0].team", "west"), "plan_documents[0].team", "no team"),
    (
        "plan period",
        _set("plan_documents[0].period", "March"),
        "plan_documents[0].period",
        "period",
    ),
    (
        "plan section",
        _set("plan_documents[0].sections.swot", "x"),
        "plan_documents[0].sections.swot",
        "situation_analysis",
    ),
    (
        "plan section text",
        _set("plan_documents[0].sections.timing", 3),
        "plan_documents[0].sections.timing",
        "string",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "place", "word"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_broken_scenario_is_refused_precisely(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], place: str, word: str
) -> None:
    data = copy.deepcopy(base())
    mutate(data)
    path = write(tmp_path, data)
    error = refused(path)
    assert error.place == place, str(error)
    assert word in error.problem, str(error)
    assert str(error) == f"{path}: {place}: {error.problem}"


def test_the_message_names_file_place_and_problem(tmp_path: Path) -> None:
    data = base()
    data["reports"] = [dict(data["reports"][0]) for _ in range(13)]
    data["reports"][12]["date"] = "2026-13-01"
    error = refused(write(tmp_path, data))
    assert (
        str(error)
        == f"{tmp_path / 'scen.json'}: reports[12].date: not a date ('2026-13-01'); expected YYYY-MM-DD"
    )
    assert "reports[12].date" in error.message("zh") and "不是日期" in error.message("zh")


def test_team_metrics_are_known_to_targets_and_reports(tmp_path: Path) -> None:
    data = base()
    margin = {"kind": "money", "label": {"zh": "毛利", "en": "margin"}, "words": ["毛利", "margin"]}
    data["teams"][0]["settings"] = {"metrics": {"margin": margin}}
    data["targets"].append({"person": "zhang", "metric": "margin", "period": "2026-03", "value": 5})
    data["reports"][1]["metrics"]["margin"] = 900
    scenario = load_scenario(write(tmp_path, data))
    team = scenario.team("east")
    assert team is not None and set(team.metrics) == {"margin"}
    data["teams"][0]["settings"]["metrics"]["margin"]["kind"] = "weight"
    error = refused(write(tmp_path, data))
    assert error.place == "teams[0].settings.metrics.margin.kind"


@pytest.mark.parametrize(
    ("content", "name", "place", "word"),
    [
        (b"", "scen.json", "", "empty"),
        (b"  \n\t\n", "scen.json", "", "empty"),
        (b"# nothing but a comment\n", "scen.yaml", "", "empty"),
        (b'{"scenario": 1, "today": "\xff\xfe"}', "scen.json", "line 1", "UTF-8"),
        (b"[1, 2]", "scen.json", "", "top level must be an object"),
        (b'"just a string"', "scen.json", "", "top level must be an object"),
        (
            b'{"scenario": 1,\n "today": "2026-03-18",\n "people": [}',
            "scen.json",
            "line 3, column 13",
            "JSON",
        ),
        (b"scenario: 1\ntoday: [2026\n", "scen.yaml", "line 3, column 1", "YAML"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(
    tmp_path: Path, content: bytes, name: str, place: str, word: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    error = refused(path)
    assert (error.place, error.file) == (place, str(path))
    assert word in error.problem, str(error)


def test_missing_folder_and_oversized_files_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "no such file" in str(refused(tmp_path / "nope.json"))
    assert "folder" in str(refused(tmp_path))
    monkeypatch.setattr(bot.scenario, "MAX_BYTES", 100)
    assert "at most" in str(refused(write(tmp_path, base())))


def test_parse_scenario_takes_decoded_data() -> None:
    assert parse_scenario(base()).today.isoformat() == "2026-03-18"
    with pytest.raises(ScenarioError, match="<scenario>: today: missing"):
        parse_scenario({"scenario": 1})


def test_every_message_key_used_exists_in_both_languages() -> None:
    names = (
        "scenario.py",
        "scenario_check.py",
        "store/db.py",
        "store/base.py",
        "store/importer.py",
    )
    sources = [REPO / "bot" / name for name in names]
    pattern = re.compile(r'"((?:scenario|store)\.[a-z_]+(?:\.[a-z_]+)*)"')
    used = {key for source in sources for key in pattern.findall(source.read_text("utf-8"))}
    assert {"scenario.date.bad", "scenario.version", "store.error.not_sqlite"} <= used
    assert {"scenario.import.person_conflict", "store.error.busy"} <= used
    for lang in LANGS:
        assert not used - set(catalogue(lang)), lang
