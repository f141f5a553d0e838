"""Commands that run the product or set it up: `run`, `sandbox`, `admin`.

`add_commands` is called by `bot.cli.build_parser`; keep imports here light and do
the heavy ones inside the command functions, so `execoach --help` stays fast.
None of these knows an organisation before it starts: messages are in English
unless `--lang`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from typing import Any

from bot.cli import EXIT_OK, BadInputError, add_common, add_db, lang_arg, redact
from bot.i18n import Lang, t


def add_commands(sub: Any) -> None:
    """Adds this area's subcommands to the `execoach` parser (`sub` = its subparsers)."""
    p = sub.add_parser("run", help="run the bot (long polling)")
    add_db(p)
    p.add_argument(
        "--api-url", metavar="URL", help="another Bot API server, e.g. http://127.0.0.1:8081/bot"
    )
    p.add_argument("--token", metavar="T", help="the bot's token (default: $TELEGRAM_BOT_TOKEN)")
    p.add_argument(
        "--webhook-url", metavar="URL", help="webhook mode: the public HTTPS URL Telegram posts to"
    )
    p.add_argument(
        "--webhook-port",
        type=int,
        default=8443,
        help="the local port the webhook listens on (8443)",
    )
    p.add_argument(
        "--webhook-secret",
        metavar="S",
        help="the secret token (default: $EXECOACH_WEBHOOK_SECRET, else generated)",
    )
    p.add_argument("--lang", type=lang_arg, help="zh or en, for messages on the command line")
    p.set_defaults(run=cmd_run, json=False)

    p = sub.add_parser("admin", help="name the bot's admins: admin add TELEGRAM_ID")
    p.add_argument("action", choices=["add"], help="what to do")
    p.add_argument(
        "telegram_id", metavar="TELEGRAM_ID", help="the admin's numeric Telegram user id"
    )
    p.add_argument("--name", default=None, help="how the bot calls them (default: Admin <id>)")
    add_db(p)
    add_common(p)
    p.set_defaults(run=cmd_admin)

    p = sub.add_parser(
        "sandbox", help="run the product with no Telegram account (local Bot API + bot + demo)"
    )
    p.add_argument("--port", type=int, default=8081, help="the local Bot API's port (default 8081)")
    p.add_argument(
        "--page-port", type=int, default=8080, help="the chat page's port (default 8080)"
    )
    p.add_argument(
        "--db",
        metavar="FILE",
        help="the sandbox's own database, recreated each start (default data/sandbox.db)",
    )
    p.add_argument("--lang", type=lang_arg, help="zh or en")
    p.set_defaults(run=cmd_sandbox, json=False)


def cmd_run(args: argparse.Namespace) -> int:
    """Runs the bot until interrupted: every update stored before it is confirmed."""
    import asyncio
    import logging
    import secrets

    from bot.app import BotSettings, run_bot
    from bot.store.db import StoreError, open_db
    from bot.store.repository import Repository

    lang: Lang = args.lang or "en"
    token = args.token or os.environ.get("TELEGRAM_BOT_TOKEN", "")
    if not re.fullmatch(r"\d{1,20}:[A-Za-z0-9_-]{20,100}", token):
        raise BadInputError(t("cli.error.no_token", lang))
    if args.api_url and not re.match(r"https?://[^\s]+$", args.api_url):
        raise BadInputError(t("cli.error.bad_url", lang, value=args.api_url[:60]))
    try:
        repo = Repository(open_db(args.db))
    except StoreError as exc:
        raise BadInputError(exc.message(lang)) from None
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the token
    if args.webhook_url is None and args.webhook_port != 8443:
        raise BadInputError(t("cli.error.port_without_url", lang))
    if not 0 < args.webhook_port < 65536:
        raise BadInputError(t("cli.error.bad_port", lang, value=args.webhook_port))
    if args.webhook_url and not re.match(
        r"(https://|http://(127\.0\.0\.1|localhost)[:/])", args.webhook_url
    ):
        raise BadInputError(t("cli.error.webhook_https", lang))
    secret = (
        args.webhook_secret
        or os.environ.get("EXECOACH_WEBHOOK_SECRET")
        or secrets.token_urlsafe(24)
    )
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise BadInputError(t("cli.error.bad_secret", lang))
    if args.webhook_url and not re.match(r"https?://[^\s]+$", args.webhook_url):
        raise BadInputError(t("cli.error.bad_url", lang, value=args.webhook_url[:60]))
    settings = BotSettings(
        token=token,
        api_url=args.api_url,
        webhook_url=args.webhook_url,
        webhook_port=args.webhook_port,
        webhook_secret=secret,
    )
    from telegram.error import InvalidToken, NetworkError, TelegramError

    try:
        asyncio.run(run_bot(settings, repo))
    except InvalidToken:
        raise BadInputError(t("cli.error.token_refused", lang)) from None
    except (NetworkError, TelegramError) as exc:
        where = args.api_url or "https://api.telegram.org/bot"
        reason = redact(str(exc))[:120]
        raise BadInputError(
            t("cli.error.api_unreachable", lang, url=where[:80], reason=reason)
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise BadInputError(
            t("cli.error.port_busy", lang, port=args.webhook_port, reason=reason)
        ) from None
    return EXIT_OK


def cmd_admin(args: argparse.Namespace) -> int:
    """Makes a Telegram account an admin, who can then invite people with /invite."""
    from bot.store.db import StoreError, open_db
    from bot.store.repository import Repository

    lang: Lang = args.lang or "en"
    raw = str(args.telegram_id)
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise BadInputError(t("cli.error.bad_telegram_id", lang, value=raw[:30]))
    telegram_id = int(raw)
    try:
        repo = Repository(open_db(args.db))
        existing = repo.person_by_telegram_id(telegram_id)
        person_id = existing.id if existing else f"tg{telegram_id}"
        name = (args.name or (existing.name if existing else f"Admin {telegram_id}"))[:100]
        repo.upsert_person(person_id, name, "admin", telegram_id=telegram_id)
    except StoreError as exc:
        raise BadInputError(exc.message(lang)) from None
    if args.json:
        print(json.dumps({"id": person_id, "telegram_id": telegram_id, "role": "admin"}))
    else:
        print(t("cli.admin.added", lang, name=name, id=telegram_id))
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Runs the local Bot API, the bot and the demo organisation until Ctrl-C."""
    import asyncio
    import logging
    from pathlib import Path

    from bot.sandbox.session import DEFAULT_DB, PagePortError, SandboxDbError, run_sandbox

    lang: Lang = args.lang or "en"
    if not 0 < args.port < 65536:
        raise BadInputError(t("cli.error.bad_port", lang, value=args.port))
    if not 0 < args.page_port < 65536 or args.page_port == args.port:
        raise BadInputError(t("sandbox.error.page_port", lang, value=args.page_port))
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        db = Path(args.db) if args.db else DEFAULT_DB
        asyncio.run(run_sandbox(args.port, db, lang, page_port=args.page_port))
    except SandboxDbError as exc:
        raise BadInputError(t("cli.error.not_sandbox_db", lang, path=str(exc))) from None
    except PagePortError as exc:
        raise BadInputError(
            t("sandbox.error.page_port_busy", lang, port=args.page_port, reason=exc.strerror or exc)
        ) from None
    except OSError as exc:
        raise BadInputError(
            t("cli.error.port_busy", lang, port=args.port, reason=exc.strerror or exc)
        ) from None
    return EXIT_OK
