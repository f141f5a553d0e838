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
    from bot.handlers.plandoc import plandoc_route
    from bot.handlers.planning import lead_adjust_route
    from bot.handlers.planning_answers import rep_answer_route
    from bot.handlers.questions import question_route
    from bot.handlers.records import notes_route

    # a rep's draft for an open planning question first (a daily report still falls
    # through); the plan document wizard before a lead's "张伟 28万" adjustment
    # a question last: every route before it takes only what is plainly its own
    return (rep_answer_route, notes_route, plandoc_route, lead_adjust_route, question_route)
