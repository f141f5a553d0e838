"""Commands of one area of the product: plain-language questions: `ask` (issue 6).

`add_commands` is called by `bot.cli.build_parser`; keep imports here light and do
the heavy ones inside the command functions, so `execoach --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.i18n import Lang
    from bot.store.repository import Repository
    from bot.store.rows import PersonRow

MAX_QUESTION = 1000


def add_commands(sub: Any) -> None:
    """Adds this area's subcommands to the `execoach` parser (`sub` = its subparsers)."""
    from bot.cli import add_common, add_source

    p = sub.add_parser(
        "ask", help="answer a plain-language question about plan status, as the bot would"
    )
    p.add_argument(
        "words",
        nargs="*",
        metavar="[SCENARIO] QUESTION",
        help="a scenario file (unless --db), then the question; options may come anywhere",
    )
    add_source(p, scenario=False)
    p.add_argument(
        "--as",
        dest="person",
        required=True,
        metavar="PERSON",
        help="who asks: a person id, name, given name or Telegram id",
    )
    add_common(p)
    p.set_defaults(run=cmd_ask)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answers the question exactly as the bot would answer PERSON in chat."""
    from bot.ask.service import ask_text
    from bot.cli import EXIT_OK, BadInputError, open_source
    from bot.i18n import t

    lang: Lang = args.lang or "en"  # until the organisation is known
    scenario, question = _split(args.words, args.db, lang)
    if not question:
        raise BadInputError(t("cli.error.no_question", lang))
    if len(question) > MAX_QUESTION:
        raise BadInputError(t("ask.cli.too_long", lang, limit=MAX_QUESTION))
    org = open_source(args, lang, scenario=scenario)
    asker = _find(org.repo, args.person)
    if asker is None:
        lang = args.lang or org.main_lang
        raise BadInputError(t("ask.cli.no_person", lang, person=args.person[:60]))
    answer = ask_text(org.repo, asker, question, org.today, args.lang)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print(answer.plain())
    return EXIT_OK


def _split(words: list[str], db: str | None, lang: Lang) -> tuple[str | None, str]:
    """SCENARIO and QUESTION from the positionals: with --db every word is the question;
    without, the first is the scenario. A question may come as one argument or as words."""
    from bot.cli import BadInputError
    from bot.i18n import t

    if db is not None:
        if len(words) > 1 and _looks_like_scenario(words[0]):
            raise BadInputError(t("check.error.both", lang))
        return None, " ".join(words).strip()
    if not words or (len(words) == 1 and not _looks_like_scenario(words[0])):
        raise BadInputError(t("check.error.no_source", lang))
    return words[0], " ".join(words[1:]).strip()


def _looks_like_scenario(word: str) -> bool:
    return word.lower().endswith((".json", ".yaml", ".yml"))


def _find(repo: Repository, who: str) -> PersonRow | None:
    """A person by id, Telegram id, exact name or unique given name (shared with digest)."""
    from bot.organisation import find_people

    matches = find_people(repo, who)
    return matches[0] if len(matches) == 1 else None
