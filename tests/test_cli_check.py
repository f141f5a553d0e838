"""`execoach check` as a user runs it: on a scenario, on the live database, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo import bundled_scenario


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_has_the_contract_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(bundled_scenario()), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["today"] == "2026-03-18"
    assert data["findings"]
    for finding in data["findings"]:
        assert {
            "rule",
            "category",
            "subject",
            "audience",
            "severity",
            "evidence",
            "message",
        } <= set(finding)
        assert finding["category"] in {"goal", "execution", "process", "mechanism", "management"}
        assert finding["rule"].startswith(finding["category"] + ".")
        assert finding["message"]
    subjects = {f["subject"] for f in data["findings"]}
    assert "chen" not in subjects  # 陈静 is the demo's healthy rep
    assert "he" not in subjects


def test_check_on_the_live_database_matches_the_scenario(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "live.db"
    assert run(capsys, "import", str(bundled_scenario()), "--db", str(db))[0] == 0
    _, from_file, _ = run(capsys, "check", str(bundled_scenario()), "--json", "--lang", "en")
    code, from_db, err = run(
        capsys, "check", "--db", str(db), "--today", "2026-03-18", "--json", "--lang", "en"
    )
    assert code == 0, err
    assert json.loads(from_db) == json.loads(from_file)
    before = db.stat().st_mtime_ns
    run(capsys, "check", "--db", str(db), "--today", "2026-03-18")
    assert db.stat().st_mtime_ns == before  # read-only


def test_check_text_groups_by_category_in_each_language(capsys: pytest.CaptureFixture[str]) -> None:
    _, zh, _ = run(capsys, "check", str(bundled_scenario()), "--lang", "zh")
    assert "目标问题" in zh and "流程问题" in zh
    _, en, _ = run(capsys, "check", str(bundled_scenario()), "--lang", "en")
    assert "Goal problems" in en and "Process problems" in en


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["check"], "SCENARIO"),
        (["check", "x.json", "--db", "y.db"], "not both"),
        (["check", "--db", "/nonexistent/dir/x.db"], "x.db"),
        (["check", "nope.json"], "nope.json"),
        (["check", "--db", "x.db", "--today", "yesterday"], "--today"),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert needle in err
    assert len(err.strip().splitlines()) == 1
