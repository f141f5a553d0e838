"""Free text in a private chat that is not a report: the routes tried before it is read
as one, in order. Each route looks at the message and returns True when it answered
it (a planning-round draft, a question from a lead, …); the first that does wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from telegram import Update

from bot.services import Context
from bot.store.rows import PersonRow

TextRoute = Callable[[Update, Context, PersonRow, str, dt.date], Awaitable[bool]]


def text_routes() -> tuple[TextRoute, ...]:
    """The routes, in the order they are tried (imported late: handlers import this)."""
    return ()
