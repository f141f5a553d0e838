"""What a report text is read as."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

Number = int | float


@dataclass(frozen=True, slots=True)
class ReportWarning:
    """Something the reader could not trust, as a message key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ParsedReport:
    """One report as read: its date, figures, blockers, next steps and warnings."""

    date: dt.date
    metrics: dict[str, Number]
    blockers: tuple[str, ...]
    next_steps: tuple[str, ...]
    warnings: tuple[ReportWarning, ...]

    @property
    def is_empty(self) -> bool:
        """True when the text held no figures at all."""
        return not self.metrics
