"""What a rule is, and what it finds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.conditions import ref
from rules.facts import FactKind

Message = Mapping[str, Any]
Evidence = dict[str, Any]


def threshold_field(rule_id: str, name: str) -> str:
    """The message field that carries a rule's threshold for the fact's team."""
    return "t_" + rule_id.replace(".", "_") + "_" + name


def th(rule_id: str, name: str) -> Any:
    """A reference to a rule's threshold, for use in a condition."""
    return ref(threshold_field(rule_id, name))


@dataclass(frozen=True)
class Rule:
    """One diagnostic: the facts it reads, when it fires, and the evidence it reports."""

    id: str
    kind: FactKind
    when: Callable[[], dict[str, Any]]
    evidence: Callable[[Message], Evidence]
    metric: Callable[[Message], str | None] = field(default=lambda m: None)

    @property
    def category(self) -> str:
        """The problem category: the part of the id before the dot."""
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Finding:
    """A rule that fired: for whom, how serious, and on what evidence."""

    rule: str
    category: str
    subject: str
    subject_kind: str  # person | team
    team: str
    audience: tuple[str, ...]
    severity: str
    evidence: Evidence
    metric: str | None = None
    ref: str = ""  # what else tells two findings of one rule apart (a blocker's id)

    @property
    def key(self) -> str:
        """Identifies the same finding across days: rule, subject, metric and ref."""
        return ":".join((self.rule, self.subject, self.metric or "", self.ref))
