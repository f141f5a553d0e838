"""The one command table: names, handlers, help and who sees them.

Used both to register the handlers and to publish each role's menu, so a
command is never listed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.services import Context

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]

ROLES = ("rep", "lead", "manager", "admin")


@dataclass(frozen=True)
class Command:
    """One command: its name, its handler, its help text key, and the roles that see it."""

    name: str
    handler: Handler
    help_key: str
    roles: tuple[str, ...] = ROLES


def visible_to(command: Command, role: str | None) -> bool:
    """True when a person of `role` (None: not a member) sees the command."""
    return role in command.roles or (role is None and command.name in ("start", "help"))


def _table() -> tuple[Command, ...]:
    from bot.handlers.basics import on_help, on_menu_only
    from bot.handlers.blockers import on_blockers
    from bot.handlers.digest import on_digest
    from bot.handlers.exports import on_export
    from bot.handlers.health import on_health
    from bot.handlers.onboarding import on_away, on_invite, on_lang, on_start, on_team
    from bot.handlers.plan import on_plan
    from bot.handlers.plandoc import on_cancel, on_plandoc
    from bot.handlers.planning import on_round
    from bot.handlers.records import on_coach, on_incentive, on_meeting, on_revise, on_training

    return (
        Command("start", on_start, "bot.cmd.start"),
        Command("help", on_help, "bot.cmd.help"),
        Command("report", on_menu_only, "bot.cmd.report", ("rep", "lead")),
        Command("cancel", on_cancel, "bot.cmd.cancel", ("rep", "lead")),
        Command("blockers", on_blockers, "bot.cmd.blockers"),
        Command("away", on_away, "bot.cmd.away", ("rep", "lead")),
        Command("lang", on_lang, "bot.cmd.lang"),
        Command("invite", on_invite, "bot.cmd.invite", ("lead", "manager", "admin")),
        Command("team", on_team, "bot.cmd.team", ("manager", "admin")),
        Command("meeting", on_meeting, "records.cmd.meeting", ("lead", "manager", "admin")),
        Command("training", on_training, "records.cmd.training", ("lead", "manager", "admin")),
        Command("coach", on_coach, "records.cmd.coach", ("lead", "manager", "admin")),
        Command("incentive", on_incentive, "records.cmd.incentive", ("lead", "manager", "admin")),
        Command("revise", on_revise, "records.cmd.revise", ("lead", "manager", "admin")),
        Command("health", on_health, "health.cmd.health", ("manager", "admin")),
        Command("digest", on_digest, "digest.cmd.help", ("lead", "manager", "admin")),
        Command("round", on_round, "planning.cmd.round", ("lead",)),
        Command("plandoc", on_plandoc, "plandoc.cmd.plandoc", ("lead",)),
        Command("plan", on_plan, "plan.cmd"),
        Command("export", on_export, "export.cmd"),
    )


COMMANDS: tuple[Command, ...] = ()


def commands() -> tuple[Command, ...]:
    """The command table (built on first use, so importing this module stays light)."""
    global COMMANDS
    if not COMMANDS:
        COMMANDS = _table()
    return COMMANDS
