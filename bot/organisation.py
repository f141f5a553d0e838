"""Where the offline commands find an organisation: a scenario file or the live database.

A scenario is imported into a fresh in-memory database, so `check`, `digest`
and `ask` work the same way on both (contracts §3).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from bot.clock import local_today, parse_day
from bot.i18n import Lang, normalise_lang, t
from bot.store.repository import Repository


class SourceError(ValueError):
    """The command was not told where the organisation is, or told wrongly."""


@dataclass(frozen=True)
class Organisation:
    """An organisation opened for reading, and the day it is seen from."""

    repo: Repository
    today: dt.date
    names: dict[str, str]
    langs: dict[str, Lang]

    @property
    def main_lang(self) -> Lang:
        """The language most of its people use."""
        counts = Counter(self.langs.values())
        return counts.most_common(1)[0][0] if counts else "en"

    def recipient_lang(self, team_id: str, subject: str, audience: str) -> Lang:
        """The language of whoever hears a finding first."""
        team = self.repo.team(team_id)
        who = subject
        if audience == "lead" and team and team.lead_id:
            who = team.lead_id
        elif audience == "manager" and team and team.manager_id:
            who = team.manager_id
        return self.langs.get(who, self.main_lang)


def open_organisation(
    scenario: str | None, db: str | None, today: str | None, lang: Lang
) -> Organisation:
    """Opens the organisation from a scenario file or a database (read-only)."""
    from bot.scenario import load_scenario
    from bot.store.db import open_db, open_readonly
    from bot.store.importer import import_scenario

    if scenario and db:
        raise SourceError(t("check.error.both", lang))
    if not scenario and not db:
        raise SourceError(t("check.error.no_source", lang))
    day: dt.date | None = None
    if today is not None:
        try:
            day = parse_day(today)
        except ValueError:
            raise SourceError(t("cli.error.bad_date", lang, value=today[:60])) from None
    if scenario:
        loaded = load_scenario(scenario)
        repo = Repository(open_db(":memory:"))
        import_scenario(repo, loaded)
        day = day or loaded.today
    else:
        repo = Repository(open_readonly(db))
        if day is None:
            zones = [team.timezone for team in repo.teams() if team.timezone]
            day = local_today(zones[0] if zones else "Asia/Shanghai")
    people = repo.people()
    names = {p.id: p.name for p in people} | {team.id: team.name for team in repo.teams()}
    langs = {p.id: normalise_lang(p.lang) for p in people if p.lang}
    return Organisation(repo, day, names, langs)
