"""`/export [period] [xlsx|csv]`: the team's reports and findings as files.

A lead gets their team's, a manager the teams they manage, an admin every
team; a rep gets their own reports and findings only. Default period: this
month; the files: an .xlsx workbook and a .csv per kind (UTF-8 with BOM).
"""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.export import build_export
from bot.export.write import csv_bytes, xlsx_bytes
from bot.handlers.common import local_day, member
from bot.i18n import t
from bot.planning.cells import CellError, read_period
from bot.plans import Period
from bot.services import Context
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TeamRow

FORMATS = {"xlsx": "xlsx", "excel": "xlsx", "csv": "csv"}
CSV_KINDS = ("reports", "findings")


def export_scope(repo: Repository, person: PersonRow) -> tuple[list[TeamRow], str | None]:
    """The teams a person may export, and the one person it is limited to (a rep: themself)."""
    teams = repo.teams()
    if person.role == "admin":
        return teams, None
    if person.role == "manager":
        return [t for t in teams if t.manager_id == person.id], None
    if person.role == "lead":
        return [t for t in teams if t.lead_id == person.id or t.id == person.team_id], None
    return [t for t in teams if t.id == person.team_id], person.id


async def on_export(update: Update, context: Context) -> None:
    """Sends the reports and findings of the sender's scope for a period as documents."""
    who = await member(update, context)
    if who is None:
        return
    today = local_day(who.repo, who.person, context.bot_data.now())
    period = Period.containing("month", today)
    formats = {"xlsx", "csv"}
    for word in list(context.args or [])[:3]:
        if word.lower() in FORMATS:
            formats = {FORMATS[word.lower()]}
            continue
        try:
            period = read_period(word)
        except CellError:
            await who.message.reply_text(escape(t("export.bad_period", who.lang, value=word[:40])))
            return
    teams, only = export_scope(who.repo, who.person)
    if not teams:
        await who.message.reply_text(escape(t("export.no_team", who.lang)))
        return
    data = build_export(who.repo, teams, period, who.lang, only, today=today)
    if not data.reports and not data.sent:  # the rule base alone is no export
        await who.message.reply_text(escape(t("export.nothing", who.lang, period=period.label)))
        return
    counts = {"period": period.label, "reports": len(data.reports), "findings": len(data.findings)}
    if only:
        caption = t("export.caption_own", who.lang, **counts)
    else:
        caption = t(
            "export.caption", who.lang, who=", ".join(x.name for x in teams)[:200], **counts
        )
    files: list[tuple[bytes, str]] = []
    if "xlsx" in formats:
        files.append((xlsx_bytes(data, who.lang), f"{data.label}.xlsx"))
    if "csv" in formats:
        files += [(csv_bytes(data, k, who.lang), f"{data.label}-{k}.csv") for k in CSV_KINDS]
    for index, (content, name) in enumerate(files):
        await who.message.reply_document(
            content, filename=name, caption=escape(caption) if index == 0 else None
        )
