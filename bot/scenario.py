"""Scenario files (contracts §1): an organisation's state in one JSON or YAML file.

`load_scenario` reads and validates a file into frozen dataclasses. A file that
breaks the rules raises `ScenarioError`, whose text names the file, the place
and the problem: `scen.json: reports[12].date: not a date ('2026-13-01')`. The
first problem found is reported. Keys starting with `_` are comments and are
ignored; any other unknown key is refused, so a typo cannot pass silently.

Hostile input is refused before it can cost much: only regular files are read,
and at most `MAX_BYTES` of them; YAML anchors and aliases (the "billion laughs")
and duplicate keys are refused with the line and column, or the place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
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
    """A scenario file that cannot be used; `str()` is `"<file>: <place>: <problem>"`.

    `place` is a path into the data (`reports[12].date`) or, for a file that
    cannot be decoded, a position (`line 3, column 13`), which `message()`
    translates like the problem.
    """

    def __init__(
        self,
        file: str,
        place: str,
        problem: str,
        *,
        key: str | None = None,
        params: Mapping[str, Any] | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.file = file
        self.place = place
        self.problem = problem
        self.key = key
        self.params = dict(params or {})
        self.line = line
        self.column = column
        super().__init__(self._join(place, problem))

    @classmethod
    def of(cls, file: str, place: str, key: str, **params: Any) -> ScenarioError:
        """The error for message `key` of the catalogue, in English for `str()`."""
        return cls(file, place, t(key, "en", **params), key=key, params=params)

    @classmethod
    def at(cls, file: str, line: int, column: int | None, key: str, **params: Any) -> ScenarioError:
        """The error for message `key` at a line (and column) of the file."""
        return cls(
            file,
            _position("en", line, column),
            t(key, "en", **params),
            key=key,
            params=params,
            line=line,
            column=column,
        )

    def _join(self, place: str, problem: str) -> str:
        return ": ".join(part for part in (self.file, place, problem) if part)

    def message(self, lang: Lang) -> str:
        """The whole one-line message in `lang`."""
        place = self.place if self.line is None else _position(lang, self.line, self.column)
        return self._join(place, t(self.key, lang, **self.params) if self.key else self.problem)


def _position(lang: Lang, line: int, column: int | None) -> str:
    if column is None:
        return t("scenario.place.line", lang, line=line)
    return t("scenario.place.line_column", lang, line=line, column=column)


def show(value: Any, limit: int = 60) -> str:
    """A value as a message shows it: strings quoted, one printable line, at most `limit` chars.

    Quoting tells the string '1' from the number 1; control characters are
    escaped so that hostile text cannot reach the terminal.
    """
    if isinstance(value, str):
        body = "".join(
            ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
            for ch in value[: limit + 1]
        )
        return f"'{body}'" if len(body) <= limit - 2 else f"'{body[: limit - 3]}…'"
    try:
        text = json.dumps(value, ensure_ascii=False, default=str, allow_nan=True)
    except (RecursionError, ValueError, TypeError):
        text = json_kind(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    lang_given: bool = True  # False when `lang` was guessed from the name


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

_YamlBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed


class _RefusedError(Exception):
    """A problem found while decoding, at a mark of the YAML text."""

    def __init__(self, mark: Any, key: str, **params: Any) -> None:
        super().__init__(key)
        self.mark = mark
        self.key = key
        self.params = params


class _Loader(_YamlBase):  # type: ignore[misc]
    """Safe YAML (libyaml's when available) that leaves dates as text and refuses duplicate keys.

    Dates stay text so that a bad one is reported where it is. Anchors and
    aliases are refused before loading (`_no_aliases`), so nothing here is shared.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if len(mapping) != len(node.value):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)  # already built: memoised
                if key in seen:
                    raise _RefusedError(
                        key_node.start_mark, "scenario.key.duplicate", name=show(key)
                    )
                seen.add(key)
        return mapping


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Pairs(dict[str, Any]):
    """A JSON object that had a key twice (`duplicate` names it)."""

    duplicate: str = ""


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
    """The JSON name of a value's type, for messages (the YAML type when JSON has none)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, bytes):
        return "binary"
    return "set" if isinstance(value, set | frozenset) else type(value).__name__


def _read(path: Path, name: str) -> Any:
    """The decoded content of a scenario file, or a ScenarioError saying why not."""
    raw = _read_bytes(path, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = f"0x{raw[exc.start]:02x}"
        raise ScenarioError.at(name, line, None, "scenario.file.not_utf8", byte=byte) from None
    del raw
    if not text.strip():
        raise ScenarioError.of(name, "", "scenario.file.empty")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = _decode_yaml(text, name)
    else:
        data = _decode_json(text, name)
    if data is None:
        raise ScenarioError.of(name, "", "scenario.file.empty")
    return data


def _read_bytes(path: Path, name: str) -> bytes:
    """At most MAX_BYTES of a regular file; devices, pipes and folders are refused unread."""

    def error(key: str, **params: Any) -> ScenarioError:
        return ScenarioError.of(name, "", key, **params)

    def too_big(size: int) -> ScenarioError:
        shown = f"{size / 2**20:.1f}"
        return error("scenario.file.too_big", size=shown, limit=MAX_BYTES // 2**20)

    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise error("scenario.file.folder")
        if not stat.S_ISREG(info.st_mode):
            raise error("scenario.file.not_regular")
        if info.st_size > MAX_BYTES:
            raise too_big(info.st_size)
        # O_NONBLOCK: should the path have become a pipe meanwhile, opening it cannot hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise error("scenario.file.not_regular")
            raw = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error("scenario.file.missing") from None
    except OSError as exc:
        raise error("scenario.file.unreadable", reason=exc.strerror or exc) from None
    if len(raw) > MAX_BYTES:
        raise too_big(max(info.st_size, len(raw)))
    return raw


def _decode_json(text: str, name: str) -> Any:
    duplicates = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        duplicates = True
        marked = _Pairs(obj)
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                marked.duplicate = key
                break
            seen.add(key)
        return marked

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise ScenarioError.at(
            name, exc.lineno, exc.colno, "scenario.file.bad_json", reason=exc.msg
        ) from None
    except RecursionError:
        raise ScenarioError.of(name, "", "scenario.file.too_deep") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ScenarioError.of(name, "", "scenario.file.bad_json", reason=exc) from None
    if duplicates:
        _refuse_duplicates(data, name)
    return data


def _refuse_duplicates(data: Any, name: str) -> None:
    """Raises at the first object (in document order) that had a key twice."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, place = stack.pop()
        if isinstance(value, _Pairs):
            raise ScenarioError.of(
                name, place, "scenario.key.duplicate", name=show(value.duplicate)
            )
        if isinstance(value, dict):
            children = [(v, _key_place(place, k)) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(v, f"{place}[{i}]") for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))


def _key_place(place: str, key: str) -> str:
    if not key or len(key) > 40 or not key.isprintable() or key.strip() != key:
        key = show(key, 40)
    return f"{place}.{key}" if place else key


def _decode_yaml(text: str, name: str) -> Any:
    try:
        _no_aliases(text)
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except _RefusedError as exc:
        line, column = exc.mark.line + 1, exc.mark.column + 1
        raise ScenarioError.at(name, line, column, exc.key, **exc.params) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or str(exc)
        if mark is None:
            raise ScenarioError.of(name, "", "scenario.file.bad_yaml", reason=reason) from None
        line, column = mark.line + 1, mark.column + 1
        raise ScenarioError.at(
            name, line, column, "scenario.file.bad_yaml", reason=reason
        ) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ScenarioError.of(name, "", "scenario.file.bad_yaml", reason=exc) from None
    except RecursionError:
        raise ScenarioError.of(name, "", "scenario.file.too_deep") from None


def _no_aliases(text: str) -> None:
    """Refuses anchors and aliases (&, *), the stuff of YAML bombs, before anything is built."""
    if "&" not in text and "*" not in text:
        return  # neither can occur: no need to look
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _RefusedError(event.start_mark, "scenario.file.yaml_alias")
