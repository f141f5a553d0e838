"""The sandbox's chat page: chat as any demo person from a browser, move the clock.

`ChatPage(sandbox, repo, clock)` serves, on its own loopback port:

- ``GET /`` the page (``static/index.html``, ``view.js``, ``app.js``, ``app.css``; no build step,
  no external resources, a strict Content-Security-Policy);
- ``GET /api/people``, ``GET /api/strings?lang=zh`` (the page's strings, from the
  catalogues), ``GET /api/poll?users=1,2&since=STAMP&wait=25`` (long poll: the
  chats of the people open on the page, the clock, a stamp to send back);
- ``POST /api/send`` ``{"user", "text"}``, ``POST /api/press`` ``{"user", "message",
  "data"}`` (an inline button → callback query), ``POST /api/clock`` ``{"move":
  "hour"|"evening"|"monday"}``;
- ``GET /api/file?user=1&message=7`` a photo (inline) or document (a download).

POSTs must be JSON (so another site's page cannot post to it without a CORS
preflight it never gets) and small; failures answer ``{"ok": false, "error":
code, "description": text}`` with a 4xx status, never a traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.i18n import Lang, normalise_lang, t
from bot.sandbox import page_data
from bot.sandbox.errors import ApiError
from bot.sandbox.media import image_size

if TYPE_CHECKING:
    from bot.clock import MovableClock
    from bot.sandbox.server import Sandbox
    from bot.store.repository import Repository

STATIC = Path(__file__).with_name("static")
MAX_POST = 16 * 1024  # a Telegram text is at most 4096 characters
MAX_BODY = 1024 * 1024  # beyond this tornado refuses the request before reading it
MAX_WAIT = 25.0
MAX_OPEN = 12  # people open side by side
PRESS_WAIT = 3.0
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8": "image/jpeg", b"GIF8": "image/gif"}


class PageError(Exception):
    """A request the page API refuses: an HTTP status and a catalogue key."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


class _Base(tornado.web.RequestHandler):
    def initialize(self, page: ChatPage) -> None:
        self.page = page

    def compute_etag(self) -> str | None:
        return None

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        """Refuse another host name (a DNS-rebinding page must not reach the API)."""
        host = self.request.host_name.lower()
        if host not in LOCAL_HOSTS:
            self.refuse(PageError(403, "bad_host"))

    def lang(self) -> Lang:
        return normalise_lang(self.get_query_argument("lang", None) or "en")

    def answer(self, body: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body, ensure_ascii=False))

    def refuse(self, error: PageError) -> None:
        description = t(f"sandbox.page.error.{error.code}", self.lang())
        self.answer({"ok": False, "error": error.code, "description": description}, error.status)

    def body(self) -> dict[str, Any]:
        """The POST's JSON object, checked: JSON content type, small, an object."""
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            raise PageError(415, "not_json")
        if len(self.request.body) > MAX_POST:
            raise PageError(413, "too_big")
        try:
            data = json.loads(self.request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise PageError(400, "bad_json") from None
        if not isinstance(data, dict):
            raise PageError(400, "bad_json")
        return data

    def person(self, value: Any) -> int:
        """A Telegram id of someone the page may act as."""
        try:
            user_id = int(value)
        except (TypeError, ValueError):
            raise PageError(404, "unknown_person") from None
        if user_id not in self.page.people_ids():
            raise PageError(404, "unknown_person")
        return user_id


class IndexHandler(_Base):
    """Serves the page itself."""

    def get(self) -> None:
        """Send index.html with a strict Content-Security-Policy."""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("X-Frame-Options", "DENY")
        self.finish((STATIC / "index.html").read_bytes())


class NoIconHandler(_Base):
    """``/favicon.ico``: none (a browser asks for it)."""

    def get(self) -> None:
        """Answer 204 No Content."""
        self.set_status(204)
        self.finish()


class PeopleHandler(_Base):
    """``GET /api/people``."""

    def get(self) -> None:
        """List the people the page can act as."""
        self.answer({"ok": True, "people": self.page.people(), "zone": self.page.zone})


class StringsHandler(_Base):
    """``GET /api/strings?lang=zh``."""

    def get(self) -> None:
        """Send the page's strings in one language (zh or en)."""
        lang = self.lang()
        self.answer({"ok": True, "lang": lang, "strings": page_data.page_strings(lang)})


class PollHandler(_Base):
    """``GET /api/poll`` — waits until something changed, then sends the open chats."""

    async def get(self) -> None:
        """Answer at once if the stamp differs from ``since``, else when it does (or at ``wait``)."""
        try:
            users = self._users()
        except PageError as exc:
            self.refuse(exc)
            return
        since = self.get_query_argument("since", "")
        try:
            wait = min(MAX_WAIT, max(0.0, float(self.get_query_argument("wait", "0"))))
        except ValueError:
            wait = 0.0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while self.page.stamp() == since and loop.time() < deadline and not self._gone:
            # the bot's messages wake us at once; people's own messages within a second
            await self.page.sandbox.world.bot_signal.wait(min(1.0, deadline - loop.time()))
        if self._gone:
            return
        self.answer(self.page.state(users))

    def _users(self) -> list[int]:
        raw = self.get_query_argument("users", "")
        parts = [p for p in raw.split(",") if p.strip()]
        if len(parts) > MAX_OPEN:
            raise PageError(400, "too_many")
        return [self.person(p) for p in parts]

    def prepare(self) -> None:
        """Notice a client that goes away during a long poll."""
        self._gone = False
        super().prepare()

    def on_connection_close(self) -> None:
        """Stop waiting for a page that was closed."""
        self._gone = True


class SendHandler(_Base):
    """``POST /api/send`` ``{"user", "text"}``."""

    def post(self) -> None:
        """Send a text (a report, a question, a /command) as the person."""
        try:
            body = self.body()
            user_id = self.person(body.get("user"))
            text = body.get("text")
            if not isinstance(text, str) or not text.strip() or len(text) > 4096:
                raise PageError(400, "bad_text")
            sent = self.page.sandbox.send_text(user_id, text)
        except PageError as exc:
            self.refuse(exc)
            return
        self.answer({"ok": True, "message_id": sent["message_id"]})


class PressHandler(_Base):
    """``POST /api/press`` ``{"user", "message", "data"}``."""

    async def post(self) -> None:
        """Press an inline button; answer with the bot's callback answer, if any came."""
        sandbox = self.page.sandbox
        try:
            body = self.body()
            user_id = self.person(body.get("user"))
            data = body.get("data")
            if not isinstance(data, str) or not isinstance(body.get("message"), int):
                raise PageError(400, "bad_button")
            try:
                query = sandbox.press_button(user_id, body["message"], data)
            except ValueError:
                raise PageError(400, "bad_button") from None
        except PageError as exc:
            self.refuse(exc)
            return
        try:
            answer = await sandbox.wait_for_answer(query["id"], timeout=PRESS_WAIT)
        except (TimeoutError, ValueError, ApiError):
            answer = {}
        self.answer(
            {
                "ok": True,
                "answer": answer.get("text") or "",
                "alert": bool(answer.get("show_alert")),
            }
        )


class ClockHandler(_Base):
    """``POST /api/clock`` ``{"move": "hour"|"evening"|"monday"}``."""

    def post(self) -> None:
        """Move the sandbox's clock forward; the scheduler sees it at once."""
        try:
            move = self.body().get("move")
            if move not in page_data.CLOCK_MOVES:
                raise PageError(400, "bad_move")
        except PageError as exc:
            self.refuse(exc)
            return
        clock = self.page.clock
        clock.move_to(page_data.clock_target(str(move), clock.now(), self.page.zone))
        self.answer({"ok": True, "now": clock.now().timestamp()})


class FileHandler(_Base):
    """``GET /api/file?user=1&message=7`` — the photo or document of a message."""

    def get(self) -> None:
        """Send a photo to show inline, or a document as a download."""
        try:
            user_id = self.person(self.get_query_argument("user", ""))
            stored = self._file(user_id, self.get_query_argument("message", ""))
        except PageError as exc:
            self.refuse(exc)
            return
        mime = _IMAGE_TYPES.get(stored.data[:4]) or _IMAGE_TYPES.get(stored.data[:2])
        if stored.kind == "photo" and mime and image_size(stored.data):
            self.set_header("Content-Type", mime)
        else:
            name = stored.file_name or Path(stored.file_path).name
            quoted = urllib.parse.quote(name, safe="")
            self.set_header("Content-Type", "application/octet-stream")
            self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quoted}")
        self.finish(stored.data)

    def _file(self, user_id: int, message: str) -> Any:
        try:
            record = self.page.sandbox.world.message(user_id, int(message))
        except ValueError:
            record = None
        if record is None:
            raise PageError(404, "no_file")
        data = record.data
        file_id = None
        if data.get("photo"):
            file_id = data["photo"][-1].get("file_id")
        elif data.get("document"):
            file_id = data["document"].get("file_id")
        stored = self.page.sandbox.world.files.get(str(file_id)) if file_id else None
        if stored is None:
            raise PageError(404, "no_file")
        return stored


class _NotFound(_Base):
    def prepare(self) -> None:
        super().prepare()
        if not self._finished:
            self.refuse(PageError(404, "not_found"))


class ChatPage:
    """The page's web server, acting on a running sandbox, its database and its clock."""

    def __init__(self, sandbox: Sandbox, repo: Repository, clock: MovableClock) -> None:
        self.sandbox, self.repo, self.clock = sandbox, repo, clock
        self.zone = page_data.organisation_zone(repo)
        self._people = page_data.people_view(repo)
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://127.0.0.1:{self.port}"

    def people(self) -> list[dict[str, Any]]:
        """The demo people the page can act as (those the sandbox knows)."""
        known = {u["id"] for u in self.sandbox.users()}
        return [p for p in self._people if p["id"] in known]

    def people_ids(self) -> set[int]:
        """Telegram ids the page may act as."""
        return {int(p["id"]) for p in self.people()}

    def stamp(self) -> str:
        """Changes when anything the page shows changed."""
        return page_data.stamp(self.sandbox, self.clock)

    def state(self, users: list[int]) -> dict[str, Any]:
        """What a poll answers: the stamp, the clock and the chats of `users`."""
        return {
            "ok": True,
            "stamp": self.stamp(),
            "now": self.clock.now().timestamp(),
            "zone": self.zone,
            "chats": {str(u): page_data.chat_view(self.sandbox, u) for u in users},
        }

    async def start(self, port: int = 0) -> int:
        """Listen on 127.0.0.1:`port` (0: any free port); return the port."""
        routes: list[Any] = [
            (r"/", IndexHandler, {"page": self}),
            (r"/static/(app\.js|view\.js|app\.css)", _StaticHandler, {"path": str(STATIC)}),
            (r"/favicon\.ico", NoIconHandler, {"page": self}),
            (r"/api/people", PeopleHandler, {"page": self}),
            (r"/api/strings", StringsHandler, {"page": self}),
            (r"/api/poll", PollHandler, {"page": self}),
            (r"/api/send", SendHandler, {"page": self}),
            (r"/api/press", PressHandler, {"page": self}),
            (r"/api/clock", ClockHandler, {"page": self}),
            (r"/api/file", FileHandler, {"page": self}),
        ]
        app = tornado.web.Application(
            routes,
            default_handler_class=_NotFound,
            default_handler_args={"page": self},
            log_function=lambda handler: None,
        )
        sockets: list[socket.socket] = tornado.netutil.bind_sockets(port, "127.0.0.1")
        self.port = int(sockets[0].getsockname()[1])
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY)
        self._server.add_sockets(sockets)
        return self.port

    async def stop(self) -> None:
        """Stop listening and close every connection (long polls included)."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()


def follow_clock(sandbox: Sandbox, clock: MovableClock) -> None:
    """Stamp the sandbox's new messages with the bot's clock, now and after every move."""

    def sync(now: dt.datetime) -> None:
        sandbox.set_clock_offset(now.timestamp() - time.time())

    sync(clock.now())
    clock.on_change(sync)


class _StaticHandler(tornado.web.StaticFileHandler):
    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")
