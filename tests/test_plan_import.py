"""Target files in through `execoach plan import`: the preview, the errors, nothing stored on error."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli import main
from bot.planning.importing import read_plan
from bot.planning.sheet import SheetError
from bot.plans import Period, calendar_for
from bot.store.db import open_db
from bot.store.repository import Repository
from tests.helpers.sheets import csv_file, not_a_spreadsheet, ten_megabytes, xlsx_file

HEADER = ["person", "metric", "period", "value"]


@pytest.fixture
def db(demo_copy: Path) -> Path:
    return demo_copy


def targets_in(db: Path) -> list[tuple[str | None, str | None, str, str, float, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT person_id, team_id, metric, period, value, basis FROM targets "
            "ORDER BY person_id, team_id, metric, period"
        ).fetchall()


def run_import(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, data: bytes, *flags: str
) -> tuple[int, str, str]:
    path = tmp_path / "targets.csv"
    path.write_bytes(data)
    lang = [] if "--lang" in flags else ["--lang", "en"]  # the demo organisation's is zh
    code = main(["plan", "import", str(path), "--db", str(db), *lang, *flags])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_good_csv_is_previewed_and_stored(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    before = targets_in(db)
    data = csv_file(
        [
            [*HEADER, "basis", "draft"],
            ["zhang", "sales", "2026-04", "300,000", "top_down", "250000"],
            ["Amy Chen", "visits", "2026-04", 180, None, None],
            ["tom", "sales", "2026-Q2", "900k", None, None],
        ]
    )
    code, out, err = run_import(capsys, db, tmp_path, data)
    assert code == 0, err
    assert "sales 2026-04: 300,000" in out and "sales 2026-Q2: 900,000" in out
    assert "visits 2026-04: 180" in out
    after = targets_in(db)
    new = sorted(set(after) - set(before))
    assert ("zhang", None, "sales", "2026-04", 300000, "top_down") in new
    assert ("amy", None, "visits", "2026-04", 180, None) in new
    tom = {row[3]: row[4] for row in new if row[0] == "tom"}
    assert set(tom) == {"2026-04", "2026-05", "2026-06"}
    assert sum(tom.values()) == 900000
    calendar = calendar_for("mon-fri")  # the demo's teams work Monday to Friday
    days = {m: calendar.workdays(Period.parse(m).start, Period.parse(m).end) for m in tom}
    for month, value in tom.items():
        assert abs(value - 900000 * days[month] / sum(days.values())) < 1
    code, out, _ = run_import(capsys, db, tmp_path, data)  # the same file again: same targets
    assert code == 0 and targets_in(db) == after


def test_chinese_headers_names_telegram_ids_and_money_words(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    data = xlsx_file(
        [
            ["姓名", "指标", "期间", "目标(元)", "区域"],
            ["张伟", "销售额", "2026年4月", "2.5万", "华东"],
            [9012, "回款", "2026-04", "12k", None],  # 陈静 by Telegram id
            ["刘洋", "拜访", "2026年二季度", 300, None],
        ],
        title_rows=2,
    )
    path = tmp_path / "目标.xlsx"
    path.write_bytes(data)
    code = main(["plan", "import", str(path), "--db", str(db), "--json", "--lang", "zh"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert result["ok"] and not result["errors"]
    assert {"metric": "sales", "period": "2026-04", "value": 25000, "rows": 1} in result["totals"]
    stored = targets_in(db)
    assert ("zhang", None, "sales", "2026-04", 25000, None) in stored
    assert ("chen", None, "collections", "2026-04", 12000, None) in stored
    liu = [r for r in stored if r[0] == "liu" and r[2] == "visits" and r[3] >= "2026-04"]
    assert [r[3] for r in liu] == ["2026-04", "2026-05", "2026-06"]
    assert sum(r[4] for r in liu) == 300


def test_dry_run_stores_nothing(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    before = targets_in(db)
    data = csv_file([HEADER, ["zhang", "sales", "2026-05", 1000]])
    code, out, err = run_import(capsys, db, tmp_path, data, "--dry-run")
    assert code == 0, err
    assert "Dry run" in out
    assert targets_in(db) == before


BAD_ROWS = {
    "wrong type": (["zhang", "sales", "2026-04", "lots"], "“lots” is not a number"),
    "negative": (["zhang", "sales", "2026-04", "-5"], "is negative"),
    "half a visit": (["zhang", "visits", "2026-04", "12.5"], "whole numbers"),
    "bad period": (["zhang", "sales", "2026-13", "100"], "is not a period"),
    "unknown person": (["nobody", "sales", "2026-04", "100"], "nobody called “nobody”"),
    "unknown metric": (["zhang", "happiness", "2026-04", "100"], "unknown metric"),
    "formula": (['=HYPERLINK("http://x")', "sales", "2026-04", "1"], "nobody called"),
    "no value": (["zhang", "sales", "2026-04", ""], "no target value"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_file_with_a_bad_row_stores_nothing(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, case: str
) -> None:
    before = targets_in(db)
    row, reason = BAD_ROWS[case]
    data = csv_file([HEADER, ["amy", "sales", "2026-04", 1000], row])
    code, out, err = run_import(capsys, db, tmp_path, data)
    assert code == 2
    assert "Row 3:" in out and reason in out, out
    assert "nothing stored" in err and len(err.strip().splitlines()) == 1
    assert targets_in(db) == before


def test_duplicate_rows_are_named_with_the_first(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    before = targets_in(db)
    data = csv_file(
        [
            HEADER,
            ["zhang", "sales", "2026-04", 1],
            ["li", "sales", "2026-04", 2],
            ["张伟", "销售额", "2026-04", 3],
        ]
    )
    code, out, _ = run_import(capsys, db, tmp_path, data)
    assert code == 2
    assert "Row 4: the same target as row 2" in out
    # a quarter and one of its months for the same person set that month twice
    data = csv_file([HEADER, ["zhang", "sales", "2026-Q2", 9], ["zhang", "sales", "2026-05", 3]])
    code, out, _ = run_import(capsys, db, tmp_path, data)
    assert code == 2 and "sets 2026-05 again" in out
    assert targets_in(db) == before


WHOLE_FILE = {
    "empty": (b"", "The file is empty"),
    "blank lines": (b"\r\n ,,\r\n", "The file is empty"),
    "header only": (csv_file([HEADER]), "a header but no targets"),
    "no header": (csv_file([["a", "b"], ["1", "2"]]), "No header row"),
    "ten megabytes": (ten_megabytes(), "the limit is 5 MB"),
    **{
        f"not a spreadsheet: {k}": (v, "not a spreadsheet")
        for k, v in not_a_spreadsheet().items()
        if k != "xls"
    },
    "old excel": (not_a_spreadsheet()["xls"], "old .xls"),
}


@pytest.mark.parametrize("case", sorted(WHOLE_FILE))
def test_files_that_cannot_be_read_store_nothing(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, case: str
) -> None:
    before = targets_in(db)
    data, message = WHOLE_FILE[case]
    code, out, err = run_import(capsys, db, tmp_path, data)
    assert code == 2
    assert message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err + out
    assert targets_in(db) == before


def test_a_missing_file_is_a_clear_error(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code = main(["plan", "import", "/nonexistent/targets.xlsx", "--db", str(db)])
    _, err = capsys.readouterr()
    assert code == 2 and "cannot read" in err


def _repo(db: Path) -> Repository:
    return Repository(open_db(db))


def test_a_team_target_is_split_across_its_reps_equally_by_weight_or_last_share(db: Path) -> None:
    repo = _repo(db)
    reps = sorted(p.id for p in repo.people_in_team("east") if p.role == "rep")
    equal = read_plan(
        repo,
        csv_file([["team", "metric", "period", "value"], ["east", "sales", "2026-04", 1_000_001]]),
    )
    assert equal.ok, equal.problems
    people = {t.person_id: t.value for t in equal.targets if t.person_id}
    assert sorted(people) == reps and sum(people.values()) == 1_000_001
    assert max(people.values()) - min(people.values()) <= 1
    team = [t for t in equal.targets if t.team_id == "east"]
    assert [(t.period, t.value, t.basis) for t in team] == [("2026-04", 1_000_001, "top_down")]

    weighted = read_plan(
        repo,
        csv_file(
            [
                ["team", "person", "metric", "period", "value", "weight"],
                ["east", None, "sales", "2026-04", 900, None],
                [None, "zhang", "sales", "2026-04", None, 2],
                [None, "chen", "sales", "2026-04", None, 1],
            ]
        ),
    )
    assert weighted.ok, weighted.problems
    assert {t.person_id: t.value for t in weighted.targets if t.person_id} == {
        "zhang": 600,
        "chen": 300,
    }

    # last period's share: March's reported sales of each rep, read here from the database
    with sqlite3.connect(db) as conn:
        march = dict(
            conn.execute(
                "SELECT r.person_id, sum(m.value) FROM reports r JOIN report_metrics m "
                "ON m.report_id = r.id WHERE m.metric = 'sales' AND r.withdrawn = 0 "
                "AND r.report_date BETWEEN '2026-03-01' AND '2026-03-31' GROUP BY r.person_id"
            ).fetchall()
        )
    share = read_plan(
        repo,
        csv_file(
            [
                ["team", "metric", "period", "value", "split"],
                ["east", "sales", "2026-04", 500_000, "上期占比"],
            ]
        ),
    )
    assert share.ok, share.problems
    got = {t.person_id: t.value for t in share.targets if t.person_id}
    assert sum(got.values()) == 500_000
    total = sum(march.get(p, 0) for p in reps)
    for person in reps:
        assert abs(got[person] - 500_000 * march.get(person, 0) / total) < 1


def test_a_year_target_with_monthly_weights_and_cents(db: Path) -> None:
    repo = _repo(db)
    weights = ",".join(["1"] * 11 + ["2"])
    plan = read_plan(
        repo,
        csv_file(
            [
                ["person", "metric", "period", "value", "month weights"],
                ["zhang", "collections", "2026", "1300000.13", weights],
            ]
        ),
    )
    assert plan.ok, plan.problems
    months = {t.period: Decimal(str(t.value)) for t in plan.targets}
    assert len(months) == 12 and sum(months.values()) == Decimal("1300000.13")
    assert months["2026-12"] == pytest.approx(2 * months["2026-01"], abs=Decimal("0.02"))


def test_a_lead_may_only_set_their_own_teams_targets(db: Path) -> None:
    repo = _repo(db)
    data = csv_file([HEADER, ["zhang", "sales", "2026-04", 1], ["amy", "sales", "2026-04", 2]])
    plan = read_plan(repo, data, scope={"east"})
    assert not plan.ok
    assert [(p.row, p.key) for p in plan.problems] == [(3, "not_your_team")]
    assert read_plan(repo, data, scope=None).ok


def test_hostile_cells_are_refused_not_run(db: Path) -> None:
    repo = _repo(db)
    data = csv_file(
        [
            HEADER,
            ["zhang\x07\x1b", "sales", "2026-04", "9" * 15],
            ["<b>x</b>" * 200, "sales", "2026-04", 1],
        ]
    )
    plan = read_plan(repo, data)
    assert [p.key for p in plan.problems] == ["too_large", "unknown_person"]
    with pytest.raises(SheetError):
        read_plan(repo, b"\x00" * 1000)


def test_the_template_round_trips(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "template.xlsx"
    for lang in ("en", "zh"):
        code = main(
            [
                "plan",
                "template",
                "--out",
                str(out),
                "--db",
                str(db),
                "--team",
                "east",
                "--lang",
                lang,
            ]
        )
        capsys.readouterr()
        assert code == 0
        code = main(["plan", "import", str(out), "--db", str(db), "--dry-run", "--lang", lang])
        text, err = capsys.readouterr()
        assert code == 0, text + err
