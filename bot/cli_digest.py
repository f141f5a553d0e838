"""Commands of one area of the product: the weekly digest: `execoach digest` (issue 5).

`add_commands` is called by `bot.cli.build_parser`; keep imports here light and do
the heavy ones inside the command functions, so `execoach --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_commands(sub: Any) -> None:
    """Adds this area's subcommands to the `execoach` parser (`sub` = its subparsers)."""
    from bot.cli import add_common, add_db

    p = sub.add_parser("digest", help="the weekly digest a lead or manager receives")
    p.add_argument(
        "scenario", nargs="?", metavar="SCENARIO", help="a scenario file (.json or .yaml)"
    )
    add_db(p)
    p.add_argument(
        "--for", dest="person", required=True, metavar="PERSON", help="a lead or manager id"
    )
    p.add_argument(
        "--week", metavar="W", help="an ISO week, e.g. 2026-W11 (default: the last complete one)"
    )
    p.add_argument("--chart", metavar="FILE.png", help="also write the chart as a PNG file")
    p.add_argument(
        "--today", metavar="D", help="the day to look from (default: the scenario's today)"
    )
    add_common(p)
    p.set_defaults(run=cmd_digest)


def cmd_digest(args: argparse.Namespace) -> int:
    """Prints the weekly digest PERSON receives (text, or data with --json)."""
    from pathlib import Path

    from bot.cli import EXIT_OK, BadInputError
    from bot.digest.build import DigestError, build_digest, last_complete_week
    from bot.digest.chart import render_chart
    from bot.digest.model import digest_to_json
    from bot.digest.render import render_text
    from bot.i18n import Lang, t
    from bot.organisation import SourceError, open_organisation
    from bot.plans import Period
    from bot.scenario import ScenarioError
    from bot.store.db import StoreError

    lang: Lang = args.lang or "en"
    try:
        org = open_organisation(args.scenario, args.db, args.today, lang)
    except (ScenarioError, StoreError) as exc:
        raise BadInputError(exc.message(lang)) from None
    except SourceError as exc:
        raise BadInputError(str(exc)) from None
    lang = args.lang or org.langs.get(args.person, org.main_lang)
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
        digest = build_digest(org.repo, args.person[:100], week, org.today)
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
