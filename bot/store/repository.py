"""The only module that names the tables: typed reads and writes over sqlite-utils.

Everything else in the product asks a `Repository` and gets frozen rows back
(`bot.store.rows`, built by `bot.store.convert`). Dates are stored as ISO
`YYYY-MM-DD`, moments as UTC ISO strings, structured values as JSON. Writes
that touch several rows run in one transaction (`db.atomic()`, a savepoint
when nested), so a failure leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from bot.plans import Period
from bot.report_parser.model import ReportWarning
from bot.store import convert as cv
from bot.store.rows import (
    Basis,
    BlockerRow,
    Category,
    EventRow,
    FindingRow,
    InboxRow,
    InboxStatus,
    Number,
    PersonRow,
    PlanDocumentRow,
    ReportRow,
    Role,
    SavedReport,
    TargetRow,
    TeamRow,
    Workdays,
)

Row = dict[str, Any]
Params = list[Any]


def utc_now() -> dt.datetime:
    """The current moment, in UTC."""
    return dt.datetime.now(dt.UTC)


def blocker_key(text: str) -> str:
    """The normalised form two wordings of one blocker share (case, width, punctuation)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())[:200]


def telegram_source_key(chat_id: int, message_id: int) -> str:
    """The source key of a Telegram message: an edit of it replaces the same report."""
    return f"telegram:{chat_id}:{message_id}"


def _match(columns: Mapping[str, Any]) -> tuple[list[str], Params]:
    """`column = ?` clauses for the columns given a value (None means no filter)."""
    given = {c: v for c, v in columns.items() if v is not None}
    return [f"{c} = ?" for c in given], list(given.values())


def _where(clauses: list[str]) -> str:
    return f" WHERE {' AND '.join(clauses)}" if clauses else ""


def _in(column: str, values: Iterable[Any]) -> tuple[str, str]:
    """A clause matching `column` against a list passed as one JSON parameter."""
    return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(values))


class Repository:
    """Typed access to the execoach database."""

    def __init__(self, db: Database, now: Callable[[], dt.datetime] = utc_now) -> None:
        self.db = db
        self._now = now

    # ---- plumbing ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (a savepoint when nested): all of it is written, or none."""
        with self.db.atomic():
            yield

    def _rows(self, sql: str, params: Params | None = None) -> list[Row]:
        return list(self.db.query(sql, params or []))

    def _one(self, sql: str, params: Params | None = None) -> Row | None:
        return next(iter(self.db.query(sql, params or [])), None)

    def _insert(self, table: str, record: Mapping[str, Any]) -> int:
        cols, marks = ", ".join(record), ", ".join(f":{c}" for c in record)
        cursor = self.db.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", dict(record))
        return int(cursor.lastrowid or 0)

    def _put(
        self, table: str, key: Mapping[str, Any], values: Mapping[str, Any]
    ) -> tuple[int, bool]:
        """Updates `values` of the row matching `key`, or inserts key + values.

        Returns the row id and whether it existed. Select-then-write inside one
        transaction, because the keys may include NULL-able columns.
        """
        if any(v is None for v in key.values()):
            raise ValueError(f"{table}: a key value is missing in {dict(key)}")
        clauses, params = _match(key)
        with self.db.atomic():
            found = self._one(f"SELECT id FROM {table}{_where(clauses)}", params)
            if found is None:
                return self._insert(table, {**key, **values}), False
            sets = ", ".join(f"{c} = :{c}" for c in values)
            self.db.execute(
                f"UPDATE {table} SET {sets} WHERE id = :id", {**values, "id": found["id"]}
            )
            return int(found["id"]), True

    def _stamp(self) -> str:
        return cv.moment_text(self._now())

    # ---- teams and people -------------------------------------------------------------

    def upsert_team(
        self,
        id: str,
        name: str,
        *,
        lead_id: str | None = None,
        manager_id: str | None = None,
        region: str | None = None,
        timezone: str | None = None,
        workdays: Workdays = "mon-fri",
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """Creates or updates a team (its created_at survives)."""
        record: dict[str, Any] = {
            "id": id,
            "name": name,
            "lead_id": lead_id,
            "manager_id": manager_id,
        }
        record |= {"region": region, "timezone": timezone, "workdays": workdays}
        self.db.table("teams").upsert({**record, "settings": cv.to_json(settings or {})}, pk="id")

    def team(self, team_id: str) -> TeamRow | None:
        """One team, or None."""
        row = self._one("SELECT * FROM teams WHERE id = ?", [team_id])
        return cv.team(row) if row else None

    def teams(self) -> list[TeamRow]:
        """Every team, by id."""
        return [cv.team(r) for r in self._rows("SELECT * FROM teams ORDER BY id")]

    def upsert_person(
        self,
        id: str,
        name: str,
        role: Role,
        *,
        team_id: str | None = None,
        telegram_id: int | None = None,
        lang: str | None = None,
        timezone: str | None = None,
        active: bool = True,
    ) -> None:
        """Creates or updates a person; a Telegram account moves to the last person given it."""
        record: dict[str, Any] = {"id": id, "name": name, "role": role, "team_id": team_id}
        record |= {"telegram_id": telegram_id, "lang": lang, "timezone": timezone}
        with self.db.atomic():
            if telegram_id is not None:
                self.db.execute(
                    "UPDATE people SET telegram_id = NULL WHERE telegram_id = ? AND id <> ?",
                    [telegram_id, id],
                )
            self.db.table("people").upsert({**record, "active": int(active)}, pk="id")

    def person_by_id(self, person_id: str) -> PersonRow | None:
        """One person, or None."""
        row = self._one("SELECT * FROM people WHERE id = ?", [person_id])
        return cv.person(row) if row else None

    def person_by_telegram_id(self, telegram_id: int) -> PersonRow | None:
        """The person using this Telegram account, or None."""
        row = self._one("SELECT * FROM people WHERE telegram_id = ?", [telegram_id])
        return cv.person(row) if row else None

    def people(self, *, active_only: bool = False) -> list[PersonRow]:
        """Everyone, by id."""
        where = " WHERE active = 1" if active_only else ""
        return [cv.person(r) for r in self._rows(f"SELECT * FROM people{where} ORDER BY id")]

    def people_in_team(self, team_id: str, *, active_only: bool = True) -> list[PersonRow]:
        """The members of a team (people whose team it is), by id."""
        extra = " AND active = 1" if active_only else ""
        rows = self._rows(f"SELECT * FROM people WHERE team_id = ?{extra} ORDER BY id", [team_id])
        return [cv.person(r) for r in rows]

    # ---- targets ----------------------------------------------------------------------

    def upsert_target(
        self,
        *,
        metric: str,
        period: str,
        value: Number,
        person_id: str | None = None,
        team_id: str | None = None,
        draft: Number | None = None,
        basis: Basis | None = None,
        region: str = "",
        channel: str = "",
        product: str = "",
    ) -> int:
        """Sets the target of one person or one team, keyed by metric, period and dimensions."""
        if (person_id is None) == (team_id is None):
            raise ValueError("a target belongs to exactly one of person_id or team_id")
        span = Period.parse(period)
        owner = {"person_id": person_id} if person_id else {"team_id": team_id}
        key: dict[str, Any] = {**owner, "metric": metric, "period": span.label}
        key |= {"region": region, "channel": channel, "product": product}
        values: dict[str, Any] = {
            "value": value,
            "draft": draft,
            "basis": basis,
            "updated_at": self._stamp(),
        }
        values |= {"period_start": span.start.isoformat(), "period_end": span.end.isoformat()}
        return self._put("targets", key, values)[0]

    def targets(
        self,
        *,
        person_id: str | None = None,
        team_id: str | None = None,
        metric: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[TargetRow]:
        """Targets matching every filter given; start/end keep those overlapping that range."""
        clauses, params = _match({"person_id": person_id, "team_id": team_id, "metric": metric})
        if end is not None:
            clauses.append("period_start <= ?")
            params.append(end.isoformat())
        if start is not None:
            clauses.append("period_end >= ?")
            params.append(start.isoformat())
        sql = f"SELECT * FROM targets{_where(clauses)} ORDER BY period_start, period_end DESC, id"
        return [cv.target(r) for r in self._rows(sql, params)]

    # ---- reports ----------------------------------------------------------------------

    def save_report(
        self,
        person_id: str,
        report_date: dt.date,
        raw_text: str,
        metrics: Mapping[str, Number],
        blockers: Sequence[str],
        next_steps: Sequence[str],
        warnings: Sequence[ReportWarning],
        source: str,
        source_key: str,
        chat_id: int | None = None,
        message_id: int | None = None,
        *,
        received_at: dt.datetime | None = None,
    ) -> SavedReport:
        """Stores one report message, replacing the earlier version with the same source_key.

        All in one transaction: the row, its metrics and items, and the blockers
        (a blocker matching an open one of the same person counts as seen again).
        A replaced report keeps its id and first received_at unless one is given.
        """
        person = self._one("SELECT team_id FROM people WHERE id = ?", [person_id])
        if person is None:
            raise LookupError(f"no person with id {person_id!r}")
        stamp = self._stamp()
        notes = cv.to_json([{"key": w.key, "params": w.params} for w in warnings])
        values: dict[str, Any] = {"person_id": person_id, "report_date": report_date.isoformat()}
        values |= {"raw_text": raw_text, "source": source, "chat_id": chat_id}
        values |= {"message_id": message_id, "withdrawn": 0, "parse_warnings": notes}
        values |= {"updated_at": stamp}
        with self.db.atomic():
            old = self._one(
                "SELECT id, received_at FROM reports WHERE source_key = ?", [source_key]
            )
            first = old["received_at"] if old else stamp
            values["received_at"] = cv.moment_text(received_at) if received_at else first
            report_id, replaced = self._put("reports", {"source_key": source_key}, values)
            if replaced:
                for table in ("report_metrics", "report_items"):
                    self.db.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])
                self._detach_blockers(report_id)
            for metric, value in metrics.items():
                self._insert(
                    "report_metrics", {"report_id": report_id, "metric": metric, "value": value}
                )
            for kind, items in (("blocker", blockers), ("next_step", next_steps)):
                for position, text in enumerate(items):
                    item = {"report_id": report_id, "kind": kind, "position": position}
                    self._insert("report_items", {**item, "text": text})
            self._attach_blockers(report_id, person_id, person["team_id"], report_date, blockers)
        return SavedReport(id=report_id, replaced=replaced)

    def withdraw_report(self, report_id: int) -> bool:
        """Marks a report withdrawn (it stops counting); False when there was nothing to do."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE reports SET withdrawn = 1, updated_at = ? WHERE id = ? AND withdrawn = 0",
                [self._stamp(), report_id],
            )
            if cursor.rowcount == 0:
                return False
            self._detach_blockers(report_id)
        return True

    def report_by_source_key(self, source_key: str) -> ReportRow | None:
        """The report stored for this source key (withdrawn or not), or None."""
        row = self._one("SELECT * FROM reports WHERE source_key = ?", [source_key])
        return self._with_details([row])[0] if row else None

    def reports_between(
        self,
        person_ids: Iterable[str] | None,
        start: dt.date,
        end: dt.date,
        *,
        include_withdrawn: bool = False,
    ) -> list[ReportRow]:
        """Reports dated start..end (inclusive) of these people (all when None), oldest first."""
        where, params = self._report_filter(person_ids, start, end, include_withdrawn)
        order = "r.report_date, r.received_at, r.id"
        return self._with_details(
            self._rows(f"SELECT * FROM reports r{where} ORDER BY {order}", params)
        )

    def metric_totals(
        self, person_ids: Iterable[str] | None, start: dt.date, end: dt.date
    ) -> dict[str, dict[str, Number]]:
        """{person: {metric: total}} over non-withdrawn reports dated start..end.

        Every person asked about is in the result, with {} when they reported nothing.
        """
        ids = None if person_ids is None else list(person_ids)
        out: dict[str, dict[str, Number]] = {pid: {} for pid in ids or ()}
        for row in self._totals(ids, start, end, daily=False):
            out.setdefault(row["person_id"], {})[row["metric"]] = cv.number(row["total"])
        return out

    def daily_metric_totals(
        self, person_ids: Iterable[str] | None, start: dt.date, end: dt.date
    ) -> dict[str, dict[dt.date, dict[str, Number]]]:
        """{person: {day: {metric: total}}} over non-withdrawn reports dated start..end."""
        ids = None if person_ids is None else list(person_ids)
        out: dict[str, dict[dt.date, dict[str, Number]]] = {pid: {} for pid in ids or ()}
        for row in self._totals(ids, start, end, daily=True):
            per_day = out.setdefault(row["person_id"], {}).setdefault(
                cv.day(row["report_date"]), {}
            )
            per_day[row["metric"]] = cv.number(row["total"])
        return out

    def _totals(
        self, ids: list[str] | None, start: dt.date, end: dt.date, *, daily: bool
    ) -> list[Row]:
        where, params = self._report_filter(ids, start, end, False)
        group = "r.person_id, r.report_date, m.metric" if daily else "r.person_id, m.metric"
        return self._rows(
            f"SELECT {group}, sum(m.value) AS total FROM reports r "
            f"JOIN report_metrics m ON m.report_id = r.id{where} GROUP BY {group} ORDER BY {group}",
            params,
        )

    @staticmethod
    def _report_filter(
        person_ids: Iterable[str] | None, start: dt.date, end: dt.date, include_withdrawn: bool
    ) -> tuple[str, Params]:
        clauses = ["r.report_date BETWEEN ? AND ?"]
        params: Params = [start.isoformat(), end.isoformat()]
        if not include_withdrawn:
            clauses.append("r.withdrawn = 0")
        if person_ids is not None:
            clause, ids = _in("r.person_id", person_ids)
            clauses.append(clause)
            params.append(ids)
        return _where(clauses), params

    def _with_details(self, rows: list[Row]) -> list[ReportRow]:
        clause, ids = _in("report_id", (r["id"] for r in rows))
        metrics: dict[int, dict[str, Number]] = {}
        for m in self._rows(f"SELECT * FROM report_metrics WHERE {clause}", [ids]):
            metrics.setdefault(m["report_id"], {})[m["metric"]] = cv.number(m["value"])
        items: dict[tuple[int, str], list[str]] = {}
        order = "ORDER BY report_id, kind, position"
        for i in self._rows(f"SELECT * FROM report_items WHERE {clause} {order}", [ids]):
            items.setdefault((i["report_id"], i["kind"]), []).append(i["text"])
        return [
            cv.report(
                r,
                metrics.get(r["id"], {}),
                items.get((r["id"], "blocker"), []),
                items.get((r["id"], "next_step"), []),
            )
            for r in rows
        ]

    # ---- blockers ---------------------------------------------------------------------

    def _attach_blockers(
        self,
        report_id: int,
        person_id: str,
        team_id: str | None,
        day: dt.date,
        texts: Iterable[str],
    ) -> None:
        keys: dict[str, str] = {}
        for text in texts:
            keys.setdefault(blocker_key(text), text.strip())
        keys.pop("", None)
        for key, text in keys.items():
            found = self._one(
                "SELECT id FROM blockers WHERE person_id = ? AND key = ? AND status = 'open'",
                [person_id, key],
            )
            if found:
                blocker_id = int(found["id"])
            else:
                new = {"person_id": person_id, "team_id": team_id, "text": text, "key": key}
                seen = {"first_seen": day.isoformat(), "last_seen": day.isoformat()}
                blocker_id = self._insert("blockers", {**new, **seen})
            self.db.execute(
                "INSERT OR IGNORE INTO blocker_reports (blocker_id, report_id) VALUES (?, ?)",
                [blocker_id, report_id],
            )
            self._refresh_blocker(blocker_id)

    def _detach_blockers(self, report_id: int) -> None:
        linked = self._rows(
            "SELECT blocker_id FROM blocker_reports WHERE report_id = ?", [report_id]
        )
        self.db.execute("DELETE FROM blocker_reports WHERE report_id = ?", [report_id])
        for link in linked:
            self._refresh_blocker(int(link["blocker_id"]))

    def _refresh_blocker(self, blocker_id: int) -> None:
        """Recounts a blocker from its reports; one that no report mentions any more is dropped."""
        seen = self._one(
            "SELECT count(*) AS n, min(r.report_date) AS first, max(r.report_date) AS last "
            "FROM blocker_reports l JOIN reports r ON r.id = l.report_id WHERE l.blocker_id = ?",
            [blocker_id],
        )
        if not seen or not seen["n"]:
            self.db.execute("DELETE FROM blockers WHERE id = ?", [blocker_id])
            return
        self.db.execute(
            "UPDATE blockers SET times_seen = ?, first_seen = ?, last_seen = ? WHERE id = ?",
            [seen["n"], seen["first"], seen["last"], blocker_id],
        )

    def blockers(
        self,
        *,
        person_ids: Iterable[str] | None = None,
        team_id: str | None = None,
        status: str | None = None,
    ) -> list[BlockerRow]:
        """Blockers matching every filter given, the longest-standing first."""
        clauses, params = _match({"b.team_id": team_id, "b.status": status})
        if person_ids is not None:
            clause, ids = _in("b.person_id", person_ids)
            clauses.append(clause)
            params.append(ids)
        sources = (
            "(SELECT json_group_array(report_id) FROM (SELECT report_id FROM blocker_reports "
            "WHERE blocker_id = b.id ORDER BY report_id)) AS report_ids"
        )
        rows = self._rows(
            f"SELECT b.*, {sources} FROM blockers b{_where(clauses)} ORDER BY b.first_seen, b.id",
            params,
        )
        return [cv.blocker(r) for r in rows]

    def open_blockers(
        self, *, person_ids: Iterable[str] | None = None, team_id: str | None = None
    ) -> list[BlockerRow]:
        """The blockers still open, the longest-standing first."""
        return self.blockers(person_ids=person_ids, team_id=team_id, status="open")

    def resolve_blocker(self, blocker_id: int, at: dt.datetime | None = None) -> bool:
        """Marks an open blocker resolved; False when it was not open."""
        cursor = self.db.execute(
            "UPDATE blockers SET status = 'resolved', resolved_at = ? WHERE id = ? AND status = 'open'",
            [cv.moment_text(at or self._now()), blocker_id],
        )
        return cursor.rowcount > 0

    # ---- events and plan documents ----------------------------------------------------

    def add_event(
        self,
        kind: str,
        date: dt.date,
        *,
        team_id: str | None = None,
        person_id: str | None = None,
        by_id: str | None = None,
        text: str = "",
        source_key: str | None = None,
    ) -> int:
        """Records an event; one with a known source_key is updated in place (idempotent)."""
        record: dict[str, Any] = {"kind": kind, "date": date.isoformat(), "team_id": team_id}
        record |= {"person_id": person_id, "by_id": by_id, "text": text}
        if source_key is None:
            return self._insert("events", record)
        return self._put("events", {"source_key": source_key}, record)[0]

    def events(
        self,
        *,
        team_id: str | None = None,
        person_id: str | None = None,
        kinds: Iterable[str] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[EventRow]:
        """Events matching every filter given, oldest first."""
        clauses, params = _match({"team_id": team_id, "person_id": person_id})
        if kinds is not None:
            clause, values = _in("kind", kinds)
            clauses.append(clause)
            params.append(values)
        for clause, day in (("date >= ?", start), ("date <= ?", end)):
            if day is not None:
                clauses.append(clause)
                params.append(day.isoformat())
        rows = self._rows(f"SELECT * FROM events{_where(clauses)} ORDER BY date, id", params)
        return [cv.event(r) for r in rows]

    def upsert_plan_document(self, team_id: str, period: str, sections: Mapping[str, str]) -> None:
        """Sets a team's plan document for a period (the sections given replace the old ones)."""
        key: dict[str, Any] = {"team_id": team_id, "period": Period.parse(period).label}
        values: dict[str, Any] = {
            "sections": cv.to_json(dict(sections)),
            "updated_at": self._stamp(),
        }
        self.db.table("plan_documents").upsert({**key, **values}, pk=("team_id", "period"))

    def plan_document(self, team_id: str, period: str) -> PlanDocumentRow | None:
        """A team's plan document for a period, or None."""
        label = Period.parse(period).label
        row = self._one(
            "SELECT * FROM plan_documents WHERE team_id = ? AND period = ?", [team_id, label]
        )
        return cv.plan_document(row) if row else None

    def plan_documents(self, team_id: str | None = None) -> list[PlanDocumentRow]:
        """Plan documents (of one team when given), by team and period."""
        clauses, params = _match({"team_id": team_id})
        sql = f"SELECT * FROM plan_documents{_where(clauses)} ORDER BY team_id, period"
        return [cv.plan_document(r) for r in self._rows(sql, params)]

    # ---- findings and the inbox -------------------------------------------------------

    def record_finding(
        self,
        *,
        rule: str,
        category: Category,
        subject: str,
        audience: Sequence[str],
        severity: str,
        evidence: Mapping[str, Any],
        message: str,
        found_on: dt.date,
        cooldown_key: str | None = None,
    ) -> int:
        """Stores a finding of the rule base; returns its id."""
        record: dict[str, Any] = {
            "rule": rule,
            "category": category,
            "subject": subject,
            "severity": severity,
        }
        record |= {"audience": cv.to_json(list(audience)), "evidence": cv.to_json(dict(evidence))}
        record |= {
            "message": message,
            "found_on": found_on.isoformat(),
            "cooldown_key": cooldown_key,
        }
        return self._insert("findings", record)

    def mark_finding_sent(
        self, finding_id: int, sent_to: Sequence[str], at: dt.datetime | None = None
    ) -> None:
        """Notes when and to whom a finding was sent."""
        self.db.execute(
            "UPDATE findings SET sent_at = ?, sent_to = ? WHERE id = ?",
            [cv.moment_text(at or self._now()), cv.to_json(list(sent_to)), finding_id],
        )

    def findings(
        self,
        *,
        subject: str | None = None,
        rule: str | None = None,
        cooldown_key: str | None = None,
        since: dt.date | None = None,
    ) -> list[FindingRow]:
        """Findings matching every filter given, oldest first."""
        clauses, params = _match({"subject": subject, "rule": rule, "cooldown_key": cooldown_key})
        if since is not None:
            clauses.append("found_on >= ?")
            params.append(since.isoformat())
        rows = self._rows(f"SELECT * FROM findings{_where(clauses)} ORDER BY found_on, id", params)
        return [cv.finding(r) for r in rows]

    def last_sent(self, cooldown_key: str) -> dt.datetime | None:
        """When a finding with this cooldown key was last sent, or None."""
        row = self._one(
            "SELECT max(sent_at) AS at FROM findings WHERE cooldown_key = ?", [cooldown_key]
        )
        return cv.moment(row["at"]) if row and row["at"] else None

    def inbox_put(self, update_id: int, payload: Mapping[str, Any]) -> bool:
        """Stores an incoming update before it is handled; False if it was already there."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO inbox (update_id, received_at, payload) VALUES (?, ?, ?)",
            [update_id, self._stamp(), cv.to_json(dict(payload))],
        )
        return cursor.rowcount > 0

    def inbox_pending(self, limit: int = 100) -> list[InboxRow]:
        """Updates not yet handled, oldest first."""
        sql = "SELECT * FROM inbox WHERE status = 'pending' ORDER BY update_id LIMIT ?"
        return [cv.inbox(r) for r in self._rows(sql, [limit])]

    def inbox_mark(self, update_id: int, status: InboxStatus, error: str | None = None) -> None:
        """Records one handling attempt of an update and where it stands."""
        self.db.execute(
            "UPDATE inbox SET status = ?, attempts = attempts + 1, last_error = ? WHERE update_id = ?",
            [status, error, update_id],
        )
