"""The rule engine: facts in, matches out. The only module that touches durable-rules.

durable-rules 2.0.28 is a C engine under a thin Python host with sharp edges (style.md,
"Known sharp edges", and what was found writing this); the wrapper makes it safe:

- One host per process, created on first use, starting **no** threads: the stock `Host`
  runs two dispatch timers forever, which would take our pending actions on another
  thread. Every action here runs inside `evaluate`, so `Host._run` is a no-op.
- One process-wide lock around every call (durable is not thread-safe).
- Each `evaluate` works in a fresh state (a new `sid`, never reused) and drops it in a
  `finally`. The facts go in as one batch of *facts*, not events: an event is consumed
  by the first rule it matches, a fact matches every rule it satisfies, once per rule
  (once per combination for joins), whatever the other facts are.
- durable's `assert_facts` raises on a batch holding any fact that matches nothing and
  loses the state's pending actions; the batch goes to the native call instead, and its
  actions are run here. A fact that matches nothing is just absent from the result.
- Messages are recognised by a 32-bit FNV-1a hash of their `id` (distinct ids clash, and
  so does content hashing without ids), and the state is itself message `sid-<sid>` (a
  fact clashing with it crashes the process). Ids come from a sequence whose hashes are
  pairwise distinct, and the `sid` is picked to clash with none of them.
- Deleting a state in which no action ever ran can crash the process (uninitialised
  pointers in a fresh state slot). Every batch therefore starts with a probe fact that a
  probe rule always matches; if that did not run, the state is left alone, not deleted.
- Actions are resolved by name (`Host.get_action`) and only record which rule saw which
  facts. An exception in one (durable would swallow it), or an `exception` durable puts
  in the state, is raised by `evaluate`. A fact meeting several branches of an `$or`
  fires the rule once per branch: matches are de-duplicated.
- The state is itself a message that conditions see, and re-asserted after every action:
  a condition it meets (say only a `$nex`) fires forever. Every condition excludes it.
- A missing field never matches a comparison. durable gets that wrong for references:
  a missing `{"$m": f}` makes every comparison true, and a missing field of another fact
  of a join fails the whole batch (error 311). So each comparison with a reference also
  requires the field, and a join's fact must have every field the others refer to.
- Values: str, bool, int (64-bit) and finite float; a None field is left out. Anything
  else (nested dicts or lists, NaN or infinity — which crashes durable —, non-str keys,
  the keys `id`, `sid` and `$…`, more than MAX_FIELDS fields) is a ValueError before
  anything is posted. Compare like with like: durable compares a string with a number
  without complaint, and with surprising results.

Rulesets can never be unregistered: build engines once, at import or start-up. An
`Engine` with a name already taken reuses that ruleset when its rules are identical,
otherwise it registers `name#2`, `name#3`, … (`Engine.ruleset` says which).
"""

from __future__ import annotations

import copy
import json
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any

from durable import engine as durable

__all__ = ["MAX_FIELDS", "Engine", "Match", "RuleSpec"]

MAX_FIELDS = 252  # durable takes at most 254 properties per message, id and sid included
_RESERVED = frozenset({"id", "sid"})
_PROBE = "$probe"  # field and rule id of the probe; user fields and ids cannot start with $
_ARITHMETIC = frozenset({"$add", "$sub", "$mul", "$div"})
_NOT_STATE = {"$nex": {"$s": 1}}  # the state message itself is never a fact
_native = durable.durable_rules_engine


@dataclass(frozen=True)
class RuleSpec:
    """A rule: its id and its condition, name -> condition (as `conditions.fact` gives).

    One name (`{"m": …}`) is a single-fact rule; several, in order, are a join, whose
    later conditions may refer to earlier facts by name.
    """

    id: str
    when: Mapping[str, Any]


@dataclass(frozen=True)
class Match:
    """A rule that held: the fact as the caller gave it (for a join, name -> fact).

    `positions` are the indexes of the matched facts in the input, in condition order.
    """

    rule: str
    fact: Mapping[str, Any]
    positions: tuple[int, ...]


class Engine:
    """A ruleset on the process-wide durable host."""

    def __init__(self, name: str, rules: Sequence[RuleSpec]) -> None:
        self.name = name
        self.rules = tuple(rules)
        self._names = [tuple(rule.when) for rule in self.rules]
        conditions = _definition(name, self.rules)
        with _LOCK:
            self.ruleset = _host().register(name, conditions, self._names)

    def evaluate(self, facts: Iterable[Mapping[str, Any]]) -> list[Match]:
        """Run the facts through the rules, alone; matches by rule order, then fact order."""
        given = list(facts)
        if not given:
            return []
        with _LOCK:
            found = _host().evaluate(self.ruleset, given)
        matches: list[Match] = []
        for rule_index, positions in found:
            names = self._names[rule_index]
            if len(names) == 1:
                fact: Mapping[str, Any] = given[positions[0]]
            else:
                fact = {name: given[p] for name, p in zip(names, positions, strict=True)}
            matches.append(Match(self.rules[rule_index].id, fact, positions))
        return matches


def _definition(name: str, rules: Sequence[RuleSpec]) -> dict[str, Any]:
    """Rule id -> durable's `all` list, checked, deep-copied and guarded."""
    if not name or "$" in name:
        raise ValueError(f"invalid ruleset name {name!r}")
    definition: dict[str, Any] = {}
    for rule in rules:
        if not rule.id or rule.id.startswith("$"):
            raise ValueError(f"invalid rule id {rule.id!r}")
        if rule.id in definition:
            raise ValueError(f"duplicate rule id {rule.id!r} in {name}")
        if not rule.when or not all(
            isinstance(key, str) and key and "$" not in key and isinstance(value, Mapping)
            for key, value in rule.when.items()
        ):
            raise ValueError(f"rule {rule.id}: `when` maps fact names to conditions")
        definition[rule.id] = _guarded(rule.when)
    return definition


def _guarded(when: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The conditions, each excluding the state and requiring the fields referred to."""
    needs: dict[str, set[str]] = {name: set() for name in when}
    for condition in when.values():
        for source, field in _references(condition):
            if source in needs:
                needs[source].add(field)
    guarded = []
    for name, condition in when.items():
        required = [{"$ex": {field: 1}} for field in sorted(needs[name])]
        own = {"$and": [_guard(copy.deepcopy(dict(condition))), *required, _NOT_STATE]}
        guarded.append({name: own})
    return guarded


def _guard(condition: dict[str, Any]) -> dict[str, Any]:
    """Make each comparison with `{"$m": field}` also require that field."""
    clauses = []
    for key, value in condition.items():
        if key in ("$and", "$or"):
            clause: dict[str, Any] = {key: [_guard(dict(c)) for c in value]}
        else:
            clause = {key: value}
            operands = [] if key in ("$ex", "$nex") else _operands(key, value)
            own = sorted({f for o in operands for source, f in _refs(o) if source == "$m"})
            if own:
                clause = {"$and": [*({"$ex": {f: 1}} for f in own), clause]}
        clauses.append(clause)
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _references(condition: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every (source, field) a condition compares with; source is `$m` or a fact name."""
    for key, value in condition.items():
        if key in ("$and", "$or"):
            for clause in value:
                yield from _references(clause)
        elif key not in ("$ex", "$nex"):
            for operand in _operands(key, value):
                yield from _refs(operand)


def _operands(key: str, value: Any) -> list[Any]:
    """The right-hand sides of a clause: `{field: x}` or `{"$op": {field: x}}`."""
    if key.startswith("$"):
        return list(value.values()) if isinstance(value, Mapping) else []
    return [value]


def _refs(operand: Any) -> Iterator[tuple[str, str]]:
    if isinstance(operand, Mapping) and len(operand) == 1:
        ((key, value),) = operand.items()
        if key in _ARITHMETIC and isinstance(value, Mapping):
            yield from _refs(value.get("$l"))
            yield from _refs(value.get("$r"))
        elif isinstance(value, str):
            yield key, value


class _Run:
    """What one evaluation collected: (rule index, message ids), errors, the probe."""

    __slots__ = ("errors", "found", "probed")

    def __init__(self) -> None:
        self.found: list[tuple[int, tuple[int, ...]]] = []
        self.errors: list[BaseException] = []
        self.probed = False

    def add(self, rule_index: int, ids: tuple[int, ...]) -> None:
        self.found.append((rule_index, ids))


class _MessageIds:
    """Message ids whose FNV-1a hashes (durable's message index) are pairwise distinct."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.position: dict[int, int] = {}  # id -> position
        self.by_hash: dict[int, int] = {}  # hash -> position
        self._next = 0

    def first(self, n: int) -> list[int]:
        while len(self.ids) < n:
            candidate, self._next = self._next, self._next + 1
            digest = _fnv1a32(str(candidate))
            if digest not in self.by_hash:
                self.by_hash[digest] = self.position[candidate] = len(self.ids)
                self.ids.append(candidate)
        return self.ids[:n]

    def clashes(self, text: str, n: int) -> bool:
        """Whether `text` hashes like one of the first n ids."""
        return self.by_hash.get(_fnv1a32(text), n) < n


def _fnv1a32(text: str) -> int:
    digest = 0x811C9DC5
    for byte in text.encode():
        digest = ((digest ^ byte) * 0x01000193) & 0xFFFFFFFF
    return digest


class _Host(durable.Host):  # type: ignore[misc]  # durable has no type hints
    """The one durable host of the process: no background threads, actions by name."""

    def __init__(self) -> None:
        self._actions: dict[str, Callable[[Any], None]] = {}
        self._conditions: dict[str, str] = {}  # registered ruleset -> its canonical JSON
        self._runs: dict[str, _Run] = {}
        self._ids = _MessageIds()
        self._sids = count()
        self.abandoned: list[str] = []  # states durable failed in, left undeleted
        super().__init__()

    def _run(self) -> None:
        """Start no dispatch timers: every action runs inside `evaluate`."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self._actions[action_name]

    def register(self, name: str, conditions: dict[str, Any], names: list[tuple[str, ...]]) -> str:
        """Register the ruleset (or find it registered identically); its durable name."""
        canonical = json.dumps(conditions, sort_keys=True, ensure_ascii=False, allow_nan=False)
        for suffix in count(1):
            ruleset = name if suffix == 1 else f"{name}#{suffix}"
            if ruleset not in self._conditions:
                break
            if self._conditions[ruleset] == canonical:
                return ruleset
        definition: dict[str, Any] = {}
        for index, (rule_id, all_of) in enumerate(conditions.items()):
            action = f"{ruleset}/{index}"
            self._actions[action] = self._action(index, names[index])
            definition[rule_id] = {"all": all_of, "run": action}
        self._actions[f"{ruleset}/{_PROBE}"] = self._probe
        definition[_PROBE] = {"all": [{"m": {_PROBE: 1}}], "run": f"{ruleset}/{_PROBE}"}
        self.register_rulesets({ruleset: definition})
        self._conditions[ruleset] = canonical
        return ruleset

    def _action(self, rule_index: int, names: tuple[str, ...]) -> Callable[[Any], None]:
        def action(c: Any) -> None:  # durable wants a plain one-argument function
            run = self._runs[c.s.sid]
            try:
                run.add(rule_index, tuple(c._m[name]["id"] for name in names))
            except BaseException as error:
                run.errors.append(error)

        return action

    def _probe(self, c: Any) -> None:
        self._runs[c.s.sid].probed = True

    def evaluate(
        self, ruleset: str, facts: list[Mapping[str, Any]]
    ) -> list[tuple[int, tuple[int, ...]]]:
        """Assert the facts in a fresh state; (rule index, fact positions), sorted, unique."""
        ids = self._ids.first(len(facts) + 1)  # the last one is the probe's
        sid = next(s for s in map(str, self._sids) if not self._ids.clashes(f"sid-{s}", len(ids)))
        messages = [{_PROBE: 1, "sid": sid, "id": ids[-1]}]
        messages += [
            _message(fact, sid, mid, at)
            for at, (fact, mid) in enumerate(zip(facts, ids[:-1], strict=True))
        ]
        payload = json.dumps(messages, ensure_ascii=False, allow_nan=False)
        rules = self.get_ruleset(ruleset)
        run = self._runs[sid] = _Run()
        failures: list[BaseException] = []
        try:
            try:
                code, state = _native.assert_facts(rules._handle, payload)
            except _native.error as error:  # e.g. arithmetic on a string (312)
                raise RuntimeError(f"durable failed on the facts: {error}") from error
            if code not in (0, 1):  # 1: some fact matched nothing
                raise RuntimeError(f"durable refused the facts (code {code})")
            rules.do_actions(state, lambda error, _: failures.append(error) if error else None)
            failures.extend(run.errors)
            if not run.probed:
                failures.append(RuntimeError("durable did not run the rule actions"))
            elif "exception" in (kept := rules.get_state(sid)):
                failures.append(RuntimeError(f"a rule action failed: {kept['exception']}"))
        finally:
            del self._runs[sid]
            if run.probed:
                rules.delete_state(sid)  # exactly once: a second delete crashes durable
            else:
                self.abandoned.append(sid)
        if failures:
            raise failures[0]
        probe, position = ids[-1], self._ids.position
        return sorted(
            {
                (i, tuple(position[mid] for mid in mids))
                for i, mids in run.found
                if probe not in mids
            }
        )


def _message(fact: Mapping[str, Any], sid: str, mid: int, at: int) -> dict[str, Any]:
    """The fact as a durable message, or a ValueError saying what it cannot carry."""
    message: dict[str, Any] = {}
    for key, value in fact.items():
        kind = type(value)
        if not (
            kind is str
            or (kind is float and math.isfinite(value))
            or (kind is int and -(2**63) <= value < 2**63)
            or kind is bool
        ):
            if value is None:
                continue
            _check_value(value, key, at)
        if not isinstance(key, str) or key in _RESERVED or key.startswith("$"):
            raise ValueError(f"fact {at}: field name {key!r} is not allowed")
        message[key] = value
    if len(message) > MAX_FIELDS:
        raise ValueError(f"fact {at}: {len(message)} fields, at most {MAX_FIELDS}")
    message["sid"] = sid
    message["id"] = mid
    return message


def _check_value(value: object, key: object, at: int) -> None:
    """Subclasses of str, int and float (StrEnum, IntEnum, …) pass; nothing else does."""
    if not (
        isinstance(value, str)
        or (isinstance(value, int) and -(2**63) <= value < 2**63)
        or (isinstance(value, float) and math.isfinite(value))
    ):
        raise ValueError(f"fact {at}: field {key!r} has an unsupported value {value!r}")


_LOCK = threading.Lock()
_HOST: _Host | None = None


def _host() -> _Host:
    """The process-wide host (call with the lock held)."""
    global _HOST
    if _HOST is None:
        _HOST = _Host()
    return _HOST
