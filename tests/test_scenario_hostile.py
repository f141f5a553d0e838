"""Hostile and absurd scenario files: refused quickly, precisely, never with a traceback."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

import bot.scenario
from bot.cli import main
from bot.scenario import ScenarioError, load_scenario, show
from tests.conftest import REPO
from tests.test_scenario import base, refused, write

BOMB = """\
scenario: 1
today: 2026-03-18
people: [{id: a, role: lead}]
teams:
  - id: east
    settings:
      a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
      f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
      g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
      h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
      i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def _run(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """The command in a child process, so that a hang or a runaway read cannot take the suite."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, "EXECOACH_DEBUG": ""},
    )


# ---- 1. YAML bombs, the C loader, duplicate keys, oversized settings -------------------------


def test_a_yaml_bomb_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, "utf-8")
    started = time.perf_counter()
    error = refused(path)
    assert time.perf_counter() - started < 2
    assert "anchors and aliases (&, *) are not allowed" in error.problem
    assert error.place == "line 7, column 10"
    assert "第 7 行第 10 列" in error.message("zh")


@pytest.mark.parametrize(
    "text",
    [
        "scenario: 1\ntoday: 2026-03-18\nx: &v 1\n",  # an anchor alone
        "scenario: 1\ntoday: 2026-03-18\nteams: [{id: e, settings: {a: &v [1], b: *v}}]\n",
        "base: &b {role: rep}\nscenario: 1\ntoday: 2026-03-18\npeople: [{<<: *b, id: a}]\n",
    ],
    ids=["anchor", "alias", "merge"],
)
def test_anchors_and_aliases_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "scen.yaml"
    path.write_text(text, "utf-8")
    assert "anchors and aliases" in refused(path).problem


def test_a_yaml_scenario_with_stars_and_ampersands_in_text_loads(tmp_path: Path) -> None:
    path = tmp_path / "scen.yaml"
    path.write_text(
        "scenario: 1\ntoday: 2026-03-18\npeople: [{id: a, name: 'R&D *lead*', role: rep}]\n",
        "utf-8",
    )
    person = load_scenario(path).person("a")
    assert person is not None and person.name == "R&D *lead*"


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml is not installed")
def test_yaml_is_read_with_libyaml() -> None:
    assert issubclass(bot.scenario._Loader, yaml.CSafeLoader)


def test_duplicate_keys_are_refused_in_yaml_and_json(tmp_path: Path) -> None:
    path = tmp_path / "scen.yaml"
    path.write_text("scenario: 1\ntoday: 2026-03-18\npeople:\n  - {id: a, id: b, role: rep}\n")
    error = refused(path)
    assert (error.place, error.problem.split(" (")[0]) == (
        "line 4, column 13",
        "duplicate key 'id'",
    )
    text = json.dumps(base(), ensure_ascii=False)
    text = text.replace('"date": "2026-03-02"', '"date": "2026-03-02", "date": "2026-03-01"', 1)
    error = refused(write_text(tmp_path, text))
    assert error.place == "reports[0]" and "duplicate key 'date'" in error.problem
    top = '{"scenario": 1, "today": "2026-03-18", "today": "2026-03-17"}'
    assert refused(write_text(tmp_path, top)).place == ""


def write_text(tmp_path: Path, text: str, name: str = "scen.json") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_oversized_or_non_json_settings_are_refused(tmp_path: Path) -> None:
    data = base()
    data["teams"][0]["settings"] = {"notes": "x" * 70_000}
    error = refused(write(tmp_path, data))
    assert error.place == "teams[0].settings"
    assert "68.4 KB" in error.problem and "at most 64 KB" in error.problem
    data["teams"][0]["settings"] = {"weights": [1, 2, float("nan")]}
    error = refused(write(tmp_path, data))
    assert (error.place, error.key) == (
        "teams[0].settings.weights[2]",
        "scenario.number.not_finite",
    )
    path = write_text(
        tmp_path,
        "scenario: 1\ntoday: 2026-03-18\nteams: [{id: e, settings: {raw: !!binary aGk=}}]\n",
        "scen.yaml",
    )
    assert refused(path).place == "teams[0].settings.raw"


# ---- 2. unbounded reads -----------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_devices_are_refused_unread() -> None:
    for argv in (
        ("import", "/dev/zero", "--db", ":memory:"),
        ("demo", "--scenario", "/dev/urandom"),
    ):
        proc = _run(*argv)
        assert proc.returncode == 2, proc.stderr
        assert "not a regular file" in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "scen.json"
    os.mkfifo(fifo)
    proc = _run("import", str(fifo), "--db", ":memory:", timeout=20)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="no /proc")
def test_a_file_whose_size_lies_is_read_only_up_to_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # /proc files say they are empty (st_size 0) and then hold more than 100 bytes
    monkeypatch.setattr(bot.scenario, "MAX_BYTES", 100)
    assert "at most" in refused(Path("/proc/self/maps")).problem


# ---- 3. values that used to crash later: exit 2 from validation ------------------------------


def _mutated(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base())
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "place", "word"),
    [
        ("targets.0.metric", ["sales"], "targets[0].metric", "unknown metric"),
        ("targets.0.metric", {"sales": 1}, "targets[0].metric", "unknown metric"),
        ("targets.0.value", 10**30, "targets[0].value", "too large"),
        ("targets.0.draft", 1e16, "targets[0].draft", "too large"),
        ("people.2.telegram_id", 2**63, "people[2].telegram_id", "whole"),
        ("reports.1.metrics.sales", 10**30, "reports[1].metrics.sales", "too large"),
        ("today", "9999-12-31", "today", "outside the supported dates"),
        ("today", "1899-12-31", "today", "outside the supported dates"),
        ("reports.1.date", "0001-01-01", "reports[1].date", "1900-01-01..2999-12-31"),
        ("events.0.date", "0001-01-01", "events[0].date", "outside"),
    ],
)
def test_out_of_range_values_are_refused(
    tmp_path: Path, path: str, value: Any, place: str, word: str
) -> None:
    error = refused(write(tmp_path, _mutated(path, value)))
    assert error.place == place and word in error.problem, str(error)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(tmp_path: Path, constant: str) -> None:
    text = json.dumps(_mutated("targets.0.value", 12345)).replace("12345", constant)
    error = refused(write_text(tmp_path, text))
    assert error.place == "targets[0].value"
    assert "number" in error.problem


def test_far_dates_exit_2_from_demo_and_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    far = write(tmp_path, _mutated("today", "9999-12-31"))
    code, err = _cli(capsys, "demo", "--scenario", str(far))
    assert code == 2 and "today" in err, err
    old = write(tmp_path, _mutated("reports.0.date", "0001-01-01"), "old.json")
    code, err = _cli(capsys, "import", str(old), "--db", str(tmp_path / "x.db"))
    assert code == 2 and "reports[0].date" in err, err
    huge = write(tmp_path, _mutated("targets.0.value", 10**30), "huge.json")
    code, err = _cli(capsys, "import", str(huge), "--db", str(tmp_path / "x.db"))
    assert code == 2 and "targets[0].value" in err, err


# ---- 9. structured data obeys the reader's bounds ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "place", "word"),
    [
        ("reports.1.metrics.visits", 201, "reports[1].metrics.visits", "at most 200"),
        ("reports.1.metrics.visits", 2.5, "reports[1].metrics.visits", "whole number"),
        ("reports.1.metrics.sales", 2.5e7, "reports[1].metrics.sales", "at most 10000000"),
        ("events.0.date", "2026-03-19", "events[0].date", "after the scenario's today"),
        ("scenario", 1.0, "scenario", "not 1.0"),
        ("scenario", True, "scenario", "not true"),
        ("scenario", "1", "scenario", "must be 1 (the scenario format version), not '1'"),
        ("people.3.lang", "zh-hans", "people[3].lang", "'zh-hans'"),
        ("people.3.lang", "EN", "people[3].lang", "use zh or en"),
    ],
)
def test_structured_values_are_bounded(
    tmp_path: Path, path: str, value: Any, place: str, word: str
) -> None:
    error = refused(write(tmp_path, _mutated(path, value)))
    assert error.place == place and word in error.problem, str(error)


def test_a_whole_float_count_is_stored_as_a_whole_number(tmp_path: Path) -> None:
    loaded = load_scenario(write(tmp_path, _mutated("reports.1.metrics.visits", 6.0)))
    metrics = loaded.reports[1].metrics
    assert metrics is not None and metrics["visits"] == 6 and isinstance(metrics["visits"], int)


def test_team_metrics_keep_their_own_bound_and_cannot_redefine_canonical_ones(
    tmp_path: Path,
) -> None:
    data = base()
    margin = {"kind": "money", "max": 1000, "words": ["毛利"]}
    data["teams"][0]["settings"] = {"metrics": {"margin": margin}}
    data["reports"][1]["metrics"]["margin"] = 1500
    error = refused(write(tmp_path, data))
    assert error.place == "reports[1].metrics.margin" and "at most 1000" in error.problem
    data["reports"][1]["metrics"]["margin"] = 900
    assert load_scenario(write(tmp_path, data)).reports[1].metrics == {
        "visits": 6,
        "sales": 18000,
        "margin": 900,
    }
    data["teams"][0]["settings"] = {"metrics": {"visits": {"words": ["走访"]}}}
    error = refused(write(tmp_path, data))
    assert error.place == "teams[0].settings.metrics.visits"
    assert "standard metric" in error.problem


# ---- 10. messages -------------------------------------------------------------------------------


def test_echoed_values_are_quoted_short_and_printable() -> None:
    assert show("1") == "'1'" and show(1) == "1" and show(None) == "null"
    long = show("长" * 500)
    assert len(long) <= 60 and long.startswith("'长") and long.endswith("…'")
    assert show("a\nb\x1b[31m") == "'a\\nb\\x1b[31m'"
    assert len(show(list(range(1000)))) <= 60


def test_a_bad_metric_definition_is_explained_in_both_languages(tmp_path: Path) -> None:
    data = base()
    data["teams"][0]["settings"] = {"metrics": {"margin": {"kind": "weight", "words": ["x"]}}}
    error = refused(write(tmp_path, data))
    assert error.place == "teams[0].settings.metrics.margin.kind"
    assert error.key == "scenario.metric.bad_definition"
    assert "not a valid metric definition: must be 'count' or 'money'" in error.problem
    assert "指标定义无效" in error.message("zh")


def test_line_and_column_are_translated(tmp_path: Path) -> None:
    path = write_text(tmp_path, '{"scenario": 1,\n "today": }')
    error = refused(path)
    assert error.place == "line 2, column 11"
    assert error.message("zh").startswith(f"{path}: 第 2 行第 11 列: ")


def test_a_scenario_error_is_one_line_even_for_hostile_keys(tmp_path: Path) -> None:
    data = base()
    data["reports"][0]["a\nb"] = 1
    error = refused(write(tmp_path, data))
    assert "\n" not in str(error)


def test_every_new_message_key_exists_in_both_languages() -> None:
    from bot.i18n import LANGS, catalogue

    keys = {
        "scenario.file.not_regular",
        "scenario.file.yaml_alias",
        "scenario.place.line",
        "scenario.place.line_column",
        "scenario.key.duplicate",
        "scenario.date.range",
        "scenario.number.not_finite",
        "scenario.number.too_big",
        "scenario.metric.not_whole",
        "scenario.metric.too_big",
        "scenario.metric.redefined",
        "scenario.metric.bad_definition",
        "scenario.settings.too_big",
        "scenario.settings.too_deep",
        "scenario.settings.key",
        "scenario.settings.value",
        "scenario.import.person_conflict",
        "store.error.busy",
        "store.error.no_path",
    }
    for lang in LANGS:
        assert keys <= set(catalogue(lang)), lang


def test_scenario_errors_are_value_errors() -> None:
    assert issubclass(ScenarioError, ValueError)
