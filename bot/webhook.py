"""Webhook mode: Telegram POSTs each update; it is stored in the inbox before the 200.

python-telegram-bot's own webhook answers 200 once an update is queued in memory,
so a crash loses it (style.md). This small server stores the update first, then
answers, then wakes the inbox loop. The secret token header is checked on every
request (a wrong or missing one gets 403 and is not stored).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

import tornado.httpserver
import tornado.web

from bot.store.repository import Repository

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, repo: Repository, secret: str, wake: asyncio.Event) -> None:
        self.repo, self.secret, self.wake = repo, secret, wake

    def check_xsrf_cookie(self) -> None:  # Telegram sends no cookies
        return

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        try:
            payload: Any = json.loads(self.request.body or b"{}")
            update_id = int(payload["update_id"])
        except (ValueError, KeyError, TypeError):
            self.set_status(400)
            return
        from bot.inbox import well_formed

        self.repo.inbox_put(update_id, well_formed(payload))  # stored before Telegram hears 200
        self.set_status(200)
        self.wake.set()


class WebhookServer:
    """Receives updates on `path` at `port` and stores them before answering."""

    def __init__(self, repo: Repository, secret: str, port: int, path: str = "/telegram") -> None:
        self.repo, self.secret, self.port, self.path = repo, secret, port, path
        self.wake = asyncio.Event()
        self._server: tornado.httpserver.HTTPServer | None = None

    def start(self) -> None:
        """Listens on 0.0.0.0:port (behind the HTTPS proxy Telegram talks to)."""
        app = tornado.web.Application(
            [
                (
                    self.path,
                    _UpdateHandler,
                    {"repo": self.repo, "secret": self.secret, "wake": self.wake},
                )
            ]
        )
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_BODY)
        self._server.listen(self.port)

    async def stop(self) -> None:
        """Stops listening."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
