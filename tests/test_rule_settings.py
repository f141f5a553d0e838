"""A team's tuned thresholds are checked when the scenario is read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.scenario import ScenarioError, load_scenario


def _write(tmp_path: Path, rules: Any) -> Path:
    data = {
        "scenario": 1,
        "today": "2026-03-18",
        "people": [{"id": "a", "name": "A", "role": "rep", "team": "t"}],
        "teams": [{"id": "t", "name": "T", "settings": {"rules": rules}}],
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


@pytest.mark.parametrize(
    ("rules", "place", "word"),
    [
        ({"goal.nope": {"factor": 2}}, "teams[0].settings.rules.goal.nope", "unknown rule"),
        (
            {"goal.unreachable_pace": {"factr": 2}},
            "goal.unreachable_pace.factr",
            "unknown threshold",
        ),
        ({"goal.unreachable_pace": {"factor": "x"}}, "goal.unreachable_pace.factor", "number"),
        ({"goal.unreachable_pace": 3}, "teams[0].settings.rules.goal.unreachable_pace", ""),
    ],
)
def test_bad_threshold_settings_are_refused(
    tmp_path: Path, rules: Any, place: str, word: str
) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(_write(tmp_path, rules))
    assert place in str(exc.value)
    assert word in str(exc.value)


def test_good_threshold_settings_load(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, {"goal.unreachable_pace": {"factor": 2.5}}))
    assert scenario.teams[0].settings["rules"]["goal.unreachable_pace"]["factor"] == 2.5
