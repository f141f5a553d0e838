"""Commands of one area of the product: plans: `plan import`, `plan template` (issue 7).

`execoach plan import FILE [SCENARIO | --db FILE] [--dry-run]` reads a target file
exactly as the bot does when a lead sends it, prints the preview, and stores the
targets (all of them, in one transaction) unless `--dry-run` or SCENARIO (a
preview against a scenario's organisation, stored nowhere); a file with any row it
cannot read stores nothing and exits 2. `execoach plan template [--out FILE]`
writes the file to fill.

`add_commands` is called by `bot.cli.build_parser`; keep imports here light and do
the heavy ones inside the command functions, so `execoach --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli import (
    EXIT_OK,
    BadInputError,
    add_common,
    add_db,
    main_lang,
    open_source,
    pick_teams,
    write_out,
)
from bot.i18n import Lang, t

if TYPE_CHECKING:
    from bot.planning.import_model import ImportPlan
    from bot.store.repository import Repository


def add_commands(sub: Any) -> None:
    """Adds this area's subcommands to the `execoach` parser (`sub` = its subparsers)."""
    p = sub.add_parser("plan", help="targets from a spreadsheet: plan import FILE, plan template")
    words = p.add_subparsers(dest="plan_command", metavar="WORD", parser_class=type(p))
    q = words.add_parser("import", help="read a target file (.xlsx or .csv) and store its targets")
    q.add_argument("file", metavar="FILE", help="the .xlsx or .csv file")
    q.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="preview against a scenario file's organisation instead of the database (a dry run)",
    )
    add_db(q)
    q.add_argument("--dry-run", action="store_true", help="show the preview, store nothing")
    add_common(q)
    q.set_defaults(run=cmd_plan_import, today=None)
    q = words.add_parser("template", help="write the target file to fill (.xlsx)")
    q.add_argument(
        "--out", metavar="FILE", default="execoach-targets-template.xlsx", help="where to write it"
    )
    add_db(q)
    q.add_argument(
        "--team", metavar="T", help="fill the examples with this team's people (needs --db)"
    )
    add_common(q)
    q.set_defaults(run=cmd_plan_template)
    p.set_defaults(json=False, lang=None)


def cmd_plan_import(args: argparse.Namespace) -> int:
    """Previews a target file; stores it unless --dry-run (nothing when any row is wrong)."""
    from bot.planning.import_model import store_targets
    from bot.planning.import_view import render_preview
    from bot.planning.importing import read_plan
    from bot.planning.sheet import MAX_BYTES, SheetError

    lang: Lang = args.lang or "en"  # until the organisation is known
    path = Path(args.file)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SheetError("too_big", {"size_mb": round(size / 1_048_576, 1), "max_mb": 5})
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise BadInputError(
            t("plan_import.cli.no_file", lang, path=str(path)[:80], reason=reason)
        ) from None
    except SheetError as exc:
        raise BadInputError(t(f"plan_import.file.{exc.key}", lang, **exc.params)) from None
    dry_run = bool(args.dry_run or args.scenario)
    repo = _organisation(args, dry_run, lang)
    lang = args.lang or main_lang(p.lang for p in repo.people())
    try:
        plan = read_plan(repo, data)
    except SheetError as exc:
        raise BadInputError(t(f"plan_import.file.{exc.key}", lang, **exc.params)) from None
    stored = 0
    if plan.ok and not dry_run:
        stored = store_targets(repo, plan.targets)
    if args.json:
        print(json.dumps(_as_json(plan, stored, lang), ensure_ascii=False))
    else:
        print(render_preview(plan, path.name, lang))
        if plan.ok:
            print(
                t("plan_import.cli.dry_run", lang)
                if dry_run
                else t("plan_import.stored", lang, count=stored, people=plan.people)
            )
    if plan.problems:
        raise BadInputError(t("plan_import.cli.has_errors", lang, count=len(plan.problems)))
    if not plan.targets:
        raise BadInputError(t("plan_import.file.no_rows", lang))
    return EXIT_OK


def _organisation(args: argparse.Namespace, dry_run: bool, lang: Lang) -> Repository:
    """Where the people and teams are: SCENARIO (in memory), else the database (read-only
    for a dry run: a missing one is named, with how to create it)."""
    from bot.store.db import StoreError, database_path, open_db, open_readonly
    from bot.store.repository import Repository

    if args.scenario:
        return open_source(args, lang).repo
    where = database_path(args.db)
    if dry_run and where != ":memory:" and not Path(where).exists():
        raise BadInputError(t("cli.error.plan_no_db", lang, path=where[:200]))
    try:
        return Repository(open_readonly(where) if dry_run else open_db(where))
    except StoreError as exc:
        raise BadInputError(exc.message(lang)) from None


def _as_json(plan: ImportPlan, stored: int, lang: Lang) -> dict[str, Any]:
    from bot.planning.import_view import problem_text

    return {
        "ok": plan.ok,
        "rows": plan.rows,
        "stored": stored,
        "totals": [
            {"metric": x.metric, "period": x.period, "value": x.value, "rows": x.rows}
            for x in plan.totals
        ],
        "targets": [x.as_json() for x in plan.targets],
        "errors": [
            {"row": p.row, "error": p.key, "message": problem_text(p, lang)} for p in plan.problems
        ],
        "notes": [{"row": n.row, "note": n.key} for n in plan.notes],
    }


def cmd_plan_template(args: argparse.Namespace) -> int:
    """Writes the target file to fill."""
    from bot.clock import local_today
    from bot.planning.template import template_bytes

    lang: Lang = args.lang or "en"
    people: list[str] = []
    team_name = ""
    zone: str | None = None  # the examples' months: the team's, else this machine's
    if args.team:
        from bot.store.db import StoreError, open_readonly
        from bot.store.repository import Repository

        try:
            repo = Repository(open_readonly(args.db))
        except StoreError as exc:
            raise BadInputError(exc.message(lang)) from None
        team = pick_teams(repo, args.team, lang)[0]
        members = repo.people_in_team(team.id)
        lang = args.lang or main_lang(p.lang for p in members)  # the team's
        people = [p.name for p in members if p.role == "rep"]
        team_name = team.name
        zone = team.timezone
    out = Path(args.out)
    write_out(out, template_bytes(lang, local_today(zone), people, team_name), lang)
    if args.json:
        print(json.dumps({"file": str(out)}, ensure_ascii=False))
    else:
        print(t("plan.template.written", lang, path=str(out)))
    return EXIT_OK
