"""Reports: one row per message, with the figures and items read from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.report_parser.model import ReportWarning
from bot.store import convert as cv
from bot.store.base import Row
from bot.store.blockers import BlockersMixin
from bot.store.rows import Number, ReportRow, SavedReport
from bot.store.tables import (
    PEOPLE,
    REPORT_ITEMS,
    REPORT_METRICS,
    REPORTS,
    Params,
    is_in,
    not_in,
    where,
)


def telegram_source_key(chat_id: int, message_id: int) -> str:
    """The source key of a Telegram message: an edit of it replaces the same report."""
    return f"telegram:{chat_id}:{message_id}"


class ReportsMixin(BlockersMixin):
    """Storing, withdrawing, reading and adding up reports."""

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
        A replaced report keeps its id, its withdrawn flag (a withdrawn report
        stays withdrawn and its blockers stay detached) and its first
        received_at unless one is given.
        """
        stamp = self._stamp()
        notes = cv.to_json([{"key": w.key, "params": w.params} for w in warnings])
        values: dict[str, Any] = {"person_id": person_id, "report_date": report_date.isoformat()}
        values |= {"raw_text": raw_text, "source": source, "chat_id": chat_id}
        values |= {"message_id": message_id, "parse_warnings": notes, "updated_at": stamp}
        with self.transaction():
            person = self._one(f"SELECT team_id FROM {PEOPLE} WHERE id = ?", [person_id])
            if person is None:
                raise LookupError(f"no person with id {person_id!r}")
            old = self._one(
                f"SELECT id, received_at, withdrawn FROM {REPORTS} WHERE source_key = ?",
                [source_key],
            )
            first = old["received_at"] if old else stamp
            values["received_at"] = cv.moment_text(received_at) if received_at else first
            report_id, replaced = self._put(REPORTS, {"source_key": source_key}, values)
            if replaced:
                for table in (REPORT_METRICS, REPORT_ITEMS):
                    self.db.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])
                self._detach_blockers(report_id)
            self.db.conn.executemany(
                f"INSERT INTO {REPORT_METRICS} (report_id, metric, value) VALUES (?, ?, ?)",
                [(report_id, metric, value) for metric, value in metrics.items()],
            )
            self.db.conn.executemany(
                f"INSERT INTO {REPORT_ITEMS} (report_id, kind, position, text) VALUES (?, ?, ?, ?)",
                [
                    (report_id, kind, position, text)
                    for kind, items in (("blocker", blockers), ("next_step", next_steps))
                    for position, text in enumerate(items)
                ],
            )
            if not (old and old["withdrawn"]):
                self._attach_blockers(
                    report_id, person_id, person["team_id"], report_date, blockers
                )
        return SavedReport(id=report_id, replaced=replaced)

    def withdraw_report(self, report_id: int) -> bool:
        """Marks a report withdrawn (it stops counting); False when there was nothing to do."""
        with self.transaction():
            cursor = self.db.execute(
                f"UPDATE {REPORTS} SET withdrawn = 1, updated_at = ? "
                "WHERE id = ? AND withdrawn = 0",
                [self._stamp(), report_id],
            )
            if cursor.rowcount == 0:
                return False
            self._detach_blockers(report_id)
        return True

    def prune_reports(self, source: str, person_ids: Iterable[str], keep: Iterable[str]) -> int:
        """Deletes the reports of `source` by these people whose source key is not in `keep`.

        Their figures and items go with them, and their blockers are recounted
        (one no report mentions any more is dropped). Returns how many were deleted.
        """
        people, person_list = is_in("person_id", person_ids)
        kept, kept_list = not_in("source_key", keep)
        with self.transaction():
            stale = [
                int(row["id"])
                for row in self._rows(
                    f"SELECT id FROM {REPORTS} WHERE source = ? AND {people} AND {kept}",
                    [source, person_list, kept_list],
                )
            ]
            for report_id in stale:
                self._detach_blockers(report_id)
            gone, ids = is_in("id", stale)
            self.db.execute(f"DELETE FROM {REPORTS} WHERE {gone}", [ids])
        return len(stale)

    def report_by_id(self, report_id: int) -> ReportRow | None:
        """One report (withdrawn or not) by its id, or None."""
        row = self._one(f"SELECT * FROM {REPORTS} WHERE id = ?", [report_id])
        return self._with_details([row])[0] if row else None

    def report_by_source_key(self, source_key: str) -> ReportRow | None:
        """The report stored for this source key (withdrawn or not), or None."""
        row = self._one(f"SELECT * FROM {REPORTS} WHERE source_key = ?", [source_key])
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
        clauses, params = self._report_filter(person_ids, start, end, include_withdrawn)
        order = "r.report_date, r.received_at, r.id"
        return self._with_details(
            self._rows(f"SELECT * FROM {REPORTS} r{clauses} ORDER BY {order}", params)
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

    def monthly_metric_totals(
        self, person_ids: Iterable[str], start: dt.date, end: dt.date
    ) -> dict[str, dict[str, tuple[int, dict[str, Number]]]]:
        """{person: {"YYYY-MM": (days, {metric: total})}} over non-withdrawn reports dated
        start..end: per calendar month, the days with any figure and each metric's total
        (what `daily_metric_totals` adds up to, in a few rows instead of one a day)."""
        ids = list(person_ids)
        out: dict[str, dict[str, tuple[int, dict[str, Number]]]] = {pid: {} for pid in ids}
        clauses, params = self._report_filter(ids, start, end, False)
        month = "substr(r.report_date, 1, 7)"
        figures = f"EXISTS (SELECT 1 FROM {REPORT_METRICS} m WHERE m.report_id = r.id)"
        for row in self._rows(
            f"SELECT r.person_id, {month} AS month, count(DISTINCT r.report_date) AS days "
            f"FROM {REPORTS} r{clauses} AND {figures} GROUP BY r.person_id, month",
            params,
        ):
            out.setdefault(row["person_id"], {})[row["month"]] = (int(row["days"]), {})
        for row in self._rows(
            f"SELECT r.person_id, {month} AS month, m.metric, sum(m.value) AS total "
            f"FROM {REPORTS} r JOIN {REPORT_METRICS} m ON m.report_id = r.id{clauses} "
            f"GROUP BY r.person_id, month, m.metric",
            params,
        ):
            out[row["person_id"]][row["month"]][1][row["metric"]] = cv.number(row["total"])
        return out

    def _totals(
        self, ids: list[str] | None, start: dt.date, end: dt.date, *, daily: bool
    ) -> list[Row]:
        clauses, params = self._report_filter(ids, start, end, False)
        group = "r.person_id, r.report_date, m.metric" if daily else "r.person_id, m.metric"
        return self._rows(
            f"SELECT {group}, sum(m.value) AS total FROM {REPORTS} r "
            f"JOIN {REPORT_METRICS} m ON m.report_id = r.id{clauses} "
            f"GROUP BY {group} ORDER BY {group}",
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
            clause, ids = is_in("r.person_id", person_ids)
            clauses.append(clause)
            params.append(ids)
        return where(clauses), params

    def _with_details(self, rows: list[Row]) -> list[ReportRow]:
        clause, ids = is_in("report_id", (r["id"] for r in rows))
        # plain tuples, not dicts: a quarter of a team's reports is ~5 figures each
        metrics: dict[int, dict[str, Number]] = {}
        for report_id, metric, value in self.db.conn.execute(
            f"SELECT report_id, metric, value FROM {REPORT_METRICS} WHERE {clause}", [ids]
        ):
            metrics.setdefault(report_id, {})[metric] = cv.number(value)
        items: dict[tuple[int, str], list[str]] = {}
        order = "ORDER BY report_id, kind, position"
        for report_id, kind, text in self.db.conn.execute(
            f"SELECT report_id, kind, text FROM {REPORT_ITEMS} WHERE {clause} {order}", [ids]
        ):
            items.setdefault((report_id, kind), []).append(text)
        return [
            cv.report(
                r,
                metrics.get(r["id"], {}),
                items.get((r["id"], "blocker"), []),
                items.get((r["id"], "next_step"), []),
            )
            for r in rows
        ]
