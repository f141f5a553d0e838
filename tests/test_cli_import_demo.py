"""`execoach import` and `execoach demo` end to end, as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_import_twice_changes_nothing(
    capsys: pytest.CaptureFixture[str], shared_dir: Path, tmp_path: Path
) -> None:
    scenario = shared_dir / "examples" / "scenario-small.json"
    db = tmp_path / "data" / "x.db"
    code, out, err = run(capsys, "import", str(scenario), "--db", str(db), "--json")
    assert code == 0, err
    assert json.loads(out) == {
        "people": 4,
        "teams": 1,
        "targets": 4,
        "reports": 25,
        "events": 3,
        "plan_documents": 1,
    }
    first = _counts(db)
    assert first["reports"] == 25
    assert first["report_metrics"] > 0
    code, out, _ = run(capsys, "import", str(scenario), "--db", str(db))
    assert code == 0
    assert "25" in out
    assert _counts(db) == first


def test_import_uses_the_environment_database(
    capsys: pytest.CaptureFixture[str],
    shared_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("EXECOACH_DB", str(db))
    code, _, err = run(capsys, "import", str(shared_dir / "examples" / "scenario-small.json"))
    assert code == 0, err
    assert _counts(db)["people"] == 4


def test_a_bad_scenario_exits_2_naming_file_and_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "scenario": 1,
                "today": "2026-03-18",
                "people": [{"id": "a", "name": "A", "role": "rep"}],
                "reports": [{"person": "a", "date": "2026-13-01", "text": "x"}],
            }
        ),
        "utf-8",
    )
    db = tmp_path / "x.db"
    code, out, err = run(capsys, "import", str(bad), "--db", str(db))
    assert code == 2
    assert out == ""
    assert "bad.json" in err
    assert "reports[0].date" in err
    assert len(err.strip().splitlines()) == 1
    assert not db.exists() or _counts(db).get("reports", 0) == 0


def test_a_missing_scenario_and_a_bad_database_exit_2(
    capsys: pytest.CaptureFixture[str], shared_dir: Path, tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "import", str(tmp_path / "nope.json"), "--db", str(tmp_path / "x.db")
    )
    assert code == 2
    assert "nope.json" in err
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    code, _, err = run(
        capsys, "import", str(shared_dir / "examples" / "scenario-small.json"), "--db", str(junk)
    )
    assert code == 2
    assert "junk.db" in err
    assert "Traceback" not in err


def test_import_speaks_chinese(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "import", str(tmp_path / "nope.json"), "--lang", "zh")
    assert code == 2
    assert "nope.json" in err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err)


def test_demo_shows_every_team_and_rep(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.demo import bundled_scenario

    code, out, err = run(capsys, "demo")
    assert code == 0, err
    demo = json.loads(bundled_scenario().read_text("utf-8"))
    for team in demo["teams"]:
        assert team["name"] in out
    for person in demo["people"]:
        if person["role"] == "rep":
            assert person["name"] in out
    assert "节奏" in out  # most of the demo organisation speaks Chinese
    code, out, _ = run(capsys, "demo", "--lang", "en")
    assert code == 0
    assert "pace" in out and "节奏" not in out


def test_demo_figures_follow_the_plan_arithmetic(
    capsys: pytest.CaptureFixture[str], shared_dir: Path
) -> None:
    """何静's March sales in the small scenario: 0.9万/1.0万/1.1万 in turn over 13 working days."""
    code, out, err = run(
        capsys, "demo", "--json", "--scenario", str(shared_dir / "examples" / "scenario-small.json")
    )
    assert code == 0, err
    (team,) = json.loads(out)
    he = next(p for p in team["people"] if p["person"]["id"] == "he")
    sales = next(m["figures"] for m in he["metrics"] if m["metric"] == "sales")
    assert sales["actual"] == 129000
    assert sales["elapsed"] == 13
    assert sales["total"] == 22
    assert sales["expected"] == pytest.approx(200000 * 13 / 22)
    assert sales["pace"] == pytest.approx(129000 / (200000 * 13 / 22))
    assert sales["forecast"] == pytest.approx(129000 * 22 / 13)
    assert sales["needed_per_day"] == pytest.approx((200000 - 129000) / 9)
    tom = next(p for p in team["people"] if p["person"]["id"] == "tom")
    assert tom["last_report"] == "2026-03-18"


def test_demo_with_a_bad_scenario_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: [unclosed", "utf-8")
    code, _, err = run(capsys, "demo", "--scenario", str(bad))
    assert code == 2
    assert "bad.yaml" in err
