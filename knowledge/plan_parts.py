"""The ten parts of a plan execution document (method 2) as data: a hint per part,
each citing the method or principle of categories.yaml it draws on.

`parse_plan_parts()` validates a parsed `plan_parts.yaml` (a plain dict, so tests can
break it); `plan_parts()` reads the file once. Imports neither `bot` nor `rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

import yaml

from knowledge.rulebase import _bilingual, _fail, _mapping, methods, principles

FILE: Final = "plan_parts.yaml"
# the ten parts, in the article's order (contracts §1 `plan_documents[].sections`)
PART_NAMES: Final[tuple[str, ...]] = (
    "situation_analysis",
    "volume_target",
    "cost_target",
    "sales_area",
    "timing",
    "strategy",
    "organisation",
    "action_steps",
    "process_control",
    "result_evaluation",
)


@dataclass(frozen=True, slots=True)
class PlanPart:
    """One part of the plan document: its hint in both languages and its source."""

    id: str
    hint: Mapping[str, str]
    cites: str  # a method or principle id of categories.yaml
    source: str  # that entry's passage of the article


def parse_plan_parts(doc: Any) -> tuple[PlanPart, ...]:
    """Validates the document: exactly the ten parts, in order, each with a hint and a citation."""
    raw = _mapping(_mapping(doc, FILE, "(document)").get("parts"), FILE, "parts")
    if tuple(raw) != PART_NAMES:
        raise _fail(FILE, "parts", f"expected exactly {list(PART_NAMES)} in this order")
    cited = {**methods(), **principles()}
    out: list[PlanPart] = []
    for name, spec in raw.items():
        where = f"parts.{name}"
        entry = _mapping(spec, FILE, where)
        cites = entry.get("cites")
        if not isinstance(cites, str) or cites not in cited:
            raise _fail(FILE, f"{where}.cites", f"{cites!r} is no method or principle")
        out.append(
            PlanPart(
                id=name,
                hint=MappingProxyType(dict(_bilingual(entry.get("hint"), FILE, f"{where}.hint"))),
                cites=cites,
                source=cited[cites].source,
            )
        )
    return tuple(out)


@cache
def plan_parts() -> tuple[PlanPart, ...]:
    """The ten parts, read and validated once."""
    text = resources.files("knowledge").joinpath(FILE).read_text("utf-8")
    return parse_plan_parts(yaml.safe_load(text))
