"""Small builders for durable-rules JSON conditions, so rule modules read like the rule.

Pure data, no durable import: `fact("p", gt("value", times(ref("limit"), 2)), ne("x", 3))`
gives `{"m": {"$and": [{"kind": "p"}, {"$gt": {"value": {"$mul": {"$l": {"$m": "limit"},
"$r": 2}}}}, {"$neq": {"x": 3}}]}}`, which `rules.engine.RuleSpec(id, when=...)` takes as
it is. A join names its facts and refers to an earlier one with `ref(field, of=name)`:
`{**fact("person", name="p"), **fact("team", eq("team", ref("team", of="p")), name="t")}`.

A fact without the field never satisfies a comparison, on either side: the engine adds
the existence tests durable needs for that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeAlias

JSON: TypeAlias = dict[str, Any]
Scalar: TypeAlias = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Ref:
    """Another field: of the same fact (`of="$m"`) or of a fact named earlier in a join."""

    field: str
    of: str = "$m"


@dataclass(frozen=True, slots=True)
class Times:
    """`left * right`, computed by durable."""

    left: Operand
    right: Operand


Operand: TypeAlias = Scalar | Ref | Times


def ref(field: str, of: str = "$m") -> Ref:
    """Compare with another field instead of a constant."""
    return Ref(field, of)


def times(left: Operand, right: Operand) -> Times:
    """A product, e.g. `gt("actual", times(ref("target"), 2))`."""
    return Times(left, right)


def fact(kind: str, *clauses: JSON, name: str = "m") -> JSON:
    """One fact of `kind` meeting every clause; `name` it to refer to it from a join."""
    return {name: {"$and": [{"kind": kind}, *clauses]}}


def all_of(*clauses: JSON) -> JSON:
    """Every clause holds."""
    return {"$and": _some(clauses)}


def any_of(*clauses: JSON) -> JSON:
    """At least one clause holds."""
    return {"$or": _some(clauses)}


def exists(field: str) -> JSON:
    """The fact has the field (a field set to None is absent)."""
    return {"$ex": {field: 1}}


def eq(field: str, value: Operand) -> JSON:
    return {field: _operand(value)}


def ne(field: str, value: Operand) -> JSON:
    return {"$neq": {field: _operand(value)}}


def lt(field: str, value: Operand) -> JSON:
    return {"$lt": {field: _operand(value)}}


def le(field: str, value: Operand) -> JSON:
    return {"$lte": {field: _operand(value)}}


def gt(field: str, value: Operand) -> JSON:
    return {"$gt": {field: _operand(value)}}


def ge(field: str, value: Operand) -> JSON:
    return {"$gte": {field: _operand(value)}}


def _operand(value: Operand) -> Any:
    if isinstance(value, Ref):
        return {value.of: value.field}
    if isinstance(value, Times):
        return {"$mul": {"$l": _operand(value.left), "$r": _operand(value.right)}}
    if isinstance(value, str | int) or (isinstance(value, float) and math.isfinite(value)):
        return value
    raise ValueError(f"a condition compares with a string, a number or a ref, not {value!r}")


def _some(clauses: tuple[JSON, ...]) -> list[JSON]:
    if not clauses:
        raise ValueError("all_of / any_of need at least one clause")
    return list(clauses)
