"""The `execoach` command (contracts §3): parse arguments, call services, print.

Heavy imports happen inside the commands so that `execoach --help` starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from bot import __version__
from bot.i18n import Lang, guess_lang, normalise_lang, t

if TYPE_CHECKING:
    from bot.organisation import Organisation
    from bot.store.repository import Repository
    from bot.store.rows import TeamRow

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class BadInputError(Exception):
    """The user's input is wrong: exit 2 with a one-line reason."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (contracts §3)."""

    _intermixing = False

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Options anywhere, before, between or after the positionals (`ask F --as P Q`).

        A subcommand reads its arguments intermixed; a parser with subcommands cannot
        (argparse refuses), and the intermixed parse calls back in here for its passes.
        """
        positionals = self._get_positional_actions()
        if self._intermixing or any(
            a.nargs in (argparse.PARSER, argparse.REMAINDER) for a in positionals
        ):
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


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


def add_source(p: argparse.ArgumentParser, *, scenario: bool = True) -> None:
    """SCENARIO (unless the command reads its own positionals), --db and --today."""
    if scenario:
        p.add_argument(
            "scenario", nargs="?", metavar="SCENARIO", help="a scenario file (.json or .yaml)"
        )
    add_db(p)
    p.add_argument(
        "--today", metavar="D", help="the day to look from (default: the scenario's today)"
    )


def open_source(
    args: argparse.Namespace, lang: Lang, *, scenario: str | None = None
) -> Organisation:
    """The organisation from SCENARIO (or `scenario`) or --db, seen from --today.

    Every way of getting it wrong is a BadInputError with a one-line reason.
    """
    from bot.organisation import SourceError, open_organisation
    from bot.scenario import ScenarioError
    from bot.store.db import StoreError

    source = scenario if scenario is not None else getattr(args, "scenario", None)
    try:
        return open_organisation(source, args.db, args.today, lang)
    except (ScenarioError, StoreError) as exc:
        raise BadInputError(exc.message(lang)) from None
    except SourceError as exc:
        raise BadInputError(str(exc)) from None


def main_lang(langs: Iterable[str | None]) -> Lang:
    """An organisation's (or team's) language: the one most of its people use (en if none),
    as `Organisation.main_lang`. Org-wide output speaks it unless --lang."""
    counts = Counter(normalise_lang(x) for x in langs if x)
    return counts.most_common(1)[0][0] if counts else "en"


def write_out(path: Path, data: bytes, lang: Lang) -> None:
    """Writes an output file; a path that cannot be written is bad input naming it."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise BadInputError(
            t("cli.error.cannot_write", lang, path=str(path)[:200], reason=reason)
        ) from None


def pick_teams(repo: Repository, wanted: str, lang: Lang) -> list[TeamRow]:
    """The teams whose id or name is `wanted` (--team); none is a BadInputError."""
    teams = [x for x in repo.teams() if wanted in (x.id, x.name)]
    if not teams:
        names = ", ".join(x.id for x in repo.teams())
        raise BadInputError(t("export.cli.unknown_team", lang, team=wanted[:40], teams=names))
    return teams


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
    add_source(p)
    add_common(p)
    p.set_defaults(run=cmd_check)

    p = sub.add_parser("demo", help="show the product working on the bundled demo organisation")
    p.add_argument("--scenario", metavar="FILE", help="another scenario to show instead")
    add_common(p)
    p.set_defaults(run=cmd_demo)

    # each area adds its own commands from its own module (imported here, after this
    # module is loaded, so they can use its helpers; their heavy imports stay lazy)
    from bot import cli_ask, cli_digest, cli_export, cli_plan, cli_run

    for area in (cli_run, cli_digest, cli_export, cli_ask, cli_plan):
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
    if not args.text.strip():
        raise BadInputError(t("cli.error.empty_text", lang))
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
    lang = args.lang or main_lang(p.lang for p in scenario.people)
    if args.json:
        print(json.dumps(counts, ensure_ascii=False))
    else:
        print(t("import.done", lang, **counts))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Runs the rule base and prints the findings, grouped by the five categories."""
    from bot.findings import run_rules
    from bot.findings_view import finding_to_json, render_findings_text

    org = open_source(args, args.lang or "en")
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


_TOKEN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{20,}")


def redact(text: str) -> str:
    """Removes anything shaped like a bot token (errors may quote URLs)."""
    return _TOKEN.sub("<token>", text)


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
            t("cli.error.bad_input", lang, reason=redact(str(exc).splitlines()[0])),
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
        reason = redact(f"{type(exc).__name__}: {exc}".splitlines()[0])[:300]
        print(t("cli.error.internal", lang, reason=reason), file=sys.stderr)
        return EXIT_INTERNAL
