"""Scenario files (contracts §1): an organisation's state in one JSON or YAML file.

`load_scenario` reads and validates a file into frozen dataclasses. A file that
breaks the rules raises `ScenarioError`, whose text names the file, the place
and the problem: `scen.json: reports[12].date: not a date (2026-13-01)`. The
first problem found is reported. Keys starting with `_` are comments and are
ignored; any other unknown key is refused, so a typo cannot pass silently.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

from bot.i18n import Lang, t
from bot.store.rows import Basis, Number, Role, Workdays

if TYPE_CHECKING:
    import knowledge
    from bot.report_parser import Lexicon, ParsedReport

MAX_BYTES: Final = 50 * 1024 * 1024


class ScenarioError(ValueError):
    """A scenario file that cannot be used; `str()` is `"<file>: <place>: <problem>"`."""

    def __init__(
        self,
        file: str,
        place: str,
        problem: str,
        *,
        key: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.file = file
        self.place = place
        self.problem = problem
        self.key = key
        self.params = dict(params or {})
        super().__init__(self._join(problem))

    @classmethod
    def of(cls, file: str, place: str, key: str, **params: Any) -> ScenarioError:
        """The error for message `key` of the catalogue, in English for `str()`."""
        return cls(file, place, t(key, "en", **params), key=key, params=params)

    def _join(self, problem: str) -> str:
        return ": ".join(part for part in (self.file, self.place, problem) if part)

    def message(self, lang: Lang) -> str:
        """The whole one-line message in `lang`."""
        return self._join(t(self.key, lang, **self.params) if self.key else self.problem)


@dataclass(frozen=True, slots=True)
class Person:
    """A person of the scenario; `team` is the team they belong to, if any."""

    id: str
    name: str
    role: Role
    team: str | None
    lang: Lang
    telegram_id: int | None
    timezone: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class Team:
    """A team; `workdays` and `timezone` are None when the scenario's apply."""

    id: str
    name: str
    lead: str | None
    manager: str | None
    region: str | None
    timezone: str | None
    workdays: Workdays | None
    settings: Mapping[str, Any]
    metrics: Mapping[str, knowledge.MetricDef]  # the team's own metrics, from settings.metrics


@dataclass(frozen=True, slots=True)
class Target:
    """A target of exactly one person or team; the dimensions are '' when not given."""

    person: str | None
    team: str | None
    metric: str
    period: str  # canonical label: 2026, 2026-Q1, 2026-03, 2026-W11, 2026-03-18
    value: Number
    draft: Number | None
    basis: Basis | None
    region: str
    channel: str
    product: str


@dataclass(frozen=True, slots=True)
class ScenarioReport:
    """One report message; None for a structured field means "not given" (read from text)."""

    person: str
    date: dt.date
    text: str | None
    metrics: Mapping[str, Number] | None
    blockers: tuple[str, ...] | None
    next_steps: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Event:
    """A management event (meeting, training, coaching, plan revision …)."""

    kind: str
    date: dt.date
    team: str | None
    person: str | None
    by: str | None
    text: str


@dataclass(frozen=True, slots=True)
class PlanDocument:
    """A team's plan execution document for a period: some of the ten sections."""

    team: str
    period: str
    sections: Mapping[str, str]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the organisation and its history as seen on `today`."""

    source: str
    today: dt.date
    timezone: str
    workdays: Workdays
    people: tuple[Person, ...]
    teams: tuple[Team, ...]
    targets: tuple[Target, ...] = ()
    reports: tuple[ScenarioReport, ...] = ()
    events: tuple[Event, ...] = ()
    plan_documents: tuple[PlanDocument, ...] = ()
    _lexicons: dict[str, Lexicon] = field(default_factory=dict, repr=False, compare=False)
    _people: dict[str, Person] = field(init=False, repr=False, compare=False)
    _teams: dict[str, Team] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_people", {p.id: p for p in self.people})
        object.__setattr__(self, "_teams", {tm.id: tm for tm in self.teams})

    def person(self, person_id: str) -> Person | None:
        """The person with this id, or None."""
        return self._people.get(person_id)

    def team(self, team_id: str | None) -> Team | None:
        """The team with this id, or None."""
        return self._teams.get(team_id) if team_id else None

    def workdays_of(self, team_id: str | None) -> Workdays:
        """The team's working-day calendar, else the scenario's."""
        team = self.team(team_id)
        return (team and team.workdays) or self.workdays

    def timezone_of(self, person_id: str) -> str:
        """The person's zone, else their team's, else the scenario's."""
        who = self.person(person_id)
        team = self.team(who.team if who else None)
        return (who and who.timezone) or (team and team.timezone) or self.timezone

    def read_report(self, report: ScenarioReport) -> ParsedReport:
        """What the bot reads from one report entry (contracts §1).

        The text is parsed as if the person had sent it in chat on the entry's
        date; each structured field given (metrics, blockers, next_steps)
        replaces what was read from the text for that field.
        """
        from bot.report_parser import Lexicon, ParsedReport, parse_report

        parsed = ParsedReport(report.date, {}, (), (), ())
        if report.text and report.text.strip():
            who = self.person(report.person)
            team = self.team(who.team if who else None)
            lexicon = None
            if team is not None and team.metrics:
                lexicon = self._lexicons.get(team.id) or Lexicon.build(team.metrics)
                self._lexicons[team.id] = lexicon
            parsed = parse_report(report.text, report.date, lexicon=lexicon)
        return ParsedReport(
            date=parsed.date,
            metrics=dict(parsed.metrics if report.metrics is None else report.metrics),
            blockers=parsed.blockers if report.blockers is None else report.blockers,
            next_steps=parsed.next_steps if report.next_steps is None else report.next_steps,
            warnings=parsed.warnings,
        )


# ---- reading the file ---------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date is reported where it is."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_scenario(path: str | Path) -> Scenario:
    """Reads and validates a scenario file (.yaml/.yml as YAML, anything else as JSON)."""
    name = str(path)
    return parse_scenario(_read(Path(path), name), name)


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    """Validates an already-decoded scenario (`source` names it in error messages)."""
    from bot.scenario_check import check

    if not isinstance(data, dict):
        raise ScenarioError.of(source, "", "scenario.file.not_object", found=json_kind(data))
    return check(data, source)


def json_kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _read(path: Path, name: str) -> Any:
    """The decoded content of a scenario file, or a ScenarioError saying why not."""

    def error(key: str, place: str = "", **params: Any) -> ScenarioError:
        return ScenarioError.of(name, place, key, **params)

    try:
        if path.is_dir():
            raise error("scenario.file.folder")
        size = path.stat().st_size
        if size > MAX_BYTES:
            shown = f"{size / 2**20:.1f}"
            raise error("scenario.file.too_big", size=shown, limit=MAX_BYTES // 2**20)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error("scenario.file.missing") from None
    except OSError as exc:
        raise error("scenario.file.unreadable", reason=exc.strerror or exc) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = f"0x{raw[exc.start]:02x}"
        raise error("scenario.file.not_utf8", f"line {line}", byte=byte) from None
    if not text.strip():
        raise error("scenario.file.empty")
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
        else:
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise error("scenario.file.bad_json", where, reason=exc.msg) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = exc.problem or exc.context or str(exc)
        raise error("scenario.file.bad_yaml", where, reason=reason) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise error("scenario.file.bad_yaml", reason=exc) from None
    except RecursionError:
        raise error("scenario.file.too_deep") from None
    if data is None:
        raise error("scenario.file.empty")
    return data
