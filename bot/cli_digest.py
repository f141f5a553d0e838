"""Commands of one area of the product: the weekly digest: `execoach digest` (issue 5).

`add_commands` is called by `bot.cli.build_parser`; keep imports here light and do
the heavy ones inside the command functions, so `execoach --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.i18n import Lang
    from bot.organisation import Organisation
    from bot.store.rows import PersonRow

MAX_CANDIDATES = 12


def add_commands(sub: Any) -> None:
    """Adds this area's subcommands to the `execoach` parser (`sub` = its subparsers)."""
    from bot.cli import add_common, add_source

    p = sub.add_parser("digest", help="the weekly digest a lead or manager receives")
    add_source(p)
    p.add_argument(
        "--for",
        dest="person",
        required=True,
        metavar="PERSON",
        help="a lead or manager: id, name, given name or Telegram id",
    )
    p.add_argument(
        "--week", metavar="W", help="an ISO week, e.g. 2026-W11 (default: the last complete one)"
    )
    p.add_argument("--chart", metavar="FILE.png", help="also write the chart as a PNG file")
    add_common(p)
    p.set_defaults(run=cmd_digest)


def cmd_digest(args: argparse.Namespace) -> int:
    """Prints the weekly digest PERSON receives (text, or data with --json)."""
    import datetime as dt
    from pathlib import Path

    from bot.cli import EXIT_OK, BadInputError, open_source
    from bot.digest.build import DigestError, build_digest, last_complete_week
    from bot.digest.chart import render_chart
    from bot.digest.model import digest_to_json
    from bot.digest.render import render_text
    from bot.i18n import t
    from bot.plans import Period

    lang: Lang = args.lang or "en"
    org = open_source(args, lang)
    person = _recipient(org, args.person, args.lang or org.main_lang)
    lang = args.lang or org.langs.get(person.id, org.main_lang)
    # the live database without --today is seen from now: today counts once it is due
    now = dt.datetime.now(dt.UTC) if args.db and args.today is None else None
    if args.week is None:
        week = last_complete_week(org.today)
    else:
        bad = BadInputError(t("digest.error.bad_week", lang, value=str(args.week)[:40]))
        try:
            week = Period.parse(args.week)
        except ValueError:
            raise bad from None
        if week.kind != "week":
            raise bad
    try:
        digest = build_digest(org.repo, person.id, week, org.today, now)
    except DigestError as exc:
        raise BadInputError(t(exc.key, lang, **exc.params)) from None
    chart_path = None
    if args.chart:
        png = render_chart(digest, lang)
        if png is not None:
            try:
                Path(args.chart).write_bytes(png)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise BadInputError(
                    t("digest.error.chart_path", lang, path=args.chart[:80], reason=reason)
                ) from None
            chart_path = args.chart
    if args.json:
        print(json.dumps({**digest_to_json(digest), "chart": chart_path}, ensure_ascii=False))
    else:
        print(render_text(digest, lang))
    return EXIT_OK


def _recipient(org: Organisation, who: str, lang: Lang) -> PersonRow:
    """The one person `who` names (id, name, given name, Telegram id); else a BadInputError
    listing the candidates: the people it could mean, or those a digest can be for."""
    from bot.cli import BadInputError
    from bot.i18n import t
    from bot.organisation import find_people

    found = find_people(org.repo, who)
    if len(found) == 1:
        return found[0]
    key = "digest.error.ambiguous"
    if not found:
        key = "digest.error.no_such_person"
        found = [p for p in org.repo.people() if p.role in ("lead", "manager") and p.active]
    listed = ", ".join(f"{p.name} ({p.id})" for p in found[:MAX_CANDIDATES])
    if len(found) > MAX_CANDIDATES:
        listed += ", …"
    raise BadInputError(t(key, lang, name=who.strip()[:60], candidates=listed))
