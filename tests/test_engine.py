"""The durable-rules wrapper: isolation, identity, errors, order, limits and threads."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Mapping
from enum import IntEnum, StrEnum
from typing import Any

import pytest

from rules import engine as engine_module
from rules.conditions import all_of, any_of, eq, exists, fact, ge, gt, le, lt, ne, ref, times
from rules.engine import MAX_FIELDS, Engine, Match, RuleSpec

_names = itertools.count()


def fresh(prefix: str) -> str:
    """A ruleset name no other test uses (rulesets live as long as the process)."""
    return f"test_{prefix}_{next(_names)}"


def hits(matches: list[Match]) -> list[tuple[str, tuple[int, ...]]]:
    return [(m.rule, m.positions) for m in matches]


@pytest.fixture(scope="module")
def people() -> Engine:
    """Two single-fact rules over `person` facts and one join of a person with a team."""
    return Engine(
        fresh("people"),
        [
            RuleSpec("person.behind", fact("person", lt("pace", 0.8))),
            RuleSpec("person.silent", fact("person", ge("missed_days", 3))),
            RuleSpec(
                "team.person_behind",
                {
                    **fact("person", lt("pace", 0.8), name="p"),
                    **fact("team", eq("team", ref("team", of="p")), name="t"),
                },
            ),
        ],
    )


def person(name: str, pace: float = 1.0, missed: int = 0, team: str = "a") -> dict[str, Any]:
    return {"kind": "person", "person": name, "team": team, "pace": pace, "missed_days": missed}


def test_a_fact_matches_every_rule_it_satisfies(people: Engine) -> None:
    facts = [person("ann", pace=0.5, missed=4), person("bob"), person("cy", missed=3)]
    assert hits(people.evaluate(facts)) == [
        ("person.behind", (0,)),
        ("person.silent", (0,)),
        ("person.silent", (2,)),
    ]
    assert people.evaluate(facts)[0].fact is facts[0]


def test_join_matches_carry_each_fact_by_name(people: Engine) -> None:
    team = {"kind": "team", "team": "a"}
    facts = [person("ann", pace=0.5), team, person("bob", pace=0.5, team="b")]
    joined = [m for m in people.evaluate(facts) if m.rule == "team.person_behind"]
    assert joined == [Match("team.person_behind", {"p": facts[0], "t": team}, (0, 1))]


def test_evaluations_are_isolated(people: Engine) -> None:
    assert hits(people.evaluate([person("ann", pace=0.5)]))[0] == ("person.behind", (0,))
    # The person of the first call must not join the team of this one.
    assert people.evaluate([{"kind": "team", "team": "a"}]) == []
    for i in range(200):
        facts = [person(f"p{i}", pace=0.5 if i % 2 else 1.0, missed=i % 5)]
        expected = [("person.behind", (0,))] if i % 2 else []
        expected += [("person.silent", (0,))] if i % 5 >= 3 else []
        assert hits(people.evaluate(facts)) == expected


def test_identical_facts_both_match(people: Engine) -> None:
    twin = person("ann", pace=0.5)
    assert hits(people.evaluate([twin, dict(twin)])) == [
        ("person.behind", (0,)),
        ("person.behind", (1,)),
    ]


def test_a_hundred_thousand_distinct_facts_all_match() -> None:
    engine = Engine(fresh("bulk"), [RuleSpec("big", fact("n", ge("value", 0)))])
    facts = [{"kind": "n", "value": i % 1000, "label": f"x{i}"} for i in range(100_000)]
    matches = engine.evaluate(facts)
    assert [m.positions[0] for m in matches] == list(range(100_000))


def test_a_state_id_hashing_like_a_message_id_is_avoided(monkeypatch: pytest.MonkeyPatch) -> None:
    # durable keeps the state as message "sid-<sid>": "sid-116313120" hashes like id 597,
    # which loses fact 597 (or crashes the process). The wrapper skips such a sid.
    clashing = 116313120
    assert engine_module._fnv1a32(f"sid-{clashing}") == engine_module._fnv1a32("597")
    engine = Engine(fresh("sid"), [RuleSpec("any", fact("n", ge("value", 0)))])
    monkeypatch.setattr(engine_module._host(), "_sids", itertools.count(clashing))
    assert len(engine.evaluate([{"kind": "n", "value": i} for i in range(600)])) == 600


def test_message_ids_never_share_a_hash() -> None:
    assert engine_module._fnv1a32("40189") == engine_module._fnv1a32("797186")
    ids = engine_module._MessageIds().first(800_000)
    assert 797186 not in ids
    assert len({engine_module._fnv1a32(str(i)) for i in ids}) == len(ids) == 800_000


def test_facts_matching_nothing_raise_nothing(people: Engine) -> None:
    assert people.evaluate([]) == []
    assert people.evaluate([{"kind": "other"}, person("bob"), {"unrelated": 1}]) == []


def test_a_new_engine_whose_first_facts_match_nothing() -> None:
    # Deleting a state in which no action ever ran crashed durable: the probe prevents it.
    for i in range(3):
        engine = Engine(fresh("first"), [RuleSpec("r", fact("m", gt("v", 1)))])
        assert engine.evaluate([{"kind": "other", "n": i}]) == []
        assert engine.evaluate([{"kind": "m", "v": 0}]) == []
        assert hits(engine.evaluate([{"kind": "m", "v": 2}])) == [("r", (0,))]


def test_a_rule_with_only_negative_tests_stops_and_never_shows_the_probe() -> None:
    # The state message meets `$nex` and is re-asserted after each action: this looped.
    engine = Engine(fresh("probe"), [RuleSpec("lacks_x", {"m": {"$nex": {"x": 1}}})])
    assert hits(engine.evaluate([{"x": 1}, {"y": 1}])) == [("lacks_x", (1,))]


def test_a_join_on_a_missing_field_does_not_match(people: Engine) -> None:
    # Unguarded, durable fails the whole batch (error 311) when the person has no team.
    facts: list[dict[str, Any]] = [{"kind": "person", "pace": 0.5}, {"kind": "team", "team": "a"}]
    assert hits(people.evaluate(facts)) == [("person.behind", (0,))]


def test_a_batch_durable_fails_on_raises_and_leaves_the_engine_usable() -> None:
    p = fact("p", name="p")
    t = fact("t", gt("x", times(ref("v", of="p"), 2)), name="t")
    engine = Engine(fresh("fail"), [RuleSpec("j", {**p, **t})])
    with pytest.raises(RuntimeError, match="312"):
        engine.evaluate([{"kind": "p", "v": "text"}, {"kind": "t", "x": 5}])
    assert hits(engine.evaluate([{"kind": "p", "v": 2}, {"kind": "t", "x": 5}])) == [("j", (0, 1))]


def test_an_action_that_raises_surfaces(people: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: object, rule_index: int, ids: tuple[int, ...]) -> None:
        raise LookupError("boom")

    with monkeypatch.context() as patch:
        patch.setattr(engine_module._Run, "add", boom)
        with pytest.raises(LookupError, match="boom"):
            people.evaluate([person("ann", pace=0.5)])
    # The state was dropped and the lock released: the next call is clean.
    assert hits(people.evaluate([person("ann", pace=0.5)]))[0] == ("person.behind", (0,))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (gt("actual", ref("target")), [1]),
        (le("actual", ref("target")), [0, 2]),
        (ne("actual", ref("target")), [0, 1]),
        (eq("actual", ref("target")), [2]),
        (ge("actual", times(ref("target"), 2)), [1]),
        (lt("actual", times(ref("target"), 0.5)), [0]),
    ],
)
def test_field_against_field(when: dict[str, Any], expected: list[int]) -> None:
    engine = Engine(fresh("ref"), [RuleSpec("r", fact("m", any_of(when, eq("never", 1))))])
    facts = [
        {"kind": "m", "actual": 2, "target": 10},
        {"kind": "m", "actual": 25, "target": 10},
        {"kind": "m", "actual": 10.0, "target": 10},
        {"kind": "m", "actual": 5},  # no target: a missing field never matches
        {"kind": "m", "actual": 5, "target": None},  # None is dropped, so the same
    ]
    assert [m.positions[0] for m in engine.evaluate(facts)] == expected


def test_any_of_fires_once_however_many_branches_hold() -> None:
    rule = RuleSpec("r", fact("m", any_of(gt("a", 1), gt("b", 1), all_of(eq("c", "x")))))
    engine = Engine(fresh("or"), [rule])
    facts = [{"kind": "m", "a": 5, "b": 5, "c": "x"}, {"kind": "m", "a": 0, "b": 0, "c": "y"}]
    assert hits(engine.evaluate(facts)) == [("r", (0,))]


def test_order_is_rule_order_then_fact_order() -> None:
    rules = [RuleSpec(rule_id, fact("m", ge("v", 0))) for rule_id in ("z", "a", "m")]
    engine = Engine(fresh("order"), rules)
    facts = [{"kind": "m", "v": v} for v in (3, 1, 2)]
    expected = [(r, (i,)) for r in ("z", "a", "m") for i in range(3)]
    for _ in range(5):
        assert hits(engine.evaluate(facts)) == expected


def test_two_engines_may_share_a_name() -> None:
    name = fresh("same")
    first = Engine(name, [RuleSpec("r", fact("m", gt("v", 1)))])
    same = Engine(name, [RuleSpec("r", fact("m", gt("v", 1)))])
    other = Engine(name, [RuleSpec("r", fact("m", lt("v", 1)))])
    assert same.ruleset == first.ruleset == name
    assert other.ruleset == f"{name}#2"
    facts = [{"kind": "m", "v": 0}, {"kind": "m", "v": 2}]
    assert hits(first.evaluate(facts)) == hits(same.evaluate(facts)) == [("r", (1,))]
    assert hits(other.evaluate(facts)) == [("r", (0,))]


def test_threads_get_exactly_their_own_matches(people: Engine) -> None:
    results: dict[int, list[list[tuple[str, tuple[int, ...]]]]] = {}

    def work(worker: int) -> None:
        results[worker] = [
            hits(people.evaluate([person(f"w{worker}", pace=0.5, missed=worker), person("ok")]))
            for _ in range(100)
        ]

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in range(4):
        own = [("person.behind", (0,))] + ([("person.silent", (0,))] if worker >= 3 else [])
        assert results[worker] == [own] * 100


def test_the_host_runs_no_background_threads(people: Engine) -> None:
    people.evaluate([person("ann", pace=0.5)])
    assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer)]


@pytest.mark.parametrize(
    "bad",
    [
        {"v": math.nan},
        {"v": math.inf},
        {"v": {"nested": 1}},
        {"v": [1, 2]},
        {"v": b"bytes"},
        {"v": 2**63},
        {1: "non-str key"},
        {"id": 7},
        {"sid": "x"},
        {"$s": 1},
        {f"f{i}": i for i in range(MAX_FIELDS + 1)},
    ],
)
def test_values_durable_cannot_take_are_refused(people: Engine, bad: Mapping[Any, Any]) -> None:
    with pytest.raises(ValueError, match="fact 1"):
        people.evaluate([person("ann"), {"kind": "person", **bad}])


def test_the_most_fields_a_fact_may_have() -> None:
    engine = Engine(fresh("wide"), [RuleSpec("r", fact("w", eq("f_last", 1)))])
    wide: dict[str, Any] = {f"f{i}": i for i in range(MAX_FIELDS - 2)}
    wide |= {"kind": "w", "f_last": 1, "gone": None}
    assert len(wide) == MAX_FIELDS + 1
    assert hits(engine.evaluate([wide])) == [("r", (0,))]


class Level(IntEnum):
    HIGH = 3


class Kind(StrEnum):
    T = "t"


def test_booleans_strings_and_enums_compare() -> None:
    rule = RuleSpec("r", fact("t", eq("ok", True), eq("s", "仓库 x"), ge("level", 3)))
    engine = Engine(fresh("types"), [rule])
    facts = [
        {"kind": Kind.T, "ok": True, "s": "仓库 x", "level": Level.HIGH},
        {"kind": "t", "ok": False, "s": "仓库 x", "level": 3},
    ]
    assert hits(engine.evaluate(iter(facts))) == [("r", (0,))]


@pytest.mark.parametrize(
    "rules",
    [
        [RuleSpec("a", fact("m")), RuleSpec("a", fact("m"))],
        [RuleSpec("", fact("m"))],
        [RuleSpec("a", {})],
        [RuleSpec("a", {"$m": {"kind": "m"}})],
        [RuleSpec("a", {"all": [fact("m")]})],
    ],
)
def test_bad_rules_are_refused(rules: list[RuleSpec]) -> None:
    with pytest.raises(ValueError, match="rule"):
        Engine(fresh("bad"), rules)


def test_condition_builders() -> None:
    assert fact("p", gt("value", times(ref("limit"), 2)), ne("x", 3), eq("flag", True)) == {
        "m": {
            "$and": [
                {"kind": "p"},
                {"$gt": {"value": {"$mul": {"$l": {"$m": "limit"}, "$r": 2}}}},
                {"$neq": {"x": 3}},
                {"flag": True},
            ]
        }
    }
    assert fact("t", eq("team", ref("team", of="p")), name="t") == {
        "t": {"$and": [{"kind": "t"}, {"team": {"p": "team"}}]}
    }
    assert any_of(lt("a", 1), ge("b", 2)) == {"$or": [{"$lt": {"a": 1}}, {"$gte": {"b": 2}}]}
    assert all_of(exists("a"), le("a", 0)) == {"$and": [{"$ex": {"a": 1}}, {"$lte": {"a": 0}}]}
    with pytest.raises(ValueError, match="at least one"):
        all_of()
    with pytest.raises(ValueError, match="not nan"):
        gt("a", math.nan)
