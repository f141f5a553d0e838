"""What a target file holds once read: the targets it would store, its totals, its problems.

Plain data shared by the importer (`importing`), the bot and the command line;
`store_targets` writes a checked plan in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.store.repository import Repository


@dataclass(frozen=True)
class Problem:
    """A row it could not read (or a note about one): the file's row number and why."""

    row: int
    key: str  # plan_import.err.<key> (or plan_import.note.<key>)
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NewTarget:
    """One target the import would store (a person's or a team's, usually for a month)."""

    metric: str
    period: str
    value: int | float
    person_id: str | None = None
    team_id: str | None = None
    draft: int | float | None = None
    basis: str | None = None
    region: str = ""
    channel: str = ""
    product: str = ""

    def key(self) -> tuple[str, ...]:
        owner = f"p:{self.person_id}" if self.person_id else f"t:{self.team_id}"
        return (owner, self.metric, self.period, self.region, self.channel, self.product)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NewTarget:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Total:
    """The file's total for one metric and period (as written in the file)."""

    metric: str
    period: str
    value: int | float
    rows: int


@dataclass(frozen=True)
class ImportPlan:
    """What a file would store, and what is wrong with it."""

    targets: tuple[NewTarget, ...]
    problems: tuple[Problem, ...]
    totals: tuple[Total, ...]
    rows: int
    notes: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the file can be stored: no problem and at least one target."""
        return not self.problems and bool(self.targets)

    @property
    def people(self) -> int:
        return len({t.person_id for t in self.targets if t.person_id})


def store_targets(repo: Repository, targets: Iterable[NewTarget]) -> int:
    """Writes the targets in one transaction (all or none); returns how many."""
    count = 0
    with repo.transaction():
        for target in targets:
            repo.upsert_target(
                metric=target.metric,
                period=target.period,
                value=target.value,
                person_id=target.person_id,
                team_id=target.team_id,
                draft=target.draft,
                basis=target.basis,  # type: ignore[arg-type]
                region=target.region,
                channel=target.channel,
                product=target.product,
                source="bot",
            )
            count += 1
    return count
