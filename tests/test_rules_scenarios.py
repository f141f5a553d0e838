"""The rule base on small, realistic organisations: every rule fires when it should and not a day early.

Each file in `tests/scenarios/` is a scenario in the contract's format (contracts §1)
with its expectation written into it under `_expect` (keys starting with `_` are
comments to the scenario loader):

    "_expect": {"fires": [{"rule": "goal.no_target", "subject": "sun"}],
                "silent": ["rule ids that must not fire for anyone"]}

`"silent": ["*"]` means no finding at all (the healthy teams). `<rule>.fire.json`
fires its rule for the right subject (a person's problem names the person, a
team's problem names the team); `<rule>.near.json` stays just inside the
threshold and must not fire it. Further variants (`<rule>.fire-*.json`,
`<rule>.near-*.json`) cover other thresholds and calendars. `_note` says what
each file is about. The files are written by `tests/scenarios/make.py`.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.findings import run_rules
from bot.findings_view import finding_to_json
from bot.organisation import Organisation, open_organisation
from knowledge.rulebase import rule_defs
from rules.model import Finding

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "tests" / "scenarios"
FILES = sorted(SCENARIOS.glob("*.json"))
FIRE_FILES = [p for p in FILES if ".fire" in p.name]
ALL = "*"


def _name(path: Path) -> str:
    return path.stem


def _data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def _run(path: Path) -> tuple[Organisation, tuple[Finding, ...]]:
    org = open_organisation(str(path), None, None, "en")
    return org, tuple(run_rules(org.repo, org.today))


def _shown(findings: tuple[Finding, ...]) -> str:
    return "; ".join(f"{f.rule} → {f.subject} {f.evidence}" for f in findings) or "none"


def _check(path: Path, expect: dict[str, Any]) -> None:
    _, findings = _run(path)
    got = {(f.rule, f.subject) for f in findings}
    for want in expect["fires"]:
        assert (want["rule"], want["subject"]) in got, (
            f"{path.name}: expected {want['rule']} for {want['subject']}; found: {_shown(findings)}"
        )
    silent = expect["silent"]
    if silent == [ALL]:
        assert not findings, (
            f"{path.name}: a healthy team must hear nothing; found: {_shown(findings)}"
        )
        return
    wrong = tuple(f for f in findings if f.rule in set(silent))
    assert not wrong, f"{path.name}: must stay silent but fired: {_shown(wrong)}"


# ---- the scenarios, as written ------------------------------------------------------------


def test_the_folder_holds_the_scenarios() -> None:
    assert len(FILES) >= 2 + 2 * len(rule_defs())


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_scenario(path: Path) -> None:
    _check(path, _data(path)["_expect"])


def test_every_rule_has_a_firing_scenario_and_a_near_miss() -> None:
    missing = [
        f"{rule_id}.{kind}.json"
        for rule_id in rule_defs()
        for kind in ("fire", "near")
        if not (SCENARIOS / f"{rule_id}.{kind}.json").is_file()
    ]
    assert not missing, f"scenarios missing: {missing}"


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_the_expectation_names_its_rule_and_the_right_subject(path: Path) -> None:
    """A file's name says which rule it is about; its subject is a person or a team as the rule says."""
    data = _data(path)
    expect, defs = data["_expect"], rule_defs()
    assert set(expect) == {"fires", "silent"}
    assert isinstance(data.get("_note"), str) and data["_note"].strip()
    if expect["silent"] == [ALL]:
        assert path.stem.startswith("healthy") and expect["fires"] == []
        return
    assert set(expect["silent"]) <= set(defs), set(expect["silent"]) - set(defs)
    people = {p["id"] for p in data["people"]}
    teams = {t["id"] for t in data["teams"]}
    for want in expect["fires"]:
        kind = defs[want["rule"]].subject
        assert want["subject"] in (people if kind == "person" else teams), (want, kind)
        assert want["rule"] not in expect["silent"]
    rule_id, kind = path.stem.rsplit(".", 1)
    assert rule_id in defs, f"{path.name} names no rule"
    if kind.startswith("fire"):
        assert rule_id in {w["rule"] for w in expect["fires"]}
    else:
        assert kind.startswith("near"), path.name
        assert rule_id in expect["silent"]


# ---- a team's own thresholds --------------------------------------------------------------

TIGHTER = [
    # near miss, the rule, its team override, who must then hear it
    ("mechanism.no_review_meeting.near", {"days": 13}, "east"),
    ("goal.topdown_far_above_draft.near", {"gap": 0.25}, "zhang"),
    ("execution.no_next_steps.near", {"reports": 4}, "zhang"),
    ("execution.behind_streak.near", {"reports": 2}, "zhang"),
    ("process.blocker_left_open.near", {"days": 4}, "zhang"),
    ("mechanism.reports_stopped.near", {"days": 2}, "zhang"),
    ("goal.unreachable_pace.near", {"factor": 1.8}, "zhang"),
    ("process.cross_function_blocker.near", {"min_days": 0}, "zhang"),
]
LOOSER = [
    ("goal.target_beyond_history.fire", {"ratio": 1.7}),
    ("mechanism.no_training.fire", {"days": 120}),
    ("execution.busy_without_results.fire", {"max_order_rate": 0.04}),
]


def _with_override(path: Path, rule_id: str, override: dict[str, Any], tmp: Path) -> Path:
    data = _data(path)
    for team in data["teams"]:
        team.setdefault("settings", {}).setdefault("rules", {})[rule_id] = override
    out = tmp / path.name
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return out


@pytest.mark.parametrize(("name", "override", "subject"), TIGHTER, ids=[t[0] for t in TIGHTER])
def test_a_tighter_team_threshold_makes_a_near_miss_fire(
    name: str, override: dict[str, Any], subject: str, tmp_path: Path
) -> None:
    rule_id = name.rsplit(".", 1)[0]
    path = SCENARIOS / f"{name}.json"
    assert rule_id not in {f.rule for f in _run(path)[1]}
    tuned = _with_override(path, rule_id, override, tmp_path)
    _check(tuned, {"fires": [{"rule": rule_id, "subject": subject}], "silent": []})


@pytest.mark.parametrize(("name", "override"), LOOSER, ids=[t[0] for t in LOOSER])
def test_a_looser_team_threshold_silences_a_finding(
    name: str, override: dict[str, Any], tmp_path: Path
) -> None:
    rule_id = name.rsplit(".", 1)[0]
    path = SCENARIOS / f"{name}.json"
    assert rule_id in {f.rule for f in _run(path)[1]}
    tuned = _with_override(path, rule_id, override, tmp_path)
    _check(tuned, {"fires": [], "silent": [rule_id]})


# ---- what the findings say ----------------------------------------------------------------


@pytest.mark.parametrize("path", FIRE_FILES, ids=_name)
def test_every_finding_speaks_both_languages(path: Path) -> None:
    org, findings = _run(path)
    if not findings:
        pytest.skip("nothing fired: test_scenario reports it")
    for finding in findings:
        for lang in ("zh", "en"):
            shown = finding_to_json(finding, lang, org.names)
            texts = [shown["message"], *shown["messages"].values()]
            assert set(shown["messages"]) == set(finding.audience)
            for text in texts:
                assert isinstance(text, str) and text.strip(), (finding.rule, lang)
                assert "{" not in text and "}" not in text, (finding.rule, lang, text)
            if lang == "zh":
                assert any("\u4e00" <= ch <= "\u9fff" for ch in shown["message"]), shown["message"]


def test_check_from_the_command_line() -> None:
    """`execoach check FILE --json` says the same as the rule base, in the language asked for."""

    def check(path: Path, lang: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "check", str(path), "--json", "--lang", lang],
            capture_output=True,
            text=True,
            check=False,
            cwd=REPO,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        out: dict[str, Any] = json.loads(done.stdout)
        return out

    healthy = check(SCENARIOS / "healthy.json", "zh")
    assert healthy == {"today": "2026-04-09", "findings": []}
    fired = check(SCENARIOS / "process.recurring_blocker.fire.json", "en")
    assert dt.date.fromisoformat(fired["today"]) == dt.date(2026, 3, 18)
    found = [(f["rule"], f["subject"], f["category"]) for f in fired["findings"]]
    assert found == [("process.recurring_blocker", "zhang", "process")]
    assert fired["findings"][0]["message"].strip()


def test_the_files_are_what_the_generator_writes() -> None:
    """`tests/scenarios/make.py` wrote these files, and its report texts still read as designed.

    The generator reads every report text back with the report parser and refuses one that
    does not give the figures it was written from, so a near miss cannot drift with a misread
    figure. After changing make.py, run it to rewrite the files.
    """
    spec = importlib.util.spec_from_file_location("scenario_maker", SCENARIOS / "make.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = maker  # dataclasses look their module up there
    try:
        spec.loader.exec_module(maker)
    finally:
        del sys.modules[spec.name]
    built: dict[str, Any] = maker.scenarios()
    assert sorted(built) == sorted(p.stem for p in FILES)
    stale = [name for name, data in built.items() if _data(SCENARIOS / f"{name}.json") != data]
    assert not stale, f"out of date, run tests/scenarios/make.py: {stale}"
