"""What every handler needs, typed: the repository and the settings (no bot_data["x"])."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ExtBot

if TYPE_CHECKING:
    from bot.clock import MovableClock
    from bot.store.repository import Repository


@dataclass
class Services:
    """The application's shared services; python-telegram-bot keeps one as bot_data."""

    repo: Repository | None = None
    admins: frozenset[int] = field(default_factory=frozenset)
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    clock: MovableClock | None = None  # the sandbox's and tests' clock, when it can be moved

    @property
    def store(self) -> Repository:
        """The repository (set when the application is built)."""
        if self.repo is None:
            raise RuntimeError("the application was built without a repository")
        return self.repo


Context = CallbackContext[ExtBot[None], dict[object, object], dict[object, object], Services]
