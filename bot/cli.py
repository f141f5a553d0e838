"""The `execoach` command (contracts §3): parse arguments, call services, print.

Heavy imports happen inside the commands so that `execoach --help` starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from bot import __version__
from bot.i18n import Lang, guess_lang, normalise_lang, t

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class BadInputError(Exception):
    """The user's input is wrong: exit 2 with a one-line reason."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (contracts §3)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def lang_arg(value: str) -> Lang:
    if value not in ("zh", "en"):
        raise argparse.ArgumentTypeError("choose zh or en")
    return normalise_lang(value)


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--lang", type=lang_arg, help="zh or en (default: the person's or text's)")


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="FILE",
        help="the database (default: $EXECOACH_DB or ./data/execoach.db)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line of contracts §3."""
    parser = _Parser(
        prog="execoach",
        description="An execution coach for field sales teams that lives in Telegram.",
    )
    parser.add_argument("--version", action="version", version=f"execoach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("parse", help="read one report text (or many with --jsonl)")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the report text")
    p.add_argument("--today", metavar="D", help="the sender's date, YYYY-MM-DD (default: today)")
    p.add_argument("--tz", metavar="TZ", help="the sender's time zone, e.g. Asia/Shanghai")
    p.add_argument("--jsonl", action="store_true", help="read one JSON value a line from stdin")
    add_common(p)
    p.set_defaults(run=cmd_parse)

    p = sub.add_parser("import", help="load a scenario file into the database")
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario file (.json or .yaml)")
    add_db(p)
    add_common(p)
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("check", help="run the rule base on a scenario or the live database")
    p.add_argument(
        "scenario", nargs="?", metavar="SCENARIO", help="a scenario file (.json or .yaml)"
    )
    add_db(p)
    p.add_argument(
        "--today", metavar="D", help="the day to look from (default: the scenario's today)"
    )
    add_common(p)
    p.set_defaults(run=cmd_check)

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

    p = sub.add_parser("demo", help="show the product working on the bundled demo organisation")
    p.add_argument("--scenario", metavar="FILE", help="another scenario to show instead")
    add_common(p)
    p.set_defaults(run=cmd_demo)

    # each area adds its own commands from its own module (imported here, after this
    # module is loaded, so they can use its helpers; their heavy imports stay lazy)
    from bot import cli_ask, cli_digest, cli_export, cli_plan

    for area in (cli_digest, cli_export, cli_ask, cli_plan):
        area.add_commands(sub)
    return parser


def cmd_parse(args: argparse.Namespace) -> int:
    """Reads one report text, or one per stdin line with --jsonl."""
    from bot.clock import BadTimezoneError, local_today, parse_day, zone
    from bot.report_batch import Defaults, read_lines

    lang: Lang = args.lang or "en"
    today = None
    if args.today is not None:
        try:
            today = parse_day(args.today)
        except ValueError:
            raise BadInputError(t("cli.error.bad_date", lang, value=args.today[:60])) from None
    if args.tz is not None:
        try:
            zone(args.tz)
        except BadTimezoneError:
            raise BadInputError(t("cli.error.bad_tz", lang, value=args.tz[:60])) from None
    if args.jsonl:
        defaults = Defaults(today=today, timezone=args.tz, lang=args.lang)
        out = sys.stdout
        for line in read_lines(sys.stdin.buffer, defaults):
            out.write(line + "\n")
        out.flush()
        return EXIT_OK
    if args.text is None:
        raise BadInputError(t("cli.error.no_text", lang))
    from bot.report_parser import parse_report
    from bot.report_view import render_report_text, report_to_json

    text_lang: Lang = args.lang or guess_lang(args.text)
    report = parse_report(args.text, today or local_today(args.tz))
    if args.json:
        print(json.dumps(report_to_json(report, text_lang), ensure_ascii=False))
    else:
        print(render_report_text(report, text_lang))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Loads a scenario's organisation and history into the database."""
    from bot.scenario import ScenarioError, load_scenario
    from bot.store.db import StoreError, open_db
    from bot.store.importer import import_scenario
    from bot.store.repository import Repository

    lang: Lang = args.lang or "en"
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        raise BadInputError(exc.message(lang)) from None
    try:
        db = open_db(args.db)
    except StoreError as exc:
        raise BadInputError(exc.message(lang)) from None
    try:
        counts = import_scenario(Repository(db), scenario).as_dict()
    except (ScenarioError, StoreError) as exc:
        raise BadInputError(exc.message(lang)) from None
    if args.json:
        print(json.dumps(counts, ensure_ascii=False))
    else:
        print(t("import.done", lang, **counts))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Runs the rule base and prints the findings, grouped by the five categories."""
    from bot.findings import run_rules
    from bot.findings_view import finding_to_json, render_findings_text
    from bot.organisation import SourceError, open_organisation
    from bot.scenario import ScenarioError
    from bot.store.db import StoreError

    lang: Lang = args.lang or "en"
    try:
        org = open_organisation(args.scenario, args.db, args.today, lang)
    except (ScenarioError, StoreError) as exc:
        raise BadInputError(exc.message(lang)) from None
    except SourceError as exc:
        raise BadInputError(str(exc)) from None
    findings = run_rules(org.repo, org.today)
    if args.json:
        items = [
            finding_to_json(
                f, args.lang or org.recipient_lang(f.team, f.subject, f.audience[0]), org.names
            )
            for f in findings
        ]
        print(json.dumps({"today": org.today.isoformat(), "findings": items}, ensure_ascii=False))
    else:
        print(render_findings_text(findings, org.today, args.lang or org.main_lang, org.names))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """Runs the bot until interrupted: every update stored before it is confirmed."""
    import asyncio
    import logging
    import re
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
        reason = _redact(str(exc))[:120]
        raise BadInputError(
            t("cli.error.api_unreachable", lang, url=where[:80], reason=reason)
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise BadInputError(
            t("cli.error.port_busy", lang, port=args.webhook_port, reason=reason)
        ) from None
    return EXIT_OK


_TOKEN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{20,}")


def _redact(text: str) -> str:
    """Removes anything shaped like a bot token (errors may quote URLs)."""
    return _TOKEN.sub("<token>", text)


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


def cmd_demo(args: argparse.Namespace) -> int:
    """Shows the plan status of the demo organisation, read from its reports."""
    from bot.demo import run_demo
    from bot.scenario import ScenarioError

    try:
        return run_demo(args.scenario, args.lang, as_json=args.json)
    except ScenarioError as exc:
        raise BadInputError(exc.message(args.lang or "en")) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status (0 ok, 2 bad input, 1 internal)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if sys.stdout is None or sys.stdin is None:
        return EXIT_INTERNAL
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    lang: Lang = args.lang or "en"
    try:
        return run(args)
    except BadInputError as exc:
        print(
            t("cli.error.bad_input", lang, reason=_redact(str(exc).splitlines()[0])),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        print(
            t("cli.error.output", lang, reason=exc.strerror or type(exc).__name__), file=sys.stderr
        )
        return EXIT_INTERNAL
    except Exception as exc:
        if os.environ.get("EXECOACH_DEBUG"):
            raise
        reason = _redact(f"{type(exc).__name__}: {exc}".splitlines()[0])[:300]
        print(t("cli.error.internal", lang, reason=reason), file=sys.stderr)
        return EXIT_INTERNAL
