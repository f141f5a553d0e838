"""Who may ask about whom: a lead their team, a manager the teams they manage, a rep
themselves (an admin the whole organisation). Checked on every answer, whatever
the question came from: text, a button (its data is never trusted), the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.ask.names import Directory, Entry
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TeamRow


@dataclass(frozen=True)
class Scope:
    """What one person may see."""

    asker: PersonRow
    teams: tuple[TeamRow, ...]
    people: dict[str, PersonRow]
    everyone: dict[str, PersonRow]  # the whole organisation, to name who is outside
    all_teams: dict[str, TeamRow]

    def team_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.teams)

    def sees(self, subject: str) -> bool:
        """True when `subject` (a person or team id) is within scope."""
        return subject in self.people or subject in self.team_ids()

    def default_subjects(self) -> tuple[str, ...]:
        """What "how are we doing" is about: the asker's teams, or the asker alone."""
        return self.team_ids() or (self.asker.id,)

    def members(self, subject: str) -> list[PersonRow]:
        """The people a subject stands for (a team's active members, or the person)."""
        if subject in self.all_teams:
            return [p for p in self.everyone.values() if p.team_id == subject and p.active]
        person = self.everyone.get(subject)
        return [person] if person else []


def scope_of(repo: Repository, asker: PersonRow) -> Scope:
    """The asker's scope, read from the organisation."""
    teams = {t.id: t for t in repo.teams()}
    everyone = {p.id: p for p in repo.people()}
    if asker.role == "admin":
        mine = list(teams.values())
    elif asker.role == "manager":
        mine = [t for t in teams.values() if t.manager_id == asker.id]
    elif asker.role == "lead":
        mine = [t for t in teams.values() if t.lead_id == asker.id]
        if not mine and asker.team_id in teams:
            mine = [teams[asker.team_id]]
    else:
        mine = []
    ids = {t.id for t in mine}
    people = {p.id: p for p in everyone.values() if p.team_id in ids and p.active}
    people[asker.id] = asker
    return Scope(asker, tuple(mine), people, everyone, teams)


def directory_of(scope: Scope, dimensions: dict[str, set[str]]) -> Directory:
    """Every name of the organisation (so one outside scope is refused, not missed)."""
    entries = [Entry(p.id, "person", p.name, p.team_id) for p in scope.everyone.values()]
    entries += [Entry(t.id, "team", t.name) for t in scope.all_teams.values()]
    for key, people in sorted(dimensions.items()):
        kind, _, value = key.partition(":")
        entries.append(Entry(key, kind, value, people=tuple(sorted(people))))
    return _directory(tuple(entries))


@lru_cache(maxsize=32)
def _directory(entries: tuple[Entry, ...]) -> Directory:
    """Compiled once per set of names (the organisation rarely changes between questions)."""
    return Directory.build(entries)


def dimension_values(repo: Repository, scope: Scope) -> dict[str, set[str]]:
    """{"region:华东": {ids}}: a team's region names the team; a target's region, channel
    or product names the people whose targets carry it."""
    out: dict[str, set[str]] = {}
    for team in scope.all_teams.values():
        if team.region:
            out.setdefault(f"region:{team.region}", set()).add(team.id)
    for person_id, kind, value in repo.target_dimensions():
        out.setdefault(f"{kind}:{value}", set()).add(person_id)
    return out
