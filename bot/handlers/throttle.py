"""Per-person throttling: a gate before every other handler (group -1 in bot/app.py).

More than `limit` updates from one person within `window` seconds (a message or an
edit counts one, a button press half: guided dialogues are mostly presses), and the bot answers once, politely, then ignores that person until
they have been quiet for `window` seconds. An ignored update is still confirmed to
Telegram (the inbox marks it done) but never read: it is not stored as a report and
costs the bot no reply, so a flood cannot hold up everyone else's replies.

Messages are counted by the time they were sent (Telegram's date), so a backlog
replayed after a restart is not mistaken for a flood. The default, 30 in 60 s, is
above the longest guided dialogue (the 15-question health check and its commands);
tune it with $EXECOACH_THROTTLE="COUNT/SECONDS" (e.g. "40/60"; "0/0": off).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections import deque
from dataclasses import dataclass, field

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.handlers.common import person_lang
from bot.i18n import t
from bot.services import Context

log = logging.getLogger(__name__)
ENV_VAR = "EXECOACH_THROTTLE"
DEFAULT = (30, 60.0)
_SPEC = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6}(?:\.\d+)?)\s*$")


def throttle_setting(raw: str | None = None) -> tuple[int, float]:
    """(limit, window) from `raw` or $EXECOACH_THROTTLE; the default when unset or unreadable."""
    raw = os.environ.get(ENV_VAR) if raw is None else raw
    found = _SPEC.match(raw or "")
    if not found:
        if raw:
            log.warning("%s=%r is not COUNT/SECONDS; using %d/%.0f", ENV_VAR, raw, *DEFAULT)
        return DEFAULT
    return int(found[1]), float(found[2])


PRESS = 0.5  # what a button press counts


@dataclass
class _Sender:
    times: deque[tuple[float, float]] = field(default_factory=deque)  # (when, weight)
    load: float = 0.0  # the weights in the window
    blocked_until: float = 0.0


class Throttle:
    """Counts each person's updates in a sliding window and stops a flood."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.dropped = 0
        self._senders: dict[int, _Sender] = {}

    def handler(self) -> TypeHandler[Update, Context, None]:
        """The gate, for `add_handler(..., group=-1)`."""
        return TypeHandler(Update, self.gate)

    def over(self, user_id: int, when: float, weight: float = 1.0) -> tuple[bool, bool]:
        """Counts one update at `when`: (drop it, and whether to say so now)."""
        if self.limit <= 0:
            return False, False
        sender = self._senders.setdefault(user_id, _Sender())
        times = sender.times
        times.append((when, weight))
        sender.load += weight
        while times and times[0][0] <= when - self.window:
            sender.load -= times.popleft()[1]
        if when < sender.blocked_until:
            sender.blocked_until = when + self.window  # quiet for a whole window to come back
            return True, False
        if sender.load > self.limit + 1e-9:
            sender.blocked_until = when + self.window
            return True, True
        if len(self._senders) > 50_000:
            self._forget(when)
        return False, False

    def _forget(self, now: float) -> None:
        idle = [
            uid
            for uid, s in self._senders.items()
            if s.blocked_until <= now and (not s.times or s.times[-1][0] <= now - self.window)
        ]
        for uid in idle:
            del self._senders[uid]

    async def gate(self, update: Update, context: Context) -> None:
        """Lets an update through, or drops it (once with a polite answer) in a flood."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != "private":
            return
        message = update.edited_message or update.message
        when = (
            (message.edit_date or message.date).timestamp()
            if message is not None and (message.edit_date or message.date)
            else time.time()
        )
        drop, tell = self.over(user.id, when, PRESS if update.callback_query else 1.0)
        if not drop:
            return
        self.dropped += 1
        if tell:
            log.warning(
                "throttling user %s: over %d updates in %.0f s", user.id, self.limit, self.window
            )
            person = context.bot_data.store.person_by_telegram_id(user.id)
            with contextlib.suppress(BadRequest, Forbidden):  # they blocked the bot: fine
                await context.bot.send_message(
                    chat.id, t("throttle.slow_down", person_lang(person, update))
                )
        raise ApplicationHandlerStop
