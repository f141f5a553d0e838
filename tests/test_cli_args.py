"""The command line as people type it: options anywhere, every order of the contract's
commands; the language every command speaks by default; bad input in one line."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo import bundled_scenario

DEMO = str(bundled_scenario())
CJK = re.compile(r"[\u4e00-\u9fff]")


def speaks_chinese(text: str) -> bool:
    """Whether text is in Chinese, not counting the demo's Chinese names."""
    scenario = json.loads(bundled_scenario().read_text("utf-8"))
    for thing in scenario["people"] + scenario["teams"]:
        text = text.replace(thing["name"], "")
    return bool(CJK.search(text))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def orders(*groups: tuple[str, ...]) -> list[list[str]]:
    """Every order of the argument groups (a group, e.g. `--as mike`, stays together)."""
    return [[word for group in perm for word in group] for perm in itertools.permutations(groups)]


ASK_ORDERS = [
    argv
    for argv in orders((DEMO,), ("--as", "mike"), ("--json",), ("--lang", "en"), ("who is behind",))
    if argv.index(DEMO) < argv.index("who is behind")  # SCENARIO, then QUESTION
]


@pytest.mark.parametrize("argv", ASK_ORDERS)
def test_ask_takes_its_options_anywhere(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, "ask", *argv)
    assert code == 0, (argv, err)
    answer = json.loads(out)
    assert answer["intent"] == "behind" and "south" in answer["subjects"]


def test_ask_the_contracts_own_order_and_unquoted_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", DEMO, "--as", "mike", "--json", "who is behind")
    assert code == 0, err
    first = json.loads(out)
    code, out, err = run(
        capsys,
        "ask",
        DEMO,
        "--as",
        "mike",
        "--today",
        "2026-03-18",
        "who",
        "is",
        "behind",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out) == first


def test_ask_the_live_database_in_any_order(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    db = str(demo_db)
    answers = []
    for argv in orders(("--db", db), ("--as", "li"), ("--today", "2026-03-18"), ("谁落后了",)):
        code, out, err = run(capsys, "ask", *argv, "--json")
        assert code == 0, (argv, err)
        answers.append(json.loads(out))
    assert all(a == answers[0] for a in answers) and answers[0]["intent"] == "behind"
    # the person's language by default: li speaks Chinese
    assert CJK.search(answers[0]["answer"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as", "mike", "who is behind"], "give a SCENARIO file or --db FILE"),
        ([DEMO, "--as", "mike"], "no question given"),
        ([DEMO, "--db", "x.db", "--as", "mike", "who"], "not both"),
        ([DEMO, "--as", "nobody", "who is behind", "--lang", "en"], "no person nobody"),
    ],
)
def test_ask_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "ask", *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_check_and_digest_take_their_options_anywhere(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    checks = set()
    for argv in orders((DEMO,), ("--json",), ("--today", "2026-03-18"), ("--lang", "en")):
        code, out, err = run(capsys, "check", *argv)
        assert code == 0, (argv, err)
        checks.add(out)
    assert len(checks) == 1
    digests = set()
    chart = str(tmp_path / "d.png")
    groups = ((DEMO,), ("--for", "li"), ("--week", "2026-W11"), ("--chart", chart))
    for argv in orders(*groups):
        code, out, err = run(capsys, "digest", *argv, "--json")
        assert code == 0, (argv, err)
        digests.add(out)
    assert len(digests) == 1 and Path(chart).stat().st_size > 0


def test_export_and_plan_take_their_options_anywhere(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = str(tmp_path / "x.csv")
    for argv in orders((DEMO,), ("--out", out), ("--period", "2026-W11"), ("--team", "east")):
        code, _, err = run(capsys, "export", *argv, "--json")
        assert code == 0, (argv, err)
    targets = tmp_path / "t.csv"
    targets.write_text("person,metric,period,value\nzhang,sales,2026-04,300000\n", "utf-8")
    for argv in orders((str(targets), DEMO), ("--dry-run",), ("--json",), ("--lang", "en")):
        code, stdout, err = run(capsys, "plan", "import", *argv)
        assert code == 0, (argv, err)
        assert json.loads(stdout)["stored"] == 0


def test_plan_import_previews_against_a_scenario_or_names_the_missing_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    targets = tmp_path / "t.csv"
    targets.write_text("person,metric,period,value\nzhang,sales,2026-04,300000\n", "utf-8")
    code, out, err = run(capsys, "plan", "import", str(targets), DEMO, "--lang", "en")
    assert code == 0, err
    assert "sales 2026-04: 300,000" in out and "nothing stored" in out.lower()
    missing = tmp_path / "none.db"
    for flags in (["--dry-run"], []):
        code, _, err = run(
            capsys, "plan", "import", str(targets), "--db", str(missing), "--dry-run", *flags
        )
        assert code == 2 and len(err.strip().splitlines()) == 1
        assert f"no database at {missing}" in err and "execoach import" in err
    assert not missing.exists()


@pytest.mark.parametrize("path", ["/nonexistent/dir/t.xlsx", "/proc/t.xlsx"])
def test_plan_template_to_an_unwritable_path(capsys: pytest.CaptureFixture[str], path: str) -> None:
    code, _, err = run(capsys, "plan", "template", "--out", path)
    assert code == 2 and f"cannot write {path}" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_parse_refuses_an_empty_text(capsys: pytest.CaptureFixture[str], text: str) -> None:
    code, out, err = run(capsys, "parse", text)
    assert code == 2 and not out
    assert "empty" in err and len(err.strip().splitlines()) == 1


def test_every_command_speaks_the_one_rule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Org-wide output in the organisation's main language (the demo's is Chinese),
    person-addressed output in the person's, errors before an organisation is known in
    English, and --lang over all of them."""
    for argv in (["check", DEMO], ["demo"], ["import", DEMO, "--db", str(tmp_path / "d.db")]):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        assert speaks_chinese(out.split("\n")[0]), argv
        code, out, _ = run(capsys, *argv, "--lang", "en")
        assert not speaks_chinese(out.split("\n")[0]), argv
    code, out, _ = run(capsys, "ask", DEMO, "--as", "mike", "who is behind")
    assert code == 0 and "Behind" in out  # mike speaks English
    code, out, _ = run(capsys, "digest", DEMO, "--for", "wang")
    assert code == 0 and "周报" in out  # wang speaks Chinese
    missing = str(tmp_path / "nope.json")
    for argv in (
        ["check", missing],
        ["digest", missing, "--for", "li"],
        ["ask", missing, "--as", "li", "谁落后了"],
        ["export", missing, "--out", str(tmp_path / "x.xlsx")],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "nope.json" in err and not CJK.search(err), argv
        code, _, err = run(capsys, *argv, "--lang", "zh")
        assert code == 2 and CJK.search(err), argv
