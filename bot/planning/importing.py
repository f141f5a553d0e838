"""Targets in from a file (issue 7 item 1): read, check, decompose — store only when confirmed.

`read_plan` turns an uploaded .xlsx/.csv into an `ImportPlan`: the monthly
person targets (and team targets) it would store, the totals per metric and
period for the preview, and every row it could not read with the reason. It
writes nothing; `store_targets` writes a plan's targets in one transaction,
and callers only call it for a plan with no problems.

A row names a person (id, name or Telegram id) or a team. A person's year or
quarter target is split into months by the team's working days, or by the
row's monthly weights; a team's target is split across its reps equally, by
the weights of rows that name a person and a weight but no value, or by last
period's share (`split` column), then into months the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import knowledge
from bot.planning.cells import (
    BASES,
    REQUIRED,
    SPLITS,
    CellError,
    columns_of,
    read_choice,
    read_number,
    read_period,
    read_text,
    read_weights,
    text_of,
)
from bot.planning.decompose import (
    across_people,
    as_number,
    months_by_weights,
    months_by_workdays,
    quantum_for,
)
from bot.planning.import_model import ImportPlan, NewTarget, Problem, Total
from bot.planning.lookup import Lookup
from bot.planning.sheet import Cell, Row, SheetError, read_sheet
from bot.plans import Calendar, Period
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TeamRow

__all__ = ["ImportPlan", "NewTarget", "Problem", "SheetError", "Total", "read_plan"]

HEADER_SEARCH: Final = 10  # the header may sit under a title row or two


@dataclass
class _Row:
    number: int
    metric: str
    money: bool
    period: Period
    person: PersonRow | None = None
    team: TeamRow | None = None
    value: Decimal | None = None
    weight: Decimal | None = None
    draft: Decimal | None = None
    basis: str | None = None
    dims: tuple[str, str, str] = ("", "", "")
    split: str | None = None
    month_weights: list[Decimal] | None = None

    @property
    def group(self) -> tuple[str, str, str, tuple[str, str, str]]:
        """The team target this row belongs to (team, metric, period, dimensions)."""
        team_id = self.team.id if self.team else (self.person.team_id if self.person else "")
        return (team_id or "", self.metric, self.period.label, self.dims)


def read_plan(repo: Repository, data: bytes, scope: Iterable[str] | None = None) -> ImportPlan:
    """The plan a file holds, checked against the organisation; stores nothing.

    `scope`: the team ids the uploader may set targets for (None: every team).
    Raises SheetError when the file as a whole cannot be read.
    """
    rows = read_sheet(data)
    at, columns = _find_header(rows)
    body = rows[at + 1 :]
    if not body:
        raise SheetError("no_rows")
    lookup = Lookup(repo, scope)
    parsed: list[_Row] = []
    problems: list[Problem] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in body:
        try:
            row = _parse_row(lookup, columns, number, cells)
        except CellError as exc:
            problems.append(Problem(number, exc.key, exc.params))
            continue
        kind = "w" if row.value is None else ("t" if row.person is None else "p")
        owner = row.person.id if row.person else row.team.id if row.team else ""
        key = (kind, owner, row.metric, row.period.label, row.dims)
        if key in seen:
            problems.append(Problem(number, "duplicate", {"first": seen[key]}))
            continue
        seen[key] = number
        parsed.append(row)
    targets, more, notes = _decompose(lookup, parsed)
    problems.extend(more)
    return ImportPlan(
        targets=tuple(targets),
        problems=tuple(sorted(problems, key=lambda p: p.row)),
        totals=_totals(parsed),
        rows=len(body),
        notes=tuple(notes),
    )


def _find_header(rows: Sequence[Row]) -> tuple[int, dict[str, int]]:
    for at, (_, cells) in enumerate(rows[:HEADER_SEARCH]):
        columns = columns_of(cells)
        if all(c in columns for c in REQUIRED) and ({"person", "team"} & set(columns)):
            if "value" not in columns and "weight" not in columns:
                continue
            return at, columns
    raise SheetError("no_header")


def _cell(cells: Sequence[Cell], columns: Mapping[str, int], name: str) -> Cell:
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _parse_row(
    lookup: Lookup, columns: Mapping[str, int], number: int, cells: Sequence[Cell]
) -> _Row:
    def cell(name: str) -> Cell:
        return _cell(cells, columns, name)

    person = lookup.person(cell("person"))
    team = lookup.team(cell("team"))
    if person is None and text_of(cell("person")):
        team_named = lookup.team(cell("person")) if "team" not in columns else None
        if team_named is None:
            raise CellError("unknown_person", value=text_of(cell("person"))[:40])
        team = team_named
    if text_of(cell("team")) and team is None:
        raise CellError("unknown_team", value=text_of(cell("team"))[:40])
    if person is None and team is None:
        raise CellError("no_person")
    if person is not None and team is not None and person.team_id != team.id:
        raise CellError("not_in_team", name=person.name[:40], team=team.name[:40])
    team_id = person.team_id if person else team.id if team else None
    if not lookup.allowed(team_id):
        raise CellError(
            "not_your_team", value=(person.name if person else team.name if team else "")[:40]
        )
    if not text_of(cell("metric")):
        raise CellError("no_metric")
    metric, money = lookup.metric(cell("metric"), team_id)
    if not text_of(cell("period")):
        raise CellError("no_period")
    period = read_period(cell("period"))
    value = read_number(cell("value"), money=money) if text_of(cell("value")) else None
    weight = read_number(cell("weight"), money=True) if text_of(cell("weight")) else None
    if value is None and (weight is None or person is None):
        raise CellError("no_value")
    if value is not None and weight is not None:
        raise CellError("value_and_weight")
    draft = read_number(cell("draft"), money=money) if text_of(cell("draft")) else None
    months = len(period.months()) if period.kind in ("year", "quarter") else 0
    month_weights = None
    if text_of(cell("month_weights")):
        if not months:
            raise CellError("weights_need_long_period", value=period.label)
        month_weights = read_weights(cell("month_weights"), months)
    return _Row(
        number=number,
        metric=metric,
        money=money,
        period=period,
        person=person,
        team=team if person is None else None,
        value=value,
        weight=weight,
        draft=draft,
        basis=read_choice(cell("basis"), BASES, "bad_basis"),
        dims=(read_text(cell("region")), read_text(cell("channel")), read_text(cell("product"))),
        split=read_choice(cell("split"), SPLITS, "bad_split"),
        month_weights=month_weights,
    )


def _months(row: _Row, value: Decimal, calendar: Calendar) -> dict[str, Decimal]:
    """A value of the row's period, by month for a year or quarter (else as it is)."""
    quantum = quantum_for(value, row.money)
    if row.period.kind not in ("year", "quarter"):
        return {row.period.label: value}
    if row.month_weights:
        split = months_by_weights(value, row.period, row.month_weights, quantum)
    else:
        split = months_by_workdays(value, row.period, calendar, quantum)
    return {m.label: v for m, v in split.items()}


class _Targets:
    """The targets produced so far, refusing two rows that set the same one."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, ...], tuple[NewTarget, int]] = {}
        self.problems: list[Problem] = []

    def add(self, target: NewTarget, row: int) -> None:
        found = self.items.get(target.key())
        if found is not None and found[1] != row:
            self.problems.append(
                Problem(row, "overlaps", {"first": found[1], "period": target.period})
            )
            return
        self.items[target.key()] = (target, row)


def _decompose(
    lookup: Lookup, rows: Sequence[_Row]
) -> tuple[list[NewTarget], list[Problem], list[Problem]]:
    out = _Targets()
    notes: list[Problem] = []
    team_rows = [r for r in rows if r.person is None and r.team is not None]
    weight_rows = [r for r in rows if r.person is not None and r.value is None]
    person_rows = [r for r in rows if r.person is not None and r.value is not None]
    groups = {r.group: r for r in team_rows}
    for r in weight_rows:
        if r.group not in groups:
            out.problems.append(Problem(r.number, "weight_without_team"))
    for r in person_rows:
        if r.group in groups:
            out.problems.append(
                Problem(r.number, "team_and_person", {"team_row": groups[r.group].number})
            )
            continue
        assert r.person is not None and r.value is not None
        calendar = lookup.calendar(r.person.team_id)
        drafts = _months(r, r.draft, calendar) if r.draft is not None else {}
        for label, value in _months(r, r.value, calendar).items():
            out.add(_target(r, label, value, drafts.get(label), person_id=r.person.id), r.number)
    for team_row in team_rows:
        _split_team(
            lookup, team_row, [w for w in weight_rows if w.group == team_row.group], out, notes
        )
    return [t for t, _ in out.items.values()], out.problems, notes


def _split_team(
    lookup: Lookup, row: _Row, weight_rows: Sequence[_Row], out: _Targets, notes: list[Problem]
) -> None:
    assert row.team is not None and row.value is not None
    weights: dict[str, Decimal] = {
        w.person.id: w.weight or Decimal(0) for w in weight_rows if w.person
    }
    split = row.split or ("weight" if weights else "equal")
    if weights and split != "weight":
        out.problems.append(Problem(row.number, "split_conflict"))
        return
    reps = [p.id for p in lookup.repo.people_in_team(row.team.id) if p.role == "rep"]
    people = list(weights) if split == "weight" else reps
    if split == "weight" and not weights:
        out.problems.append(Problem(row.number, "no_weights"))
        return
    if not people:
        out.problems.append(Problem(row.number, "no_people", {"team": row.team.name[:40]}))
        return
    shares: Mapping[str, Decimal] | None = weights if split == "weight" else None
    if split == "last":
        before = row.period.shift(-1)
        actuals = lookup.repo.metric_totals(people, before.start, before.end)
        last = {p: Decimal(str(actuals.get(p, {}).get(row.metric, 0))) for p in people}
        if sum(last.values()) > 0:
            shares = last
        else:
            notes.append(Problem(row.number, "no_last_period", {"period": before.label}))
    quantum = quantum_for(row.value, row.money)
    calendar = lookup.calendar(row.team.id)
    team_months: dict[str, Decimal] = {}
    basis = row.basis or "top_down"
    for person_id, value in across_people(row.value, people, shares, quantum).items():
        for label, part in _months(row, value, calendar).items():
            team_months[label] = team_months.get(label, Decimal(0)) + part
            out.add(_target(row, label, part, None, person_id=person_id, basis=basis), row.number)
    drafts = _months(row, row.draft, calendar) if row.draft is not None else {}
    for label, value in team_months.items():
        out.add(
            _target(row, label, value, drafts.get(label), team_id=row.team.id, basis=basis),
            row.number,
        )


def _target(
    row: _Row,
    period: str,
    value: Decimal,
    draft: Decimal | None,
    *,
    person_id: str | None = None,
    team_id: str | None = None,
    basis: str | None = None,
) -> NewTarget:
    region, channel, product = row.dims
    return NewTarget(
        metric=row.metric,
        period=period,
        value=as_number(value),
        person_id=person_id,
        team_id=team_id,
        draft=as_number(draft) if draft is not None else None,
        basis=basis or row.basis,
        region=region,
        channel=channel,
        product=product,
    )


def _totals(rows: Sequence[_Row]) -> tuple[Total, ...]:
    sums: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for r in rows:
        if r.value is None:
            continue
        key = (r.metric, r.period.label)
        value, count = sums.get(key, (Decimal(0), 0))
        sums[key] = (value + r.value, count + 1)
    order = list(knowledge.CANONICAL_METRICS)
    keys = sorted(
        sums, key=lambda k: (order.index(k[0]) if k[0] in order else 99, k[0], Period.parse(k[1]))
    )
    return tuple(Total(m, p, as_number(sums[(m, p)][0]), sums[(m, p)][1]) for m, p in keys)
