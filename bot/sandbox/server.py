"""The sandbox: a local Bot API–compatible HTTP server with a control interface.

    sandbox = Sandbox()
    port = await sandbox.start()
    bot = telegram.Bot(sandbox.token, base_url=sandbox.base_url,
                       base_file_url=sandbox.base_file_url)
    ...
    await sandbox.stop()

Routes: ``/bot<token>/<method>`` (GET or POST; query string, form, JSON or
multipart parameters), ``/file/bot<token>/<path>`` (downloads), and
``/control/<name>`` (see :mod:`bot.sandbox.control`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.sandbox import botapi, messages  # noqa: F401  (registers the Bot API methods)
from bot.sandbox.api import METHODS
from bot.sandbox.control import ControlHandler
from bot.sandbox.errors import JSON, ApiError, not_found, server_error, unauthorized
from bot.sandbox.kinds import OtherMessages
from bot.sandbox.observe import Observe
from bot.sandbox.params import Params, Upload
from bot.sandbox.state import Signal, User, World
from bot.sandbox.webhook import WebhookDelivery

_LOG = logging.getLogger(__name__)
TOKEN_SHAPE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,80}$")
DEFAULT_BOT_ID = 7_000_000_001
MAX_BODY = 60 * 1024 * 1024


class _Handler(tornado.web.RequestHandler):
    def initialize(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def compute_etag(self) -> str | None:
        return None

    def _reply(self, status: int, body: JSON) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        try:
            self.finish(json.dumps(body, ensure_ascii=False).encode())
        except UnicodeEncodeError:  # a lone surrogate someone sent: as a JSON escape
            self.finish(json.dumps(body))

    def _drop(self) -> None:
        self.detach().close()


class BotApiHandler(_Handler):
    """Serves ``/bot<token>/<method>``."""

    async def get(self, token: str, method: str) -> None:
        """Call a method with query-string parameters."""
        await self._handle(token, method)

    async def post(self, token: str, method: str) -> None:
        """Call a method with form, JSON or multipart parameters."""
        await self._handle(token, method)

    def _params(self) -> Params:
        request = self.request
        values: JSON = {
            k: v[-1].decode("utf-8", "replace") for k, v in request.query_arguments.items()
        }
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: can't parse JSON object")
            values.update(body)
        else:
            for key, raw in request.body_arguments.items():
                values[key] = raw[-1].decode("utf-8", "replace")
        files = {
            key: Upload(item[0].filename, item[0].content_type, item[0].body)
            for key, item in request.files.items()
            if item
        }
        return Params(values, files)

    async def _handle(self, token: str, method: str) -> None:
        self._gone = False
        self._task = asyncio.ensure_future(self.sandbox.dispatch(token, method, self._params))
        try:
            result = await self._task
        except asyncio.CancelledError:
            if self._gone:
                return  # the client went away while we waited (a long poll it gave up)
            raise
        if result is None:
            self._drop()
        else:
            self._reply(*result)

    def on_connection_close(self) -> None:
        """Stop waiting for a client that is gone, so a dead poll takes nothing."""
        task: asyncio.Future[Any] | None = getattr(self, "_task", None)
        if task is not None and not task.done():
            self._gone = True
            task.cancel()


class FileHandler(_Handler):
    """Serves ``/file/bot<token>/<path>``, the downloads getFile points to."""

    async def get(self, token: str, path: str) -> None:
        """Send the file's bytes."""
        try:
            self.sandbox.check_token(token)
        except ApiError as exc:
            self._reply(exc.status, exc.payload())
            return
        stored = self.sandbox.world.files.by_path(path)
        if stored is None:
            self._reply(404, not_found().payload())
            return
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.data)


class Sandbox(OtherMessages, Observe):
    """A local Telegram: the Bot API for one bot, and controls to play its users."""

    def __init__(
        self,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        tokens: Iterable[str] | None = None,
        bot_id: int = DEFAULT_BOT_ID,
        bot_username: str = "execoach_sandbox_bot",
        bot_name: str = "ExeCoach",
        privacy_mode: bool = True,
        rate_limits: bool = False,
        first_update_id: int = 1,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.tokens = frozenset(tokens) if tokens is not None else None
        bot = User(id=bot_id, first_name=bot_name, username=bot_username, is_bot=True)
        self.world = World(bot, privacy_mode=privacy_mode, first_update_id=first_update_id)
        self.world.limiter.configure(enabled=rate_limits)
        self._server: tornado.httpserver.HTTPServer | None = None
        self._sockets: list[socket.socket] = []
        self._delivery = WebhookDelivery(self.world)
        self.port = 0

    # ── lifecycle ─────────────────────────────────────────────────────────
    async def start(self) -> int:
        """Listen on ``host:port`` (0 picks a free port); return the bound port."""
        if self._server is not None:
            return self.port
        routes: list[Any] = [
            (r"/bot([^/]+)/([A-Za-z0-9_]*)", BotApiHandler, {"sandbox": self}),
            (r"/file/bot([^/]+)/(.+)", FileHandler, {"sandbox": self}),
            (r"/control/?([a-z_]*)", ControlHandler, {"sandbox": self}),
        ]
        app = tornado.web.Application(
            routes, default_handler_class=_NotFound, log_function=_log_request
        )
        self._sockets = tornado.netutil.bind_sockets(self.requested_port, self.host)
        self.port = int(self._sockets[0].getsockname()[1])
        self._server = tornado.httpserver.HTTPServer(
            app, max_body_size=MAX_BODY, idle_connection_timeout=60
        )
        self._server.add_sockets(self._sockets)
        self.world.stopping = False
        self.world.update_signal, self.world.bot_signal = Signal(), Signal()  # this loop's
        self._delivery.start()
        return self.port

    async def stop(self) -> None:
        """Answer pending long polls, close every connection and stop listening."""
        server, self._server = self._server, None
        if server is None:
            return
        self.world.stopping = True
        self.world.update_signal.notify()
        self.world.bot_signal.notify()
        await self._delivery.stop()
        server.stop()
        await server.close_all_connections()

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # ── addresses ─────────────────────────────────────────────────────────
    @property
    def token(self) -> str:
        """A token this sandbox accepts (the first configured one, or a made-up one)."""
        if self.tokens:
            return sorted(self.tokens)[0]
        return f"{self.world.bot.id}:AAsandbox-token-for-local-tests-only"

    @property
    def url(self) -> str:
        """The server's root URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """python-telegram-bot's ``base_url`` for this sandbox."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """python-telegram-bot's ``base_file_url`` for this sandbox."""
        return f"{self.url}/file/bot"

    # ── the Bot API ───────────────────────────────────────────────────────
    def check_token(self, token: str) -> None:
        """404 for a malformed token, 401 for one this sandbox does not accept."""
        if not TOKEN_SHAPE.match(token):
            raise not_found()
        if self.tokens is not None and token not in self.tokens:
            raise unauthorized()

    async def dispatch(
        self, token: str, method: str, read_params: Callable[[], Params]
    ) -> tuple[int, JSON] | None:
        """Run one Bot API request; None means "drop the connection unanswered"."""
        entry: JSON = {"method": method, "time": time.time()}
        try:
            self.check_token(token)
            params = read_params()
            entry["params"] = params.for_log()
        except ApiError as exc:
            entry["status"] = exc.status
            self.world.log_call(entry)
            return exc.status, exc.payload()
        fault = self.world.faults.take(method)
        outcome: tuple[int, JSON] | None
        if fault is not None and not fault.after_processing:
            outcome = None if fault.drop else _error(server_error(fault.status, fault.description))
        else:
            try:
                outcome = await self._run(method, params)
            except asyncio.CancelledError:
                entry["status"] = "client gone"
                self.world.log_call(entry)
                raise
            if fault is not None:
                outcome = (
                    None if fault.drop else _error(server_error(fault.status, fault.description))
                )
        entry["status"] = outcome[0] if outcome else "dropped"
        if outcome and outcome[0] != 200:
            entry["description"] = outcome[1].get("description")
        self.world.log_call(entry)
        return outcome

    async def _run(self, method: str, params: Params) -> tuple[int, JSON]:
        implementation = METHODS.get(method.lower())
        if implementation is None:
            return _error(not_found())
        try:
            result = await implementation(self.world, params)
        except ApiError as exc:
            return _error(exc)
        return 200, {"ok": True, "result": result}


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Log requests at debug level (tornado would warn about every 4xx the tests provoke)."""
    request = handler.request
    path = re.sub(r"/bot[^/]+/", "/bot<token>/", request.path)
    _LOG.debug("%s %s %s", handler.get_status(), request.method, path)


def _error(exc: ApiError) -> tuple[int, JSON]:
    return exc.status, exc.payload()


class _NotFound(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(not_found().payload()))
