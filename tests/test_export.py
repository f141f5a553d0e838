"""Exports open in a spreadsheet and hold exactly the database's rows: .xlsx and .csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from bot.export import build_export
from bot.export.write import csv_bytes, safe_text, xlsx_bytes
from bot.plans import Period
from bot.store.db import open_db
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo

MARCH = Period.parse("2026-03")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    repo = demo_repo(path)
    # a finding about a rep, acknowledged by the lead; a hostile report text
    finding = repo.record_finding(
        rule="goal.unreachable_pace",
        category="goal",
        subject="zhang",
        audience=["rep", "lead"],
        severity="high",
        evidence={"gap": 1000},
        message="=cmd|' /C calc'!A0",
        found_on=dt.date(2026, 3, 16),
    )
    repo.mark_finding_sent(finding, ["li"])
    repo.add_event(
        "acknowledgement", dt.date(2026, 3, 17), person_id="zhang", by_id="li",
        text="goal.unreachable_pace", source_key=f"ack:{finding}",
    )  # fmt: skip
    repo.save_report(
        person_id="zhang",
        report_date=dt.date(2026, 3, 17),
        raw_text="+SUM(1,2) @evil -1 拜访3家",
        metrics={"visits": 3},
        blockers=['=HYPERLINK("http://x")'],
        next_steps=[],
        warnings=[],
        source="test",
        source_key="test:hostile",
    )
    repo.db.close()
    return path


@pytest.fixture
def repo(demo_copy: Path) -> Repository:
    return Repository(open_db(demo_copy))


def _db_reports(repo: Repository, team: str) -> list[tuple[str, str, str]]:
    rows = repo.db.conn.execute(
        "SELECT r.report_date, r.person_id, r.raw_text FROM reports r JOIN people p "
        "ON p.id = r.person_id WHERE p.team_id = ? AND r.withdrawn = 0 "
        "AND r.report_date BETWEEN '2026-03-01' AND '2026-03-31' ORDER BY r.report_date, r.id",
        [team],
    ).fetchall()
    return [(str(d), str(p), str(t)) for d, p, t in rows]


def test_the_workbook_holds_the_databases_rows_with_real_types(repo: Repository) -> None:
    team = repo.team("east")
    assert team is not None
    data = build_export(repo, [team], MARCH, "en")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(data, "en")))
    assert book.sheetnames == ["Reports", "Findings", "People"]
    sheet = book["Reports"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Date", "Team", "Person id", "Person"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = _db_reports(repo, "east")
    text_col = header.index("Text")
    got = [(r[0].date().isoformat(), r[2], r[text_col]) for r in rows]  # type: ignore[union-attr]
    assert [(d, p) for d, p, _ in got] == [(d, p) for d, p, _ in expected]
    assert isinstance(rows[0][0], dt.datetime)  # a date cell (openpyxl reads dates as datetimes)
    visits = header.index("visits")
    db_visits = repo.db.conn.execute(
        "SELECT sum(m.value) FROM report_metrics m JOIN reports r ON r.id = m.report_id JOIN people p "
        "ON p.id = r.person_id WHERE p.team_id = 'east' AND m.metric = 'visits' AND r.withdrawn = 0 "
        "AND r.report_date BETWEEN '2026-03-01' AND '2026-03-31'"
    ).fetchone()[0]
    assert sum(float(str(r[visits] or 0)) for r in rows) == db_visits
    assert all(isinstance(r[visits], int | float) for r in rows if r[visits] is not None)
    assert sheet.column_dimensions["A"].width >= 10
    # nothing a spreadsheet would run: risky text starts with an apostrophe
    hostile = next(r for r in rows if r[text_col] and "SUM" in str(r[text_col]))
    assert hostile[text_col] == "'+SUM(1,2) @evil -1 拜访3家"
    assert str(hostile[header.index("Blockers")]).startswith("'=")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    findings = list(book["Findings"].iter_rows(min_row=2, values_only=True))
    db_findings = repo.db.conn.execute(
        "SELECT count(*) FROM findings WHERE subject IN (SELECT id FROM people WHERE team_id = 'east') "
        "OR subject = 'east'"
    ).fetchone()[0]
    assert len(findings) == db_findings == 1
    fheader = [c.value for c in book["Findings"][1]]
    row = dict(zip(fheader, findings[0], strict=True))
    assert row["Acknowledged"] == "yes" and row["Acknowledged by"] == "李娜"
    assert str(row["Message"]).startswith("'=")
    people = list(book["People"].iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in people} >= {"zhang", "chen", "liu", "zhao"}


def test_csv_parses_back_with_a_bom_and_chinese(repo: Repository) -> None:
    teams = repo.teams()
    data = build_export(repo, teams, MARCH, "zh")
    raw = csv_bytes(data, "reports", "zh")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["日期", "团队", "人员编号", "人员"]
    expected = _db_reports(repo, "east") + _db_reports(repo, "south")
    assert sorted((r[0], r[2]) for r in rows[1:]) == sorted((d, p) for d, p, _ in expected)
    assert any(r[1] == "华东一组" for r in rows[1:])
    findings = list(csv.reader(io.StringIO(csv_bytes(data, "findings", "zh").decode("utf-8-sig"))))
    assert len(findings) == 2 and findings[1][10] == "是"


def test_a_rep_exports_only_their_own(repo: Repository) -> None:
    team = repo.team("east")
    assert team is not None
    data = build_export(repo, [team], MARCH, "en", only_person="chen")
    assert data.reports and {r.person_id for r in data.reports} == {"chen"}
    assert not data.findings  # the only finding is about zhang


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_formula_guard(text: str) -> None:
    assert safe_text(text) == "'" + text
    assert safe_text("plain 1") == "plain 1"


def test_execoach_export_writes_xlsx_csv_and_zip(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "east.xlsx"
    code = main(
        [
            "export",
            "--db",
            str(demo_db),
            "--team",
            "east",
            "--period",
            "2026-03",
            "--out",
            str(out),
            "--json",
            "--lang",
            "en",
        ]
    )
    stdout, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(stdout)
    with sqlite3.connect(demo_db) as conn:
        count = conn.execute(
            "SELECT count(*) FROM reports r JOIN people p ON p.id = r.person_id WHERE p.team_id = 'east' "
            "AND r.withdrawn = 0 AND r.report_date LIKE '2026-03-%'"
        ).fetchone()[0]
    assert result["reports"] == count
    assert result["findings"] == result["findings_sent"] + result["findings_rule_base"]
    assert result["findings_sent"] == 1 and result["as_of"] is not None
    book = openpyxl.load_workbook(out, read_only=True)
    assert book["Reports"].max_row == count + 1
    code = main(
        ["export", "--db", str(demo_db), "--out", str(tmp_path / "all.csv"), "--period", "2026-W11"]
    )
    capsys.readouterr()
    assert code == 0
    assert sorted(p.name for p in tmp_path.glob("all-*.csv")) == [
        "all-findings.csv",
        "all-people.csv",
        "all-reports.csv",
    ]
    week = list(csv.reader(io.StringIO((tmp_path / "all-reports.csv").read_text("utf-8-sig"))))
    assert all("2026-03-09" <= r[0] <= "2026-03-15" for r in week[1:]) and len(week) > 1
    code = main(["export", "--db", str(demo_db), "--out", str(tmp_path / "x.zip")])
    capsys.readouterr()
    assert code == 0 and zipfile.ZipFile(tmp_path / "x.zip").namelist() == [
        "reports.csv",
        "findings.csv",
        "people.csv",
    ]


def test_execoach_export_from_a_scenario_runs_the_rules(
    capsys: pytest.CaptureFixture[str], shared_dir: Path, tmp_path: Path
) -> None:
    scenario = shared_dir / "examples" / "scenario-small.json"
    out = tmp_path / "s.xlsx"
    code = main(["export", str(scenario), "--out", str(out), "--json"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    code = main(["check", str(scenario), "--json"])
    check = json.loads(capsys.readouterr()[0])
    result = json.loads(stdout)
    # nothing was sent from a scenario: every finding is the rule base's, as `check` finds
    assert result["findings_sent"] == 0
    assert result["findings"] == result["findings_rule_base"] == len(check["findings"])
    assert result["as_of"] == check["today"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--team", "nope"], "no team"),
        (["--period", "March"], "--period 2026-03"),
        (["--out", "x.pdf"], "--out must end"),
        (["--out", "/nonexistent/dir/x.xlsx"], "cannot write /nonexistent/dir/x.xlsx"),
        (["--out", "/proc/x.xlsx"], "cannot write /proc/x.xlsx"),
    ],
)
def test_execoach_export_bad_input(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, argv: list[str], message: str
) -> None:
    args = ["export", "--db", str(demo_db), "--out", str(tmp_path / "x.xlsx"), "--lang", "en"]
    code = main([*args, *argv])
    _, err = capsys.readouterr()
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert "/export" not in err  # the bot's syntax is not the command line's


def subject_of(subject: str) -> dict[str, str]:
    """An event's subject as the lead's acknowledgement stores it: a team or a person."""
    return {"team_id": subject} if subject == "east" else {"person_id": subject}


def test_findings_say_where_they_come_from_with_who_got_them_and_when_acknowledged(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, tmp_path: Path
) -> None:
    """A rep's prompt (recorded as the report reply records it) names the rep as its
    receiver; the lead's acknowledgement has its date; severity is in the sheet's
    language; the rule base's findings as of the export's day come marked as such."""
    from bot.findings import record, run_rules

    repo = Repository(open_db(demo_copy))
    day = dt.date(2026, 3, 16)
    mine = [f for f in run_rules(repo, day) if f.subject == "zhang" and "rep" in f.audience]
    assert mine, "the demo has a finding for zhang"
    record(repo, mine[:1], day, ["prompt to zhang"], audience="rep")
    east = {p.id for p in repo.people_in_team("east")} | {"east"}
    lead = next(
        f
        for f in run_rules(repo, day)
        if "lead" in f.audience and f.subject in east and f.subject != "zhang"
    )
    (lead_id,) = record(repo, [lead], day, ["to li"], audience="lead")
    repo.mark_finding_sent(lead_id, ["li"])
    repo.add_event(
        "acknowledgement", dt.date(2026, 3, 17), by_id="li", text=lead.rule,
        source_key=f"ack:{lead_id}", **subject_of(lead.subject),
    )  # fmt: skip
    repo.db.close()
    out = tmp_path / "east.xlsx"
    argv = ["export", "--db", str(demo_copy), "--team", "east", "--today", "2026-03-18"]
    code = main([*argv, "--period", "2026-03", "--out", str(out), "--lang", "zh"])
    _, err = capsys.readouterr()
    assert code == 0, err
    sheet = openpyxl.load_workbook(out)["发现"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    sent = {r["提示"]: r for r in rows if r["来源"] == "机器人已发送"}
    assert {"prompt to zhang", "to li"} <= set(sent)  # and the module's hostile one
    assert sent["prompt to zhang"]["发送给"] == "张伟"
    assert sent["to li"]["发送给"] == "李娜" and sent["to li"]["确认人"] == "李娜"
    assert sent["to li"]["确认日期"] == dt.datetime(2026, 3, 17)  # a date cell
    assert {r["严重程度"] for r in rows} <= {"高", "中", "低"}
    found = [r for r in rows if r["来源"] == "规则库截至 2026-03-18"]
    code = main(["check", "--db", str(demo_copy), "--today", "2026-03-18", "--json"])
    check = json.loads(capsys.readouterr()[0])["findings"]
    assert len(found) == len([f for f in check if f["subject"] in east]) > 0
    people = openpyxl.load_workbook(out).worksheets[2]
    pheader = [c.value for c in people[1]]
    assert "规则库截至 2026-03-18 的发现数" in pheader
    about_people = [r for r in found if r["对象编号"] != "east"]
    counts = [r[-1] for r in people.iter_rows(min_row=2, values_only=True)]
    assert sum(int(str(n)) for n in counts) == len(about_people)


def test_a_scenario_acknowledgement_marks_the_rule_base_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An acknowledgement in a scenario's events acknowledges the rule base's finding of
    that rule about that subject, with its date and who."""
    from bot.demo import bundled_scenario

    code = main(["check", str(bundled_scenario()), "--json"])
    first = json.loads(capsys.readouterr()[0])["findings"][0]
    scenario = json.loads(bundled_scenario().read_text("utf-8"))
    team = (
        next(p.get("team") for p in scenario["people"] if p["id"] == first["subject"])
        or first["subject"]
    )
    lead = next(x["lead"] for x in scenario["teams"] if x["id"] == team)
    scenario["events"].append(
        {"kind": "acknowledgement", "date": "2026-03-17", "person": first["subject"],
         "by": lead, "text": first["rule"]}
    )  # fmt: skip
    path = tmp_path / "acked.json"
    path.write_text(json.dumps(scenario), "utf-8")
    out = tmp_path / "x.csv"
    code = main(["export", str(path), "--out", str(out), "--lang", "en"])
    _, err = capsys.readouterr()
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "x-findings.csv").read_text("utf-8-sig"))))
    acked = [r for r in rows if r["Acknowledged"] == "yes"]
    assert acked and all(r["Acknowledged on"] == "2026-03-17" for r in acked)
    assert {(r["Rule"], r["Subject id"]) for r in acked} == {(first["rule"], first["subject"])}
    assert all(r["Source"] == "rule base as of 2026-03-18" for r in rows)
    assert all(r["Severity"] in ("high", "medium", "low") for r in rows)
