"""Commands of one area of the product: exports of reports and findings: `export` (issue 5).

`execoach export SCENARIO|--db FILE [--team T] [--period P] --out FILE` writes
what `/export` sends: `.xlsx` (one sheet per kind), `.csv` (one file per kind,
named FILE-reports.csv, FILE-findings.csv, FILE-people.csv) or `.zip` (those
CSV files in one archive). From a scenario, the findings are the rule base's
as of its `today`; from a database, the findings it recorded.

`add_commands` is called by `bot.cli.build_parser`; keep imports here light and do
the heavy ones inside the command functions, so `execoach --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.cli import EXIT_OK, BadInputError, add_common, add_db
from bot.i18n import Lang, t


def add_commands(sub: Any) -> None:
    """Adds this area's subcommands to the `execoach` parser (`sub` = its subparsers)."""
    p = sub.add_parser("export", help="write a team's reports and findings as .xlsx or .csv")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="a scenario file (or --db)")
    add_db(p)
    p.add_argument("--team", metavar="T", help="the team's id or name (default: every team)")
    p.add_argument(
        "--period",
        metavar="P",
        help="2026-03, 2026-W11, 2026-Q1, 2026 or a day (default: this month)",
    )
    p.add_argument("--today", metavar="D", help="the day to look from (default: the scenario's)")
    p.add_argument("--out", metavar="FILE", required=True, help="FILE.xlsx, FILE.csv or FILE.zip")
    add_common(p)
    p.set_defaults(run=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Writes the reports and findings of a team (or every team) for a period."""
    from bot.export import build_export
    from bot.organisation import SourceError, open_organisation
    from bot.planning.cells import CellError, read_period
    from bot.plans import Period
    from bot.scenario import ScenarioError
    from bot.store.db import StoreError

    lang: Lang = args.lang or "en"
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv", ".zip"):
        raise BadInputError(t("export.cli.bad_out", lang, path=str(out)[:80]))
    try:
        org = open_organisation(args.scenario, args.db, args.today, lang)
    except (ScenarioError, StoreError) as exc:
        raise BadInputError(exc.message(lang)) from None
    except SourceError as exc:
        raise BadInputError(str(exc)) from None
    teams = org.repo.teams()
    if args.team:
        teams = [x for x in teams if args.team in (x.id, x.name)]
        if not teams:
            names = ", ".join(x.id for x in org.repo.teams())
            raise BadInputError(
                t("export.cli.unknown_team", lang, team=args.team[:40], teams=names)
            )
    try:
        period = read_period(args.period) if args.period else Period.containing("month", org.today)
    except CellError:
        raise BadInputError(t("export.bad_period", lang, value=args.period[:40])) from None
    if args.scenario:
        _record_findings(org.repo, org.today, lang, org.names)
    data = build_export(org.repo, teams, period, lang)
    files = _write(data, out, lang)
    if args.json:
        print(
            json.dumps(
                {
                    "files": [str(f) for f in files],
                    "period": period.label,
                    "reports": len(data.reports),
                    "findings": len(data.findings),
                },
                ensure_ascii=False,
            )
        )
    else:
        print(
            t(
                "export.cli.done",
                lang,
                files=", ".join(str(f) for f in files),
                reports=len(data.reports),
                findings=len(data.findings),
                period=period.label,
            )
        )
    return EXIT_OK


def _record_findings(repo: Any, today: Any, lang: Lang, names: dict[str, str]) -> None:
    """A scenario has no findings stored: run the rule base as of its day and keep them."""
    from bot.findings import record, run_rules
    from bot.findings_view import render_prompt

    findings = run_rules(repo, today)
    messages = [
        render_prompt(
            f, f.audience[0] if f.audience else "lead", lang, names.get(f.subject, f.subject)
        )
        for f in findings
    ]
    record(repo, findings, today, messages)


def _write(data: Any, out: Path, lang: Lang) -> list[Path]:
    import zipfile

    from bot.export.write import KINDS, csv_bytes, xlsx_bytes

    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        out.write_bytes(xlsx_bytes(data, lang))
        return [out]
    if suffix == ".zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for kind in KINDS:
                archive.writestr(f"{kind}.csv", csv_bytes(data, kind, lang))
        return [out]
    files = []
    for kind in KINDS:
        path = out.with_name(f"{out.stem}-{kind}.csv")
        path.write_bytes(csv_bytes(data, kind, lang))
        files.append(path)
    return files
