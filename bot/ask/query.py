"""A question made definite: intent, days, subjects, metric — and its button form.

A `Query` is what the answerer runs, whether it came from text or from a button;
it fits in Telegram's 64 bytes of callback data (`encode` / `decode`), and
nothing in it is trusted: the answerer checks scope on every run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from bot.plans import PERIOD_KINDS, PeriodKind

PREFIX = "qa"
_CODES = {
    "progress": "p",
    "behind": "b",
    "not_reported": "n",
    "blockers": "k",
    "ranking": "r",
    "target_gap": "g",
    "person": "d",
    "findings": "f",
    "compare": "c",
}
_INTENTS = {v: k for k, v in _CODES.items()}
_KINDS = {k[0]: k for k in PERIOD_KINDS}
_ID = re.compile(r"[A-Za-z0-9_.\-]{1,40}|(?:region|channel|product):[^|,]{1,20}")
MAX_DATA = 64


@dataclass(frozen=True)
class Query:
    """One definite question."""

    intent: str
    start: dt.date
    end: dt.date
    kind: PeriodKind | None = None
    subjects: tuple[str, ...] = ()  # empty: the asker's default scope
    metric: str | None = None
    category: str | None = None
    worst: bool = False
    lang: str = "en"
    explicit_period: bool = True
    against: tuple[dt.date, dt.date] | None = None  # a comparison's other period, if named

    def but(self, **changes: object) -> Query:
        return replace(self, **changes)  # type: ignore[arg-type]

    def encode(self) -> str:
        """`qa|p|20260301|20260331|m|zhang|sales|process|0|z`, then `|-28+27` when the
        comparison names its other period (its first day's offset, its length); may
        exceed 64 bytes."""
        against: tuple[str, ...] = ()
        if self.against is not None:
            first, last = self.against
            against = (f"{(first - self.start).days}+{(last - first).days}",)
        return "|".join(
            (
                PREFIX,
                _CODES[self.intent],
                self.start.strftime("%Y%m%d"),
                self.end.strftime("%Y%m%d"),
                self.kind[0] if self.kind else "-",
                ",".join(self.subjects),
                self.metric or "",
                self.category or "",
                "1" if self.worst else "0",
                self.lang[0],
                *against,
            )
        )

    @classmethod
    def decode(cls, data: str) -> Query | None:
        """The query in a button's data, or None when it is not one (forged, old, junk)."""
        parts = data.split("|")
        if len(data.encode()) > MAX_DATA or len(parts) not in (10, 11) or parts[0] != PREFIX:
            return None
        _, code, start, end, kind, subjects, metric, category, worst, lang = parts[:10]
        against = _against(parts[10]) if len(parts) == 11 else None
        if len(parts) == 11 and against is None:
            return None
        try:
            first = dt.datetime.strptime(start, "%Y%m%d").date()
            last = dt.datetime.strptime(end, "%Y%m%d").date()
        except ValueError:
            return None
        ids = tuple(s for s in subjects.split(",") if s)
        if (
            code not in _INTENTS
            or last < first
            or (last - first).days > 400
            or (kind != "-" and kind not in _KINDS)
            or not all(_ID.fullmatch(s) for s in ids)
            or not re.fullmatch(r"[a-z_]{0,30}", metric)
            or not re.fullmatch(r"[a-z_]{0,20}", category)
            or worst not in ("0", "1")
            or lang not in ("z", "e")
        ):
            return None
        return cls(
            intent=_INTENTS[code],
            start=first,
            end=last,
            kind=_KINDS.get(kind),
            subjects=ids,
            metric=metric or None,
            category=category or None,
            worst=worst == "1",
            lang="zh" if lang == "z" else "en",
            against=(first + against[0], first + against[0] + against[1]) if against else None,
        )


def _against(field: str) -> tuple[dt.timedelta, dt.timedelta] | None:
    m = re.fullmatch(r"(-?\d{1,3})\+(\d{1,3})", field)
    if m is None:
        return None
    return dt.timedelta(days=int(m.group(1))), dt.timedelta(days=int(m.group(2)))
