"""The control interface over HTTP: ``/control/<name>`` JSON endpoints for pages and tools.

``POST /control/<action>`` takes a JSON object of keyword arguments and calls the
in-process method of the same name (``send_text``, ``press_button``, …); binary
content goes as ``content_base64``. ``GET /control/<query>?arg=value`` reads
(``messages?chat_id=1``, ``next_message?chat_id=1&timeout=5``). Answers are
``{"ok": true, "result": …}``; a wait that times out answers ``result: null``;
a mistake answers 400 with ``{"ok": false, "description": …}``.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
import re
from typing import TYPE_CHECKING, Any

import tornado.web

from bot.sandbox.errors import JSON, ApiError
from bot.sandbox.limits import RateLimits

if TYPE_CHECKING:
    from bot.sandbox.server import Sandbox

ACTIONS = frozenset(
    {
        "add_user",
        "add_group",
        "send_text",
        "send_command",
        "open_start_link",
        "edit_text",
        "press_button",
        "send_document",
        "send_photo",
        "send_sticker",
        "send_voice",
        "send_location",
        "send_raw",
        "forward",
        "block_bot",
        "unblock_bot",
        "set_rate_limits",
        "fail_next",
        "drop_next",
        "set_drop_connections",
        "clear_faults",
        "set_clock_offset",
    }
)
QUERIES = frozenset(
    {
        "users",
        "chats",
        "messages",
        "bot_messages",
        "last_bot_message",
        "next_message",
        "next_edit",
        "callback_answer",
        "wait_for_answer",
        "chat_actions",
        "reply_keyboard",
        "commands",
        "visible_commands",
        "menu_button",
        "pending_updates",
        "webhook_info",
        "calls",
        "now",
    }
)
_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+\.\d*$")


def _from_query(raw: str) -> Any:
    """Read a query-string value: numbers, true/false/null and JSON become values."""
    if _INTEGER.match(raw):
        return int(raw)
    if _NUMBER.match(raw):
        return float(raw)
    if raw in ("true", "false", "null"):
        return json.loads(raw)
    if raw[:1] in ("{", "["):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _arguments(name: str, body: JSON) -> JSON:
    kwargs = dict(body)
    encoded = kwargs.pop("content_base64", None)
    if encoded is not None:
        try:
            kwargs["content"] = base64.b64decode(str(encoded), validate=True)
        except binascii.Error:
            raise ValueError("content_base64 is not valid base64") from None
    if name == "set_rate_limits" and isinstance(kwargs.get("limits"), dict):
        kwargs["limits"] = RateLimits(**kwargs["limits"])
    return kwargs


class ControlHandler(tornado.web.RequestHandler):
    """Serves ``/control/<name>``."""

    def initialize(self, sandbox: Sandbox) -> None:
        """Keep the sandbox the endpoints act on."""
        self.sandbox = sandbox

    def compute_etag(self) -> str | None:
        """Never cache: every answer reflects the sandbox now."""
        return None

    async def get(self, name: str) -> None:
        """Read: a query, the list of endpoints, or a file's bytes."""
        if not name:
            self._answer(
                200,
                {"ok": True, "result": {"actions": sorted(ACTIONS), "queries": sorted(QUERIES)}},
            )
            return
        if name == "file":
            try:
                data = self.sandbox.file_bytes(self.get_query_argument("file_id", ""))
            except ValueError as exc:
                self._answer(404, {"ok": False, "description": str(exc)})
                return
            self.set_header("Content-Type", "application/octet-stream")
            self.finish(data)
            return
        if name not in QUERIES:
            self._answer(404, {"ok": False, "description": f"no control query {name!r}"})
            return
        args = {k: _from_query(v[-1].decode()) for k, v in self.request.query_arguments.items()}
        await self._call(name, args)

    async def post(self, name: str) -> None:
        """Act: call one action (or query) with the JSON body as keyword arguments."""
        if name not in ACTIONS and name not in QUERIES:
            self._answer(404, {"ok": False, "description": f"no control action {name!r}"})
            return
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._answer(400, {"ok": False, "description": "the body must be a JSON object"})
            return
        try:
            args = _arguments(name, body)
        except (TypeError, ValueError) as exc:
            self._answer(400, {"ok": False, "description": str(exc)})
            return
        await self._call(name, args)

    async def _call(self, name: str, args: JSON) -> None:
        function = getattr(self.sandbox, name)
        try:
            result = function(**args)
            if inspect.isawaitable(result):
                result = await result
        except TimeoutError:
            result = None
        except ApiError as exc:
            self._answer(exc.status, {"ok": False, "description": exc.description})
            return
        except (TypeError, ValueError, KeyError) as exc:
            self._answer(400, {"ok": False, "description": str(exc)})
            return
        self._answer(200, {"ok": True, "result": result})

    def _answer(self, status: int, body: JSON) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))
