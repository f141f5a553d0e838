"""Validation of a decoded scenario (contracts §1), used by `bot.scenario`.

Stops at the first problem and names its exact place (`reports[12].date`).
Keys starting with `_` are comments; any other unknown key is refused.

Everything that later code computes with is bounded here, so that no value of
a valid scenario can overflow SQLite or the calendar: dates lie in 1900..2999,
numbers are finite and at most 1e15, a telegram_id fits in 63 bits, a report's
figure stays within its metric's sanity bound, and a team's settings are plain
JSON of at most 64 KB.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import math
from collections.abc import Sequence
from typing import Any, Final, cast

import knowledge
from bot.clock import BadTimezoneError, zone
from bot.i18n import Lang, guess_lang
from bot.plans import Period
from bot.scenario import (
    Event,
    Person,
    PlanDocument,
    Scenario,
    ScenarioError,
    ScenarioReport,
    Target,
    Team,
    json_kind,
    show,
)
from bot.store.rows import (
    BASES,
    EVENT_KINDS,
    ROLES,
    SECTION_NAMES,
    WORKDAYS,
    Basis,
    Number,
    Role,
    Workdays,
)

FORMAT_VERSION: Final = 1
FIRST_DAY: Final = dt.date(1900, 1, 1)
LAST_DAY: Final = dt.date(2999, 12, 31)
MAX_NUMBER: Final = 10**15
MAX_TELEGRAM_ID: Final = 2**63 - 1
MAX_SETTINGS_BYTES: Final = 64 * 1024
MAX_SETTINGS_DEPTH: Final = 32
LANG_CODES: Final = ("zh", "en")
DEFAULT_TIMEZONE: Final = "Asia/Shanghai"
DEFAULT_WORKDAYS: Final[Workdays] = "mon-fri"

TOP_KEYS: Final = (
    *("scenario", "today", "timezone", "workdays", "people", "teams"),
    *("targets", "reports", "events", "plan_documents"),
)
PERSON_KEYS: Final = ("id", "name", "role", "team", "lang", "telegram_id", "timezone", "active")
TEAM_KEYS: Final = ("id", "name", "lead", "manager", "region", "timezone", "workdays", "settings")
TARGET_KEYS: Final = (
    *("person", "team", "metric", "period", "value", "draft", "basis"),
    *("region", "channel", "product"),
)
REPORT_KEYS: Final = ("person", "date", "text", "metrics", "blockers", "next_steps")
EVENT_KEYS: Final = ("kind", "date", "team", "person", "by", "text")
PLAN_KEYS: Final = ("team", "period", "sections")
# who may fill a team's duty: its lead must be a lead; its manager a manager or an admin
DUTIES: Final = {"lead": ("lead",), "manager": ("manager", "admin")}


def _figure(value: float) -> str:
    """A bound as a message shows it: 1000000, not 1e+06."""
    return f"{int(value):d}" if float(value).is_integer() else f"{value:g}"


def _at(place: str, key: str | int) -> str:
    """The place of a key or index under `place`; an odd key (blank, long, unprintable) is quoted."""
    if isinstance(key, int):
        return f"{place}[{key}]"
    if not key or len(key) > 40 or not key.isprintable() or key.strip() != key:
        key = show(key, 40)
    return f"{place}.{key}" if place else key


def check(data: dict[str, Any], file: str) -> Scenario:
    """Validates a decoded scenario; raises ScenarioError at the first problem."""
    return Checker(file).scenario(data)


class Checker:
    """Validates one scenario, section by section, remembering its people and teams."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.people: dict[str, Person] = {}
        self.teams: dict[str, Team] = {}

    def error(self, place: str, key: str, **params: Any) -> ScenarioError:
        return ScenarioError.of(self.file, place, key, **params)

    # ---- shapes ---------------------------------------------------------------------------

    def obj(
        self, value: Any, place: str, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(place, "scenario.type.object", found=json_kind(value))
        data = {str(k): v for k, v in value.items() if not str(k).startswith("_")}
        unknown = [k for k in data if k not in allowed]
        if unknown:
            near = difflib.get_close_matches(unknown[0], allowed, n=1)
            key = "scenario.key.unknown_near" if near else "scenario.key.unknown"
            hint = near[0] if near else ""
            raise self.error(_at(place, unknown[0]), key, near=hint, allowed=", ".join(allowed))
        for name in required:
            if data.get(name) is None:
                raise self.error(_at(place, name), "scenario.key.missing")
        return data

    def items(self, value: Any, place: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(place, "scenario.type.array", found=json_kind(value))
        return value

    def text(self, value: Any, place: str, *, empty_ok: bool = False) -> str:
        if not isinstance(value, str):
            raise self.error(place, "scenario.type.string", found=json_kind(value))
        if not empty_ok and not value.strip():
            raise self.error(place, "scenario.type.empty")
        return value

    def maybe_text(self, value: Any, place: str, *, empty_ok: bool = False) -> str | None:
        return None if value is None else self.text(value, place, empty_ok=empty_ok)

    def day(self, value: Any, place: str) -> dt.date:
        """A date of 1900-01-01..2999-12-31: the calendar code may step a year either way."""
        day: dt.date | None = None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        elif isinstance(value, str) and len(value) == 10:
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(value)
        if day is None:
            raise self.error(place, "scenario.date.bad", value=show(value))
        if not FIRST_DAY <= day <= LAST_DAY:
            first, last = FIRST_DAY.isoformat(), LAST_DAY.isoformat()
            raise self.error(
                place, "scenario.date.range", value=show(value), first=first, last=last
            )
        return day

    def not_after(self, day: dt.date, today: dt.date, place: str) -> dt.date:
        if day > today:
            key, shown = "scenario.date.future", day.isoformat()
            raise self.error(place, key, value=shown, today=today.isoformat())
        return day

    def number(self, value: Any, place: str) -> Number:
        """A finite number from 0 to 1e15 (which SQLite and a float still hold exactly)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(place, "scenario.number.bad", found=show(value))
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(place, "scenario.number.not_finite", found=show(value))
        if value < 0:
            raise self.error(place, "scenario.number.negative", value=show(value))
        if value > MAX_NUMBER:
            limit = _figure(MAX_NUMBER)
            raise self.error(place, "scenario.number.too_big", value=show(value), limit=limit)
        return value

    def choice(self, value: Any, place: str, options: Sequence[str]) -> str:
        if not isinstance(value, str) or value not in options:
            options_text = ", ".join(options)
            raise self.error(place, "scenario.choice.bad", value=show(value), options=options_text)
        return value

    def zone(self, value: Any, place: str) -> str:
        name = self.text(value, place)
        try:
            zone(name)
        except BadTimezoneError:
            raise self.error(place, "scenario.timezone.bad", value=show(value)) from None
        return name

    def period(self, value: Any, place: str) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # YAML reads a bare 2026 as a number
        try:
            return Period.parse(self.text(value, place)).label
        except ValueError:
            raise self.error(place, "scenario.period.bad", value=show(value)) from None

    def person_ref(self, value: Any, place: str) -> Person:
        found = self.people.get(value) if isinstance(value, str) else None
        if found is None:
            raise self.error(place, "scenario.ref.person", value=show(value))
        return found

    def team_ref(self, value: Any, place: str) -> Team:
        found = self.teams.get(value) if isinstance(value, str) else None
        if found is None:
            raise self.error(place, "scenario.ref.team", value=show(value))
        return found

    def metric_defs(self, team_id: str | None) -> dict[str, knowledge.MetricDef]:
        """The metrics known to a team: the canonical ones and its own."""
        team = self.teams.get(team_id or "")
        return {**knowledge.metrics(), **(team.metrics if team else {})}

    def metric(self, value: Any, place: str, team_id: str | None) -> str:
        known = self.metric_defs(team_id)
        if not isinstance(value, str) or value not in known:
            listed = ", ".join(sorted(known))
            raise self.error(place, "scenario.metric.unknown", value=show(value), known=listed)
        return value

    def figure(self, value: Any, place: str, metric: knowledge.MetricDef) -> Number:
        """One report's figure of a metric: within its sanity bound, whole for a count."""
        number = self.number(value, place)
        if metric.kind == "count" and isinstance(number, float) and not number.is_integer():
            raise self.error(
                place, "scenario.metric.not_whole", value=show(value), metric=metric.name
            )
        if number > metric.max:
            limit = _figure(metric.max)
            key = "scenario.metric.too_big"
            raise self.error(place, key, value=show(value), metric=metric.name, limit=limit)
        return int(number) if metric.kind == "count" else number

    def settings(self, value: Any, place: str) -> dict[str, Any]:
        """A team's settings: plain JSON (string keys, finite numbers) of at most 64 KB."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(place, "scenario.type.object", found=json_kind(value))
        stack: list[tuple[Any, str, int]] = [(value, place, 0)]
        while stack:  # in document order, without recursion
            node, where, depth = stack.pop()
            if depth > MAX_SETTINGS_DEPTH:
                raise self.error(where, "scenario.settings.too_deep", limit=MAX_SETTINGS_DEPTH)
            if isinstance(node, dict):
                for key in node:
                    if not isinstance(key, str):
                        raise self.error(where, "scenario.settings.key", name=show(key))
                children = [(child, _at(where, k), depth + 1) for k, child in node.items()]
                stack.extend(reversed(children))
            elif isinstance(node, list):
                children = [(child, _at(where, i), depth + 1) for i, child in enumerate(node)]
                stack.extend(reversed(children))
            elif isinstance(node, float) and not math.isfinite(node):
                raise self.error(where, "scenario.number.not_finite", found=show(node))
            elif isinstance(node, int) and not isinstance(node, bool) and abs(node) > MAX_NUMBER:
                cap = _figure(MAX_NUMBER)
                raise self.error(where, "scenario.number.too_big", value=show(node), limit=cap)
            elif node is not None and not isinstance(node, str | int | float):
                raise self.error(where, "scenario.settings.value", found=json_kind(node))
        size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
        if size > MAX_SETTINGS_BYTES:
            kib, limit = f"{size / 1024:.1f}", MAX_SETTINGS_BYTES // 1024
            raise self.error(place, "scenario.settings.too_big", size=kib, limit=limit)
        return value

    # ---- sections -------------------------------------------------------------------------

    def scenario(self, data: dict[str, Any]) -> Scenario:
        data = self.obj(data, "", TOP_KEYS, required=("scenario", "today"))
        version = data["scenario"]
        if type(version) is not int or version != FORMAT_VERSION:
            raise self.error("scenario", "scenario.version", value=show(version))
        today = self.day(data["today"], "today")
        tz = self.zone(data.get("timezone", DEFAULT_TIMEZONE), "timezone")
        workdays = self.choice(data.get("workdays", DEFAULT_WORKDAYS), "workdays", WORKDAYS)
        for i, raw in enumerate(self.items(data.get("people"), "people")):
            self.person(raw, f"people[{i}]")
        for i, raw in enumerate(self.items(data.get("teams"), "teams")):
            self.team(raw, f"teams[{i}]")
        for i, who in enumerate(self.people.values()):
            if who.team is not None:
                self.team_ref(who.team, f"people[{i}].team")
        targets = self.targets(self.items(data.get("targets"), "targets"))
        reports = self.items(data.get("reports"), "reports")
        events = self.items(data.get("events"), "events")
        return Scenario(
            source=self.file,
            today=today,
            timezone=tz,
            workdays=cast(Workdays, workdays),
            people=tuple(self.people.values()),
            teams=tuple(self.teams.values()),
            targets=targets,
            reports=tuple(self.report(r, f"reports[{i}]", today) for i, r in enumerate(reports)),
            events=tuple(self.event(e, f"events[{i}]", today) for i, e in enumerate(events)),
            plan_documents=self.plans(self.items(data.get("plan_documents"), "plan_documents")),
        )

    def person(self, raw: Any, place: str) -> None:
        obj = self.obj(raw, place, PERSON_KEYS, required=("id", "role"))
        pid = self.text(obj["id"], _at(place, "id")).strip()
        if pid in self.people:
            raise self.error(_at(place, "id"), "scenario.id.duplicate", value=show(pid))
        name = self.text(obj.get("name", pid), _at(place, "name"))
        lang_given = obj.get("lang")
        lang: Lang = guess_lang(name)
        if lang_given is not None:
            if lang_given not in LANG_CODES:
                raise self.error(_at(place, "lang"), "scenario.lang.bad", value=show(lang_given))
            lang = cast(Lang, lang_given)
        tg = obj.get("telegram_id")
        if tg is not None:
            if type(tg) is not int or not 0 < tg <= MAX_TELEGRAM_ID:
                raise self.error(_at(place, "telegram_id"), "scenario.telegram.bad", value=show(tg))
            other = next((p.id for p in self.people.values() if p.telegram_id == tg), None)
            if other is not None:
                key = "scenario.telegram.duplicate"
                raise self.error(_at(place, "telegram_id"), key, value=tg, other=show(other))
        active = obj.get("active", True)
        if not isinstance(active, bool):
            raise self.error(_at(place, "active"), "scenario.type.boolean", found=json_kind(active))
        tz = obj.get("timezone")
        self.people[pid] = Person(
            id=pid,
            name=name,
            role=cast(Role, self.choice(obj["role"], _at(place, "role"), ROLES)),
            team=self.maybe_text(obj.get("team"), _at(place, "team")),
            lang=lang,
            telegram_id=tg,
            timezone=None if tz is None else self.zone(tz, _at(place, "timezone")),
            active=active,
            lang_given=lang_given is not None,
        )

    def team(self, raw: Any, place: str) -> None:
        obj = self.obj(raw, place, TEAM_KEYS, required=("id",))
        tid = self.text(obj["id"], _at(place, "id")).strip()
        if tid in self.teams:
            raise self.error(_at(place, "id"), "scenario.id.duplicate", value=show(tid))
        duty_holders: dict[str, str | None] = {}
        for duty, allowed in DUTIES.items():
            duty_holders[duty] = None
            if obj.get(duty) is not None:
                who = self.person_ref(obj[duty], _at(place, duty))
                if who.role not in allowed:
                    need = " / ".join(allowed)
                    key = "scenario.role.wrong"
                    raise self.error(
                        _at(place, duty), key, value=show(who.id), role=who.role, expected=need
                    )
                duty_holders[duty] = who.id
        settings = self.settings(obj.get("settings"), _at(place, "settings"))
        tz, workdays = obj.get("timezone"), obj.get("workdays")
        self.teams[tid] = Team(
            id=tid,
            name=self.text(obj.get("name", tid), _at(place, "name")),
            lead=duty_holders["lead"],
            manager=duty_holders["manager"],
            region=self.maybe_text(obj.get("region"), _at(place, "region"), empty_ok=True),
            timezone=None if tz is None else self.zone(tz, _at(place, "timezone")),
            workdays=None
            if workdays is None
            else cast(Workdays, self.choice(workdays, _at(place, "workdays"), WORKDAYS)),
            settings=settings,
            metrics=self.custom_metrics(settings.get("metrics"), _at(place, "settings.metrics")),
        )
        self.rule_overrides(settings.get("rules"), _at(place, "settings.rules"))
        self.schedule_settings(settings, _at(place, "settings"))

    def schedule_settings(self, settings: dict[str, Any], place: str) -> None:
        """Reminder and digest times must be times of day, the digest day a weekday."""
        from bot.scheduler import setting_errors

        for name, key, params in setting_errors(settings)[:1]:
            raise self.error(_at(place, name), key, **params)

    def rule_overrides(self, value: Any, place: str) -> None:
        """A team's tuned thresholds must name real rules and thresholds, with numbers."""
        if value is None:
            return
        from knowledge.rulebase import check_overrides

        try:
            check_overrides(value, place)
        except knowledge.KnowledgeError as exc:
            spot, _, detail = str(exc).partition(": ")
            raise self.error(spot or place, "scenario.rules.bad_override", detail=detail) from None

    def custom_metrics(self, value: Any, place: str) -> dict[str, knowledge.MetricDef]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(place, "scenario.type.object", found=json_kind(value))
        out: dict[str, knowledge.MetricDef] = {}
        for name, spec in value.items():
            if name in knowledge.metrics():
                key = "scenario.metric.redefined"
                raise self.error(_at(place, str(name)), key, value=show(name))
            try:
                out[str(name)] = knowledge.parse_metric(str(name), spec, place)
            except knowledge.KnowledgeError as exc:
                spot, _, detail = str(exc).partition(": ")
                if not spot.isprintable() or len(spot) > len(place) + 80:
                    spot = _at(place, str(name))  # the knowledge base echoes the name unquoted
                raise self.error(spot, "scenario.metric.bad_definition", detail=detail) from None
        return out

    def targets(self, items: list[Any]) -> tuple[Target, ...]:
        out: list[Target] = []
        seen: dict[tuple[Any, ...], int] = {}
        for i, raw in enumerate(items):
            place = f"targets[{i}]"
            obj = self.obj(raw, place, TARGET_KEYS, required=("metric", "period", "value"))
            if (obj.get("person") is None) == (obj.get("team") is None):
                raise self.error(place, "scenario.target.owner")
            person = team = None
            if obj.get("person") is not None:
                person = self.person_ref(obj["person"], _at(place, "person"))
            else:
                team = self.team_ref(obj["team"], _at(place, "team"))
            metrics_of = team.id if team else person.team if person else None
            dims = [
                self.text(obj.get(d, ""), _at(place, d), empty_ok=True)
                for d in ("region", "channel", "product")
            ]
            draft, basis = obj.get("draft"), obj.get("basis")
            target = Target(
                person=person.id if person else None,
                team=team.id if team else None,
                metric=self.metric(obj["metric"], _at(place, "metric"), metrics_of),
                period=self.period(obj["period"], _at(place, "period")),
                value=self.number(obj["value"], _at(place, "value")),
                draft=None if draft is None else self.number(draft, _at(place, "draft")),
                basis=None
                if basis is None
                else cast(Basis, self.choice(basis, _at(place, "basis"), BASES)),
                region=dims[0],
                channel=dims[1],
                product=dims[2],
            )
            key = (target.person, target.team, target.metric, target.period, *dims)
            if key in seen:
                raise self.error(place, "scenario.target.duplicate", other=seen[key])
            seen[key] = i
            out.append(target)
        return tuple(out)

    def report(self, raw: Any, place: str, today: dt.date) -> ScenarioReport:
        obj = self.obj(raw, place, REPORT_KEYS, required=("person", "date"))
        person = self.person_ref(obj["person"], _at(place, "person"))
        day = self.not_after(self.day(obj["date"], _at(place, "date")), today, _at(place, "date"))
        text = self.maybe_text(obj.get("text"), _at(place, "text"), empty_ok=True)
        metrics: dict[str, Number] | None = None
        if obj.get("metrics") is not None:
            where = _at(place, "metrics")
            if not isinstance(obj["metrics"], dict):
                raise self.error(where, "scenario.type.object", found=json_kind(obj["metrics"]))
            metrics = {}
            known = self.metric_defs(person.team)
            for name, value in obj["metrics"].items():
                spot = _at(where, str(name))
                metric = self.metric(name, spot, person.team)
                metrics[metric] = self.figure(value, spot, known[metric])
        lists: dict[str, tuple[str, ...] | None] = {"blockers": None, "next_steps": None}
        for key in lists:
            if obj.get(key) is not None:
                where = _at(place, key)
                values = self.items(obj[key], where)
                lists[key] = tuple(
                    self.text(v, _at(where, j)).strip() for j, v in enumerate(values)
                )
        if not (text and text.strip()) and metrics is None and not any(lists.values()):
            raise self.error(place, "scenario.report.empty")
        return ScenarioReport(person.id, day, text, metrics, lists["blockers"], lists["next_steps"])

    def event(self, raw: Any, place: str, today: dt.date) -> Event:
        obj = self.obj(raw, place, EVENT_KEYS, required=("kind", "date"))
        refs: dict[str, str | None] = {"person": None, "by": None, "team": None}
        for key in ("person", "by"):
            if obj.get(key) is not None:
                refs[key] = self.person_ref(obj[key], _at(place, key)).id
        if obj.get("team") is not None:
            refs["team"] = self.team_ref(obj["team"], _at(place, "team")).id
        return Event(
            kind=self.choice(obj["kind"], _at(place, "kind"), EVENT_KINDS),
            date=self.not_after(
                self.day(obj["date"], _at(place, "date")), today, _at(place, "date")
            ),
            team=refs["team"],
            person=refs["person"],
            by=refs["by"],
            text=self.maybe_text(obj.get("text"), _at(place, "text"), empty_ok=True) or "",
        )

    def plans(self, items: list[Any]) -> tuple[PlanDocument, ...]:
        out: list[PlanDocument] = []
        seen: dict[tuple[str, str], int] = {}
        for i, raw in enumerate(items):
            place = f"plan_documents[{i}]"
            obj = self.obj(raw, place, PLAN_KEYS, required=("team", "period"))
            team = self.team_ref(obj["team"], _at(place, "team")).id
            period = self.period(obj["period"], _at(place, "period"))
            where = _at(place, "sections")
            sections = {} if obj.get("sections") is None else obj["sections"]
            if not isinstance(sections, dict):
                raise self.error(where, "scenario.type.object", found=json_kind(sections))
            for name, value in sections.items():
                self.choice(name, _at(where, str(name)), SECTION_NAMES)
                self.text(value, _at(where, str(name)), empty_ok=True)
            if (team, period) in seen:
                raise self.error(place, "scenario.plan.duplicate", other=seen[(team, period)])
            seen[(team, period)] = i
            out.append(PlanDocument(team, period, dict(sections)))
        return tuple(out)
