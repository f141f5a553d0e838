"""Commands of one area of the product: exports of reports and findings: `export` (issue 5).

`execoach export SCENARIO|--db FILE [--team T] [--period P] --out FILE` writes
what `/export` sends: `.xlsx` (one sheet per kind), `.csv` (one file per kind,
named FILE-reports.csv, FILE-findings.csv, FILE-people.csv) or `.zip` (those
CSV files in one archive). Findings: those the bot sent and recorded in the
period (none, from a scenario) and the rule base's as of the period's last day or
`today` if sooner, each row saying which.

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
    add_source,
    main_lang,
    open_source,
    pick_teams,
    write_out,
)
from bot.i18n import Lang, t

if TYPE_CHECKING:
    from bot.export import ExportData


def add_commands(sub: Any) -> None:
    """Adds this area's subcommands to the `execoach` parser (`sub` = its subparsers)."""
    p = sub.add_parser("export", help="write a team's reports and findings as .xlsx or .csv")
    add_source(p)
    p.add_argument("--team", metavar="T", help="the team's id or name (default: every team)")
    p.add_argument(
        "--period",
        metavar="P",
        help="2026-03, 2026-W11, 2026-Q1, 2026 or a day (default: this month)",
    )
    p.add_argument("--out", metavar="FILE", required=True, help="FILE.xlsx, FILE.csv or FILE.zip")
    add_common(p)
    p.set_defaults(run=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    """Writes the reports and findings of a team (or every team) for a period."""
    from bot.export import build_export
    from bot.planning.cells import CellError, read_period
    from bot.plans import Period

    lang: Lang = args.lang or "en"  # until the organisation is known
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv", ".zip"):
        raise BadInputError(t("export.cli.bad_out", lang, path=str(out)[:80]))
    if not out.parent.is_dir():
        reason = t("export.cli.no_folder", lang)
        raise BadInputError(t("cli.error.cannot_write", lang, path=str(out)[:200], reason=reason))
    org = open_source(args, lang)
    teams = pick_teams(org.repo, args.team, lang) if args.team else org.repo.teams()
    # org-wide: the organisation's language; one team: the team's
    people = [p for team in teams for p in org.repo.people_in_team(team.id)]
    team_lang = main_lang(org.langs.get(p.id) for p in people) if people else org.main_lang
    lang = args.lang or team_lang
    try:
        period = read_period(args.period) if args.period else Period.containing("month", org.today)
    except CellError:
        raise BadInputError(t("export.cli.bad_period", lang, value=args.period[:40])) from None
    data = build_export(org.repo, teams, period, lang, today=org.today)
    files = _write(data, out, lang)
    as_of = data.as_of.isoformat() if data.as_of else None
    if args.json:
        counts: dict[str, int | str | None] = {"reports": len(data.reports)}
        counts |= {"findings": len(data.findings), "findings_sent": data.sent}
        counts |= {"findings_rule_base": data.found, "as_of": as_of}
        print(
            json.dumps(
                {"files": [str(f) for f in files], "period": period.label, **counts},
                ensure_ascii=False,
            )
        )
    else:
        files_text = ", ".join(str(f) for f in files)
        print(
            t(
                "export.cli.done",
                lang,
                files=files_text,
                reports=len(data.reports),
                sent=data.sent,
                found=data.found,
                date=as_of or "—",
                period=period.label,
            )
        )
    return EXIT_OK


def _write(data: ExportData, out: Path, lang: Lang) -> list[Path]:
    import io
    import zipfile

    from bot.export.write import KINDS, csv_bytes, xlsx_bytes

    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        write_out(out, xlsx_bytes(data, lang), lang)
        return [out]
    if suffix == ".zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for kind in KINDS:
                archive.writestr(f"{kind}.csv", csv_bytes(data, kind, lang))
        write_out(out, buffer.getvalue(), lang)
        return [out]
    files = []
    for kind in KINDS:
        path = out.with_name(f"{out.stem}-{kind}.csv")
        write_out(path, csv_bytes(data, kind, lang), lang)
        files.append(path)
    return files
