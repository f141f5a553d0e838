"""build_application(): the one place that registers handlers and jobs.

Handler order matters: commands first, then reports (new and edited text in a
private chat), then the button that withdraws a report, then everything else a
person can send in a private chat. Group chats are ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.clock import MovableClock
from bot.commands import commands
from bot.handlers.basics import on_error, on_other, on_stale_button, on_unknown_command
from bot.handlers.blockers import RESOLVE, on_resolve
from bot.handlers.dialogue import dialogue_handler
from bot.handlers.health import PREFIX as HEALTH
from bot.handlers.health import on_health_button
from bot.handlers.leads import ACK, on_ack
from bot.handlers.plan import IMPORT, on_plan_file, on_plan_import_button
from bot.handlers.plandoc import PREFIX as PLANDOC
from bot.handlers.plandoc import on_plandoc_button
from bot.handlers.planning import on_lead_button
from bot.handlers.planning_answers import on_answer_button
from bot.handlers.planning_view import ANSWER as PLAN_ANSWER
from bot.handlers.planning_view import LEAD as PLAN_LEAD
from bot.handlers.questions import IS_REPORT, QUERY, STORED, on_is_report, on_question_button
from bot.handlers.records import PREFIX as RECORD
from bot.handlers.records import on_record_button
from bot.handlers.report import WITHDRAW, on_report, on_withdraw
from bot.handlers.throttle import Throttle, throttle_setting
from bot.i18n import t
from bot.inbox import Inbox
from bot.scheduler import Scheduler
from bot.sending import PatientLimiter
from bot.services import Services
from bot.store.repository import Repository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BotSettings:
    """How to reach Telegram (or another Bot API server)."""

    token: str
    api_url: str | None = None  # e.g. http://127.0.0.1:8081/bot
    file_url: str | None = None
    poll_timeout: int = 10
    webhook_url: str | None = None  # set: webhook mode (Telegram POSTs updates to it)
    webhook_port: int = 8443
    webhook_secret: str = ""
    webhook_path: str = "/telegram"


def build_application(
    settings: BotSettings, repo: Repository, now: Callable[[], dt.datetime] | None = None
) -> Application:  # type: ignore[type-arg]
    """The python-telegram-bot application with every handler registered."""
    builder = (
        Application.builder()
        .token(settings.token)
        .context_types(ContextTypes(bot_data=Services))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(PatientLimiter(max_retries=3))
        .updater(None)
    )
    if settings.api_url:
        builder = builder.base_url(settings.api_url)
        file_url = settings.file_url or settings.api_url.replace("/bot", "/file/bot", 1)
        builder = builder.base_file_url(file_url)
    application = builder.build()
    application.bot_data.repo = repo
    if now is not None:
        application.bot_data.now = now
    private = filters.ChatType.PRIVATE
    # the gate first: a flood from one person is dropped before anything reads it
    application.add_handler(Throttle(*throttle_setting()).handler(), group=-1)
    application.add_handler(dialogue_handler())  # before the free-text report handler
    for command in commands():
        application.add_handler(CommandHandler(command.name, command.handler, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_report))
    # a target file (a document) before its caption is read as a report
    application.add_handler(MessageHandler(private & filters.Document.ALL, on_plan_file))
    application.add_handler(MessageHandler(private & filters.CAPTION, on_report))
    application.add_handler(CallbackQueryHandler(on_withdraw, pattern=f"^{WITHDRAW}:"))
    application.add_handler(CallbackQueryHandler(on_ack, pattern=f"^{ACK}:"))
    application.add_handler(CallbackQueryHandler(on_resolve, pattern=f"^{RESOLVE}:"))
    application.add_handler(CallbackQueryHandler(on_plan_import_button, pattern=f"^{IMPORT}:"))
    application.add_handler(CallbackQueryHandler(on_record_button, pattern=f"^{RECORD}:"))
    application.add_handler(CallbackQueryHandler(on_health_button, pattern=f"^{HEALTH}:"))
    application.add_handler(CallbackQueryHandler(on_answer_button, pattern=f"^{PLAN_ANSWER}:"))
    application.add_handler(CallbackQueryHandler(on_lead_button, pattern=f"^{PLAN_LEAD}:"))
    application.add_handler(CallbackQueryHandler(on_plandoc_button, pattern=f"^{PLANDOC}:"))
    application.add_handler(
        CallbackQueryHandler(on_question_button, pattern=f"^({QUERY}|{STORED})\\|")
    )
    application.add_handler(CallbackQueryHandler(on_is_report, pattern=f"^{IS_REPORT}\\|"))
    application.add_handler(CallbackQueryHandler(on_stale_button))
    application.add_handler(MessageHandler(private & ~filters.TEXT, on_other))
    application.add_error_handler(on_error)
    return application


async def publish_commands(application: Application, repo: Repository) -> int:  # type: ignore[type-arg]
    """Publishes the command menus from the one command table: the default menu for
    everyone, and each member's own (by role and language) in their private chat."""
    from telegram import BotCommandScopeChat
    from telegram.error import TelegramError

    from bot.commands import visible_to
    from bot.i18n import normalise_lang

    for lang in ("en", "zh"):
        menu = [BotCommand(c.name, t(c.help_key, lang)) for c in commands() if visible_to(c, None)]
        await application.bot.set_my_commands(
            menu, scope=BotCommandScopeDefault(), language_code=None if lang == "en" else lang
        )
    published = 0
    for person in repo.people(active_only=True):
        if person.telegram_id is None:
            continue
        lang = normalise_lang(person.lang)
        menu = [
            BotCommand(c.name, t(c.help_key, lang))
            for c in commands()
            if visible_to(c, person.role)
        ]
        try:
            await application.bot.set_my_commands(
                menu, scope=BotCommandScopeChat(person.telegram_id)
            )
        except TelegramError:
            continue  # they never opened the bot: their menu comes with /start
        published += 1
    return published


async def run_bot(
    settings: BotSettings,
    repo: Repository,
    stop: asyncio.Event | None = None,
    now: Callable[[], dt.datetime] | None = None,
    on_inbox: Callable[[Inbox], None] | None = None,
    clock: MovableClock | None = None,
) -> None:
    """Runs the bot until `stop` is set (or SIGINT / SIGTERM). With a movable `clock`,
    the bot sees its time (and `now` is ignored)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    if clock is not None:
        now = clock.now
    application = build_application(settings, repo, now)
    application.bot_data.clock = clock
    async with application:
        if not settings.webhook_url:
            await application.bot.delete_webhook()
        await publish_commands(application, repo)
        await application.start()
        Scheduler(application, repo, application.bot_data.now).install()
        inbox = Inbox(application, repo, settings.poll_timeout)
        if on_inbox is not None:
            on_inbox(inbox)  # lets a benchmark read the handling times
        try:
            if settings.webhook_url:
                await _run_webhook(application, repo, settings, inbox, stop)
            else:
                await inbox.run(stop)
        finally:
            await application.stop()


async def _run_webhook(
    application: Application,  # type: ignore[type-arg]
    repo: Repository,
    settings: BotSettings,
    inbox: Inbox,
    stop: asyncio.Event,
) -> None:
    """Webhook mode: updates arrive by POST, are stored, then handled in order."""
    from bot.webhook import WebhookServer

    server = WebhookServer(
        repo, settings.webhook_secret, settings.webhook_port, settings.webhook_path
    )
    server.start()
    try:
        await application.bot.set_webhook(
            str(settings.webhook_url),
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        await inbox.drain()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wake.wait(), timeout=1.0)
            server.wake.clear()
            await inbox.drain()
    finally:
        await server.stop()
