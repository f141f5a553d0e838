"""`execoach digest` as a user runs it: text, --json, --chart, the live database, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo import bundled_scenario

DEMO = str(bundled_scenario())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_in_the_persons_language_for_the_last_complete_week(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "digest", DEMO, "--for", "li")
    assert code == 0, err
    assert "周报 2026-W11" in out and "华东一组" in out and "<b>" not in out
    code, out, _ = run(capsys, "digest", DEMO, "--for", "li", "--lang", "en", "--week", "2026-W12")
    assert code == 0 and "Week so far 2026-W12" in out and "Focus next week" in out


def test_json_and_chart(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = tmp_path / "digest.png"
    code, out, err = run(capsys, "digest", DEMO, "--for", "wang", "--json", "--chart", str(chart))
    assert code == 0, err
    data = json.loads(out)
    assert data["week"] == "2026-W11" and data["as_of"] == "2026-03-15" and data["complete"]
    assert [t["id"] for t in data["teams"]] == ["east", "south"] and data["total"]
    east = data["teams"][0]
    assert {"target", "actual", "pace", "forecast"} <= set(east["metrics"]["sales"])
    assert {p["id"] for p in east["people"]} == {"zhang", "chen", "zhao", "liu"}
    assert set(east["findings"]) <= {"goal", "execution", "process", "mechanism", "management"}
    assert east["open_blockers"] and east["open_blockers"][0]["days_open"] > 0
    assert data["chart"] == str(chart)
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_live_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "live.db")
    assert run(capsys, "import", DEMO, "--db", db)[0] == 0
    code, out, err = run(
        capsys, "digest", "--db", db, "--for", "mike", "--today", "2026-03-18", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["teams"][0]["id"] == "south"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--for", "ghost"], "ghost"),
        (["--for", "zhang"], "lead or manager"),
        (["--for", "li", "--week", "2026-13"], "2026-13"),
        (["--for", "li", "--week", "2026-W60"], "2026-W60"),
        (["--for", "li", "--week", "2026-03"], "ISO week"),
        (["--for", "li", "--week", "2027-W01"], "not started"),
        (["--for", "li", "--chart", "/nonexistent/dir/x.png"], "cannot write"),
    ],
)
def test_bad_input_is_refused_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, "digest", DEMO, "--lang", "en", *args)
    assert code == 2 and out == ""
    assert words in err and len(err.strip().splitlines()) == 1


def test_no_source_or_no_person(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "digest", "--for", "li")[0] == 2
    with pytest.raises(SystemExit) as exited:
        main(["digest", DEMO])
    assert exited.value.code == 2


@pytest.mark.parametrize("who", ["王强", "wang", "强", "9001"])
def test_for_takes_an_id_a_name_a_given_name_or_a_telegram_id(
    capsys: pytest.CaptureFixture[str], who: str
) -> None:
    code, out, err = run(capsys, "digest", DEMO, "--for", who, "--json")
    assert code == 0, err
    assert json.loads(out)["for"] == "wang"


@pytest.mark.parametrize("who", ["Mike Lin", "mike lin", "Mike"])
def test_english_names_any_case(capsys: pytest.CaptureFixture[str], who: str) -> None:
    code, out, err = run(capsys, "digest", DEMO, "--for", who, "--json")
    assert code == 0, err
    assert json.loads(out)["for"] == "mike"


def test_an_unknown_or_ambiguous_person_lists_the_candidates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from bot.store.db import open_db
    from bot.store.repository import Repository

    db = str(tmp_path / "live.db")
    assert run(capsys, "import", DEMO, "--db", db)[0] == 0
    repo = Repository(open_db(db))
    repo.upsert_person("mike2", "Mike Chen", "lead", team_id="east")
    repo.db.close()
    base = ["digest", "--db", db, "--today", "2026-03-18", "--lang", "en"]
    code, out, err = run(capsys, *base, "--for", "Mike")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "Mike Lin (mike)" in err and "Mike Chen (mike2)" in err
    code, out, err = run(capsys, *base, "--for", "Nobody Here")
    assert code == 2 and "Nobody Here" in err and len(err.strip().splitlines()) == 1
    assert "李娜 (li)" in err and "王强 (wang)" in err and "张伟" not in err  # leads, managers
    assert run(capsys, *base, "--for", "Mike Chen", "--json")[0] == 0  # the full name is one
