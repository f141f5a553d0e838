"""Reads for plain-language questions: on which days people reported, in one query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from bot.store import convert as cv
from bot.store.base import RepositoryBase
from bot.store.tables import REPORT_METRICS, REPORTS, TARGETS, is_in


class AsksMixin(RepositoryBase):
    """What answering a question needs beyond the other parts."""

    def target_dimensions(self) -> list[tuple[str, str, str]]:
        """(person, "region" | "channel" | "product", value) of every person's target
        that names one, without duplicates."""
        out: set[tuple[str, str, str]] = set()
        rows = self._rows(
            f"SELECT DISTINCT person_id, region, channel, product FROM {TARGETS} "
            "WHERE person_id IS NOT NULL AND (region != '' OR channel != '' OR product != '')",
            [],
        )
        for row in rows:
            for kind in ("region", "channel", "product"):
                if row[kind]:
                    out.add((str(row["person_id"]), kind, str(row[kind])))
        return sorted(out)

    def change_mark(self) -> tuple[int, int]:
        """Changes so far on this connection, and by others (moves whenever data changes)."""
        version = self._rows("PRAGMA data_version", [])[0]
        return int(self.db.conn.total_changes), int(next(iter(dict(version).values())))

    def segment_totals(
        self, person_ids: Iterable[str], cuts: Sequence[dt.date], upto: dt.date
    ) -> dict[str, list[dict[str, float]]]:
        """{person: [per segment {metric: total}]} over non-withdrawn reports dated
        cuts[0]..upto, segment i holding cuts[i] up to the day before cuts[i+1] — one
        aggregation for the whole range, however many segments."""
        ids = list(person_ids)
        if not cuts or not ids:
            return {}
        case = (
            "CASE "
            + " ".join(f"WHEN r.report_date < ? THEN {i}" for i in range(len(cuts) - 1))
            + f" ELSE {len(cuts) - 1} END"
            if len(cuts) > 1
            else "0"
        )
        clause, values = is_in("r.person_id", ids)
        rows = self._rows(
            f"SELECT r.person_id AS pid, m.metric AS metric, {case} AS seg, "
            f"sum(m.value) AS total FROM {REPORTS} r JOIN {REPORT_METRICS} m "
            f"ON m.report_id = r.id WHERE r.withdrawn = 0 AND r.report_date BETWEEN ? AND ? "
            f"AND {clause} GROUP BY pid, metric, seg",
            [*(c.isoformat() for c in cuts[1:]), cuts[0].isoformat(), upto.isoformat(), values],
        )
        out: dict[str, list[dict[str, float]]] = {}
        for row in rows:
            segs = out.setdefault(str(row["pid"]), [{} for _ in cuts])
            segs[int(row["seg"])][str(row["metric"])] = float(row["total"])
        return out

    def last_report_days(self, person_ids: Iterable[str], upto: dt.date) -> dict[str, dt.date]:
        """{person: the latest day up to `upto` with a non-withdrawn report} (absent: none)."""
        clause, values = is_in("person_id", list(person_ids))
        rows = self._rows(
            f"SELECT person_id, max(report_date) AS day FROM {REPORTS} "
            f"WHERE withdrawn = 0 AND report_date <= ? AND {clause} GROUP BY person_id",
            [upto.isoformat(), values],
        )
        return {str(row["person_id"]): cv.day(row["day"]) for row in rows if row["day"]}

    def report_days(
        self, person_ids: Iterable[str], start: dt.date, end: dt.date
    ) -> dict[str, set[dt.date]]:
        """{person: the days (start..end) they have a non-withdrawn report on}."""
        ids = list(person_ids)
        out: dict[str, set[dt.date]] = {pid: set() for pid in ids}
        clause, values = is_in("person_id", ids)
        rows = self._rows(
            f"SELECT DISTINCT person_id, report_date FROM {REPORTS} "
            f"WHERE withdrawn = 0 AND report_date BETWEEN ? AND ? AND {clause}",
            [start.isoformat(), end.isoformat(), values],
        )
        for row in rows:
            out.setdefault(row["person_id"], set()).add(cv.day(row["report_date"]))
        return out
