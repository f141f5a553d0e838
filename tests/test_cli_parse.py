"""`execoach parse` as a user runs it: text, --json, --jsonl, bad input, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_json_has_the_contract_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "parse",
        "--json",
        "--today",
        "2026-03-18",
        "拜访8家，成交3单。问题：仓库发货慢。明天：回访华联",
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"date", "metrics", "blockers", "next_steps", "warnings"}
    assert data == {
        "date": "2026-03-18",
        "metrics": {"visits": 8, "orders": 3},
        "blockers": ["仓库发货慢"],
        "next_steps": ["回访华联"],
        "warnings": [],
    }


def test_parse_text_in_the_texts_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "parse", "--today", "2026-03-18", "拜访8家，销售额2.5万")
    assert code == 0
    assert "日期" in out and "2.5万" in out
    code, out, _ = run(
        capsys, "parse", "--today", "2026-03-18", "--lang", "en", "拜访8家，销售额2.5万"
    )
    assert "Date" in out and "25,000" in out


def test_warnings_are_rendered_in_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "parse", "--json", "--lang", "zh", "--today", "2026-03-18", "visits -3")
    assert json.loads(out)["warnings"][0].startswith("拜访 不能为负数")


def test_relative_dates_use_the_time_zone(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "parse", "--json", "--tz", "Asia/Shanghai", "yesterday 5 visits")
    assert code == 0
    assert json.loads(out)["metrics"] == {"visits": 5}


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["parse", "--today", "2026-3-1", "x"], "--today"),
        (["parse", "--today", "yesterday", "x"], "--today"),
        (["parse", "--tz", "Mars/Base", "x"], "Mars/Base"),
        (["parse", "--tz", "../../etc/passwd", "x"], "time zone"),
        (["parse"], "no report text"),
    ],
)
def test_bad_flags_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert needle in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_command_and_flags_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["parse", "--lang", "fr", "x"])
    assert exc.value.code == 2


def test_jsonl_one_result_per_line_in_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps("拜访8家"),
        json.dumps(
            {"text": "Yesterday: 25 calls", "today": "2026-03-18", "timezone": "Asia/Shanghai"}
        ),
        "not json at all",
        json.dumps({"text": 5}),
        json.dumps({"text": "x", "today": "2026-13-01"}),
        json.dumps({"text": "x", "timezone": "Nowhere/Land"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"text": "visits 3", "today": "2026-03-18"}),
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run(capsys, "parse", "--jsonl", "--today", "2026-03-10")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(lines)
    assert results[0]["date"] == "2026-03-10" and results[0]["metrics"] == {"visits": 8}
    assert results[1]["date"] == "2026-03-17" and results[1]["metrics"] == {"calls": 25}
    for bad in (2, 3, 4, 5, 6, 7):
        assert set(results[bad]) == {"error"}, results[bad]
    assert results[8]["metrics"] == {"visits": 3}


def test_python_dash_m_bot_is_the_same_command() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "parse",
            "--json",
            "--today",
            "2026-03-18",
            "sales 1.2w, visits 6",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["metrics"] == {"sales": 12000, "visits": 6}


def test_jsonl_bad_bytes_and_huge_lines_cost_one_line_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.report_batch import MAX_LINE

    data = b"".join(
        [
            json.dumps("visits 1").encode() + b"\n",
            b'"\xff\xfe broken"\n',
            b'"' + b"x" * (MAX_LINE * 3) + b'"\n',
            json.dumps("visits 4").encode(),  # no final newline
        ]
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run(capsys, "parse", "--jsonl", "--today", "2026-03-18")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 4
    assert results[0]["metrics"] == {"visits": 1}
    assert "UTF-8" in results[1]["error"]
    assert str(MAX_LINE) in results[2]["error"]
    assert results[3]["metrics"] == {"visits": 4}


@pytest.mark.parametrize("today", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_dates_outside_the_supported_years_are_refused(
    capsys: pytest.CaptureFixture[str], today: str
) -> None:
    code, _, err = run(capsys, "parse", "--today", today, "昨天拜访8家")
    assert code == 2
    assert "--today" in err


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["parse", "--nope"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--help" in err


def test_a_closed_stdout_is_an_error_not_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "parse", "--today", "2026-03-18", "visits 3"],
        stdout=open("/dev/full", "w"),  # noqa: SIM115
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
