"""Who and what the cells of a target file may name: people, teams and metrics, within scope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import knowledge
from bot.planning.cells import CellError, text_of
from bot.planning.sheet import Cell
from bot.plans import Calendar, calendar_for
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TeamRow


class Lookup:
    """Who and what the cells may name, within the uploader's scope."""

    def __init__(self, repo: Repository, scope: Iterable[str] | None) -> None:
        self.repo = repo
        self.scope = None if scope is None else frozenset(scope)
        self.people = list(repo.people(active_only=True))
        self.teams = {team.id: team for team in repo.teams()}
        self._metrics: dict[str, dict[str, tuple[str, bool]]] = {}

    def person(self, cell: Cell) -> PersonRow | None:
        raw = text_of(cell)
        if not raw:
            return None
        found = [p for p in self.people if p.id == raw] or [
            p for p in self.people if p.id.lower() == raw.lower()
        ]
        if not found and raw.isdigit():
            found = [p for p in self.people if p.telegram_id == int(raw)]
        if not found:
            folded = "".join(raw.lower().split())
            found = [p for p in self.people if "".join(p.name.lower().split()) == folded]
        if len(found) > 1:
            raise CellError("ambiguous_person", value=raw[:40])
        return found[0] if found else None

    def team(self, cell: Cell) -> TeamRow | None:
        raw = text_of(cell)
        if not raw:
            return None
        for team in self.teams.values():
            if raw in (team.id, team.name) or raw.lower() == team.id.lower():
                return team
        return None

    def allowed(self, team_id: str | None) -> bool:
        return self.scope is None or (team_id is not None and team_id in self.scope)

    def metric(self, cell: Cell, team_id: str | None) -> tuple[str, bool]:
        """The canonical metric and whether it is money."""
        raw = " ".join(text_of(cell).lower().split())
        names = self._metric_names(team_id)
        for candidate in (raw, raw.replace(" ", "_"), raw.replace("_", " ")):
            if candidate in names:
                return names[candidate]
        raise CellError("unknown_metric", value=text_of(cell)[:40], known=", ".join(sorted({
            name for name, _ in names.values()})))  # fmt: skip

    def _metric_names(self, team_id: str | None) -> dict[str, tuple[str, bool]]:
        key = team_id or ""
        if key not in self._metrics:
            defs = dict(knowledge.metrics())
            team = self.teams.get(key)
            extra = team.settings.get("metrics") if team else None
            if isinstance(extra, Mapping):
                for name, spec in extra.items():
                    try:
                        defs[str(name)] = knowledge.parse_metric(str(name), spec)
                    except knowledge.KnowledgeError:
                        continue
            names: dict[str, tuple[str, bool]] = {}
            for layer in ("words", "labels", "names"):
                for d in defs.values():
                    value = (d.name, d.kind == "money")
                    if layer == "words":
                        keys: Sequence[str] = d.words
                    elif layer == "labels":
                        keys = (d.label_zh.lower(), d.label_en.lower())
                    else:
                        keys = (d.name, d.name.replace("_", " "))
                    names.update(dict.fromkeys(keys, value))
            self._metrics[key] = names
        return self._metrics[key]

    def calendar(self, team_id: str | None) -> Calendar:
        team = self.teams.get(team_id or "")
        return calendar_for(team.workdays if team else "mon-fri")
