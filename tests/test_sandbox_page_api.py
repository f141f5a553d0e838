"""The chat page's JSON endpoints over plain HTTP: people, strings, chats, the clock — and
hostile requests (oversized, bad JSON, unknown people, forged buttons, another host)."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import urllib.request
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.i18n import catalogue
from bot.sandbox.page_data import clock_target, keyboard_view, message_view, page_strings
from tests.helpers.bot import free_port
from tests.helpers.page import RunningSandbox, http, running_sandbox, wait_for

AMY, TOM, BEN, MIKE, WANG = 9021, 9022, 9024, 9003, 9001
STATIC = Path(__file__).parents[1] / "bot" / "sandbox" / "static"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with running_sandbox(tmp_path_factory.mktemp("page-api")) as running:
        yield running


def chat(sandbox: RunningSandbox, user: int) -> dict[str, Any]:
    status, state = http(f"{sandbox.page_url}/api/poll?users={user}")
    assert status == 200, state
    result: dict[str, Any] = state["chats"][str(user)]
    return result


def bot_messages(sandbox: RunningSandbox, user: int) -> list[dict[str, Any]]:
    return [m for m in chat(sandbox, user)["messages"] if m["from_bot"]]


# ── what the page reads ────────────────────────────────────────────────────
def test_people_are_the_demo_organisation_with_role_team_and_language(
    sandbox: RunningSandbox,
) -> None:
    status, body = http(f"{sandbox.page_url}/api/people")
    assert status == 200
    people = {p["key"]: p for p in body["people"]}
    demo = json.loads((Path(__file__).parents[1] / "bot/demo/demo.json").read_text("utf-8"))
    assert set(people) == {p["id"] for p in demo["people"] if p.get("telegram_id")}
    assert [p["role"] for p in body["people"]][:3] == ["manager", "lead", "lead"]
    assert people["li"]["team"] == "华东一组" and people["li"]["lang"] == "zh"
    assert people["amy"]["team"] == "South Team" and people["amy"]["lang"] == "en"
    assert "华东一组" in people["wang"]["team"] and "South Team" in people["wang"]["team"]
    assert body["zone"] == "Asia/Shanghai"


def test_the_page_gets_its_strings_from_both_catalogues(sandbox: RunningSandbox) -> None:
    _, en = http(f"{sandbox.page_url}/api/strings?lang=en")
    _, zh = http(f"{sandbox.page_url}/api/strings?lang=zh")
    assert en["strings"] == page_strings("en") and zh["strings"] == page_strings("zh")
    assert set(en["strings"]) == set(zh["strings"])
    assert en["strings"]["clock_monday"] != zh["strings"]["clock_monday"]


def test_every_string_the_page_script_uses_is_in_both_catalogues() -> None:
    script = "\n".join((STATIC / name).read_text("utf-8") for name in ("app.js", "view.js"))
    keys = set(re.findall(r"\btr\(\"([a-z_.]+[a-z_])\"", script))
    roles = ("rep", "lead", "manager", "admin")
    keys |= {f"role.{r}" for r in roles} | {f"hint.{r}" for r in roles}
    keys |= {f"kind.{k}" for k in ("sticker", "voice", "location", "other")}
    keys |= set(re.findall(r"\"(try\.[a-z_]+)\"", script))
    assert len(keys) > 30
    for lang in ("en", "zh"):
        missing = sorted(k for k in keys if f"sandbox.page.{k}" not in catalogue(lang))
        assert not missing, f"{lang}: {missing}"


def test_the_page_is_served_with_a_strict_content_security_policy(
    sandbox: RunningSandbox,
) -> None:
    with urllib.request.urlopen(sandbox.page_url + "/", timeout=5) as response:
        html = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "/static/app.js" in html and "<script>" not in html  # no inline script
    for name in ("app.js", "view.js", "app.css"):
        with urllib.request.urlopen(f"{sandbox.page_url}/static/{name}", timeout=5) as response:
            assert response.read() == (STATIC / name).read_bytes()
    for name in ("app.js", "view.js", "index.html"):  # nothing fetched from elsewhere
        assert "http://" not in (STATIC / name).read_text("utf-8").replace("https?:\\/\\/", "")


# ── acting as people ───────────────────────────────────────────────────────
def test_a_rep_reports_and_the_poll_shows_the_reply_as_text_and_entities(
    sandbox: RunningSandbox,
) -> None:
    status, sent = http(
        f"{sandbox.page_url}/api/send",
        {"user": AMY, "text": "Visited 7 stores, 2 orders, sales 15k. Tomorrow: call Hualian"},
    )
    assert status == 200 and sent["ok"]
    (reply, *_) = wait_for(lambda: bot_messages(sandbox, AMY), what="bot reply")
    assert "visits 7" in reply["text"] and "orders 2" in reply["text"]
    assert "<b>" not in reply["text"]  # HTML became entities
    assert any(e["type"] == "bold" for e in reply["entities"])
    mine = chat(sandbox, AMY)["messages"][0]
    assert not mine["from_bot"] and mine["text"].startswith("Visited 7")


def test_a_long_poll_returns_when_the_bot_answers(sandbox: RunningSandbox) -> None:
    _, first = http(f"{sandbox.page_url}/api/poll?users={BEN}")
    stamp = first["stamp"]
    http(f"{sandbox.page_url}/api/send", {"user": BEN, "text": "Visits 5, orders 1, sales 4k"})
    _, later = http(f"{sandbox.page_url}/api/poll?users={BEN}&since={stamp}&wait=10")
    assert later["stamp"] != stamp
    assert later["chats"][str(BEN)]["messages"]


def test_pressing_an_inline_button_reaches_the_bot_and_its_answer_comes_back(
    sandbox: RunningSandbox,
) -> None:
    http(f"{sandbox.page_url}/api/send", {"user": TOM, "text": "Visits 12, orders 0, sales 1k"})
    reply = wait_for(
        lambda: [m for m in bot_messages(sandbox, TOM) if m["buttons"]], what="a button"
    )[0]
    button = reply["buttons"][0][0]
    status, pressed = http(
        f"{sandbox.page_url}/api/press",
        {"user": TOM, "message": reply["id"], "data": button["data"]},
    )
    assert status == 200 and pressed["answer"]  # the bot's callback answer (a toast)
    edited = wait_for(
        lambda: [m for m in bot_messages(sandbox, TOM) if m["id"] == reply["id"] and m["edited"]],
        what="the edited message",
    )[0]
    assert edited["buttons"] == []  # the edit removed the keyboard, in place


def test_a_lead_sees_the_commands_menu(sandbox: RunningSandbox) -> None:
    commands = {c["command"] for c in chat(sandbox, MIKE)["commands"]}
    assert {"help", "blockers"} <= commands


def test_messages_reach_the_page_as_text_and_entities_with_only_http_links() -> None:
    buttons = [
        [{"text": "ok", "callback_data": "ack:1"}, {"text": "web", "url": "https://example.com"}],
        [{"text": "evil", "url": "javascript:alert(1)"}, {"text": "tg", "url": "tg://user?id=1"}],
    ]
    record = {
        "message_id": 7,
        "from_bot": True,
        "kind": "photo",
        "edits": 1,
        "message": {
            "date": 1,
            "caption": "<b>x</b>",
            "caption_entities": [{"type": "bold", "offset": 0, "length": 8}],
            "photo": [{"file_id": "a", "width": 90, "height": 60}, {"width": 900, "height": 600}],
            "reply_markup": {"inline_keyboard": buttons},
        },
    }
    view = message_view(record)
    assert view["text"] == "<b>x</b>" and view["entities"][0]["type"] == "bold"
    assert view["edited"] and view["photo"] == {"width": 900, "height": 600}
    assert view["buttons"] == [
        [{"text": "ok", "data": "ack:1"}, {"text": "web", "url": "https://example.com"}],
        [{"text": "evil"}, {"text": "tg"}],
    ]
    assert "file_id" not in json.dumps(view)  # files are fetched by message, not by id
    keyboard = {"keyboard": [["Yes", {"text": "No"}], [{"text": "Later"}]]}
    assert keyboard_view(keyboard) == [["Yes", "No"], ["Later"]]
    assert keyboard_view(None) == []


# ── hostile requests ───────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("path", "body", "status", "error"),
    [
        ("/api/send", {"user": 1234, "text": "hi"}, 404, "unknown_person"),
        ("/api/send", {"user": "9021; drop table", "text": "hi"}, 404, "unknown_person"),
        ("/api/send", {"user": None, "text": "hi"}, 404, "unknown_person"),
        ("/api/send", {"user": AMY, "text": ""}, 400, "bad_text"),
        ("/api/send", {"user": AMY, "text": "   "}, 400, "bad_text"),
        ("/api/send", {"user": AMY, "text": "x" * 4097}, 400, "bad_text"),
        ("/api/send", {"user": AMY, "text": ["a"]}, 400, "bad_text"),
        ("/api/send", [1, 2], 400, "bad_json"),
        ("/api/send", "text", 400, "bad_json"),
        ("/api/press", {"user": AMY, "message": 1, "data": "wd:1"}, 400, "bad_button"),
        ("/api/press", {"user": AMY, "message": 99999, "data": "x"}, 400, "bad_button"),
        ("/api/press", {"user": AMY, "message": "1", "data": 5}, 400, "bad_button"),
        ("/api/press", {"user": 1, "message": 1, "data": "x"}, 404, "unknown_person"),
        ("/api/clock", {"move": "back"}, 400, "bad_move"),
        ("/api/clock", {"move": {"days": -3}}, 400, "bad_move"),
    ],
)
def test_bad_requests_get_a_short_clear_answer(
    sandbox: RunningSandbox, path: str, body: Any, status: int, error: str
) -> None:
    got, answer = http(sandbox.page_url + path, body)
    assert (got, answer["ok"], answer["error"]) == (status, False, error)
    assert answer["description"] and "Traceback" not in answer["description"]


def test_bad_json_oversized_bodies_and_other_content_types_are_refused(
    sandbox: RunningSandbox,
) -> None:
    url = f"{sandbox.page_url}/api/send"
    assert http(url, raw=b"{not json")[1]["error"] == "bad_json"
    assert http(url, raw=b"\xff\xfe\x00garbage")[1]["error"] == "bad_json"
    big = json.dumps({"user": AMY, "text": "x" * 100_000}).encode()
    status, answer = http(url, raw=big)
    assert (status, answer["error"]) == (413, "too_big")
    # a form post (what another site could send without asking) is not accepted
    form = http(url, raw=b"user=9021&text=hi", content_type="application/x-www-form-urlencoded")
    assert form[0] == 415 and form[1]["error"] == "not_json"


def test_a_body_beyond_the_server_limit_is_cut_off_and_the_page_keeps_working(
    sandbox: RunningSandbox,
) -> None:
    host, port = sandbox.page_url.removeprefix("http://").split(":")
    connection = HTTPConnection(host, int(port), timeout=10)
    status: int | None
    try:
        connection.putrequest("POST", "/api/send")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(50 * 1024 * 1024))
        connection.endheaders()
        connection.send(b"x" * (2 * 1024 * 1024))
        status = connection.getresponse().status
    except (HTTPException, OSError):
        status = None  # cut off before the body was read
    finally:
        connection.close()
    assert status is None or status >= 400
    assert http(f"{sandbox.page_url}/api/people")[0] == 200


def test_unknown_people_paths_and_files_are_404_in_the_asked_language(
    sandbox: RunningSandbox,
) -> None:
    status, answer = http(f"{sandbox.page_url}/api/poll?users={AMY},4242&lang=zh")
    assert status == 404 and answer["description"] == "演示组织里没有这个人。"
    assert http(f"{sandbox.page_url}/api/poll?users=" + ",".join(["9021"] * 13))[0] == 400
    assert http(f"{sandbox.page_url}/api/file?user={AMY}&message=1")[1]["error"] == "no_file"
    assert http(f"{sandbox.page_url}/api/file?user={AMY}&message=abc")[1]["error"] == "no_file"
    assert http(f"{sandbox.page_url}/api/file?user=77&message=1")[1]["error"] == "unknown_person"
    assert http(f"{sandbox.page_url}/api/../../etc/passwd")[0] == 404
    assert http(f"{sandbox.page_url}/static/../page.py")[0] == 404


def test_another_host_name_is_refused(sandbox: RunningSandbox) -> None:
    status, answer = http(f"{sandbox.page_url}/api/people", headers={"Host": "evil.example"})
    assert status == 403 and answer["error"] == "bad_host"


# ── the clock ──────────────────────────────────────────────────────────────
SHANGHAI = "Asia/Shanghai"


def _cst(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour - 8, minute, tzinfo=dt.UTC)  # 2026-03-18 is a Wednesday


@pytest.mark.parametrize(
    ("move", "now", "expected"),
    [
        ("hour", _cst(18, 12, 30), _cst(18, 13, 30)),
        ("evening", _cst(18, 12), _cst(18, 18)),
        ("evening", _cst(18, 18), _cst(19, 18)),
        ("evening", _cst(18, 23), _cst(19, 18)),
        ("monday", _cst(18, 12), _cst(23, 9)),
        ("monday", _cst(23, 8, 59), _cst(23, 9)),
        ("monday", _cst(23, 9), _cst(30, 9)),
    ],
)
def test_clock_moves_land_on_the_next_evening_and_monday_morning(
    move: str, now: dt.datetime, expected: dt.datetime
) -> None:
    assert clock_target(move, now, SHANGHAI) == expected


def test_moving_the_clock_changes_what_the_page_shows_and_message_dates(
    sandbox: RunningSandbox,
) -> None:
    _, before = http(f"{sandbox.page_url}/api/poll")
    status, moved = http(f"{sandbox.page_url}/api/clock", {"move": "hour"})
    assert status == 200 and 3590 < moved["now"] - before["now"] < 3660
    status, moved = http(f"{sandbox.page_url}/api/clock", {"move": "monday"})
    monday = dt.datetime.fromtimestamp(moved["now"], dt.UTC) + dt.timedelta(hours=8)
    assert (monday.weekday(), monday.hour, monday.minute) == (0, 9, 0)
    http(f"{sandbox.page_url}/api/send", {"user": WANG, "text": "/help"})
    sent = [m for m in chat(sandbox, WANG)["messages"] if not m["from_bot"]]
    assert abs(sent[-1]["date"] - moved["now"]) < 60  # stamped with the sandbox's clock


# ── the command line ───────────────────────────────────────────────────────
@pytest.mark.parametrize(
    "args",
    [["--page-port", "0"], ["--page-port", "70000"], ["--port", "8090", "--page-port", "8090"]],
)
def test_a_bad_page_port_exits_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", *args]) == 2
    err = capsys.readouterr().err
    assert "--page-port" in err and "Traceback" not in err


def test_a_page_port_in_use_exits_2_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        args = ["--port", str(free_port()), "--page-port", str(busy)]
        assert main(["sandbox", *args, "--db", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert str(busy) in err and "--page-port" in err
