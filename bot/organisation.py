"""Where the offline commands find an organisation: a scenario file or the live database.

A scenario is imported into a fresh in-memory database, so `check`, `digest`
and `ask` work the same way on both (contracts §3).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from bot.clock import local_today, parse_day
from bot.i18n import Lang, normalise_lang, t
from bot.store.repository import Repository
from bot.store.rows import PersonRow

_CJK = re.compile(r"[\u3400-\u9fff]")


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


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def given_name(name: str) -> str:
    """The name a person is called by: 强 of 王强, 小明 of 张小明, mike of Mike Lin."""
    name = _fold(name)
    if _CJK.match(name) and " " not in name and 2 <= len(name) <= 4:
        return name[1:]
    return name.split(" ")[0] if name else ""


def find_people(repo: Repository, who: str) -> list[PersonRow]:
    """Whom `who` names, as a command line's --for / --as reads it: a person id, a Telegram
    id, a full name (any case), else a given name; one person, or the candidates."""
    who = who.strip()[:100]
    if not who:
        return []
    person = repo.person_by_id(who)
    if person is None and who.isdigit() and len(who) < 19:
        person = repo.person_by_telegram_id(int(who))
    if person is not None:
        return [person]
    people = repo.people()
    exact = [p for p in people if _fold(p.name) == _fold(who)]
    return exact or [p for p in people if given_name(p.name) == _fold(who)]
