"""Commands of one area of the product: plain-language questions: `ask` (issue 6).

`add_commands` is called by `bot.cli.build_parser`; keep imports here light and do
the heavy ones inside the command functions, so `execoach --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

MAX_QUESTION = 1000


def add_commands(sub: Any) -> None:
    """Adds this area's subcommands to the `execoach` parser (`sub` = its subparsers)."""
    from bot.cli import add_common, add_db

    p = sub.add_parser(
        "ask", help="answer a plain-language question about plan status, as the bot would"
    )
    p.add_argument(
        "args", nargs="*", metavar="SCENARIO", help="a scenario file (or --db), then the question"
    )
    add_db(p)
    # `--as PERSON QUESTION…`: the words after the person are the question (argparse
    # cannot take a positional after an option otherwise)
    p.add_argument(
        "--as",
        dest="person",
        nargs="+",
        required=True,
        metavar="PERSON",
        help="who asks (a person id, name or Telegram id), then the question",
    )
    p.add_argument(
        "--today", metavar="D", help="the day to look from (default: the scenario's today)"
    )
    add_common(p)
    p.set_defaults(run=cmd_ask)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answers the question exactly as the bot would answer PERSON in chat."""
    from bot.ask.service import ask_text
    from bot.cli import EXIT_OK, BadInputError
    from bot.i18n import Lang, t
    from bot.organisation import SourceError, open_organisation
    from bot.scenario import ScenarioError
    from bot.store.db import StoreError

    lang: Lang = args.lang or "en"
    parts: list[str] = list(args.args)
    scenario = parts.pop(0) if args.db is None and parts else None
    who, *words = args.person
    question = " ".join(parts + words).strip()
    if not question:
        raise BadInputError(t("cli.error.no_text", lang))
    if len(question) > MAX_QUESTION:
        raise BadInputError(t("ask.cli.too_long", lang, limit=MAX_QUESTION))
    try:
        org = open_organisation(scenario, args.db, args.today, lang)
    except (ScenarioError, StoreError) as exc:
        raise BadInputError(exc.message(lang)) from None
    except SourceError as exc:
        raise BadInputError(str(exc)) from None
    asker = _find(org.repo, who)
    if asker is None:
        raise BadInputError(t("ask.cli.no_person", lang, person=who[:60]))
    answer = ask_text(org.repo, asker, question, org.today, args.lang)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print(answer.plain())
    return EXIT_OK


def _find(repo: Any, who: str) -> Any:
    """A person by id, exact name, or Telegram id."""
    person = repo.person_by_id(who)
    if person is None and who.isdigit() and len(who) < 19:
        person = repo.person_by_telegram_id(int(who))
    if person is None:
        matches = [p for p in repo.people() if p.name.lower() == who.strip().lower()]
        person = matches[0] if len(matches) == 1 else None
    return person
