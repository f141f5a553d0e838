"""The rule base's knowledge: categories, rule definitions with their prompts, lexicons.

Four files, read and validated together:

- `categories.yaml` — the five problem categories, the five core elements, the
  methods and principles the prompts draw on, each with its source passage;
- `rules.yaml` — the rule catalogue (category, subject, audience, severity,
  thresholds, evidence, measure, source);
- `prompts.yaml` — each rule's title and one prompt per audience and language (and,
  where a lead's or manager's prompt says today, its weekly variant for the digest);
- `lexicons.yaml` — the words that name other functions, and discouraged words.

`parse()` validates parsed documents (plain dicts, so tests can break them);
`knowledge_base()` reads the files once. Imports neither `bot` nor `rules`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, Literal

import yaml

from knowledge import KnowledgeError

LANGS: Final[tuple[str, ...]] = ("zh", "en")
AUDIENCES: Final[tuple[str, ...]] = ("rep", "lead", "manager")
SUBJECTS: Final[tuple[str, ...]] = ("person", "team")
SEVERITIES: Final[tuple[str, ...]] = ("low", "medium", "high")
PROBLEM_CATEGORIES: Final[tuple[str, ...]] = (
    "goal",
    "execution",
    "process",
    "mechanism",
    "management",
)
COMMON_PLACEHOLDERS: Final[frozenset[str]] = frozenset({"name"})
GATE_THRESHOLD: Final[str] = "team_pace_below"
FILES: Final[tuple[str, ...]] = ("categories.yaml", "rules.yaml", "prompts.yaml", "lexicons.yaml")

Worse = Literal["up", "down"]
_RULE_ID = re.compile(r"^([a-z][a-z_]*)\.[a-z][a-z0-9_]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# a lead's or manager's prompt that says "today" is written for a daily alert: the weekly
# digest reads its `weekly` variant instead
_TODAY = re.compile(r"(?i)\btoday\b|今天|今日")


@dataclass(frozen=True, slots=True)
class Category:
    """An entry of categories.yaml: a problem category, core element, method or principle."""

    id: str
    name: Mapping[str, str]
    explain: Mapping[str, str]
    source: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleDef:
    """What a rule is (rules.yaml) and what it says (prompts.yaml)."""

    id: str
    category: str
    subject: str
    audience: tuple[str, ...]
    severity: str
    doc: str
    source: str
    thresholds: Mapping[str, float]
    evidence: tuple[str, ...]
    measure_field: str
    measure_worse: Worse
    gate: str | None
    prompts: Mapping[str, Mapping[str, str]]
    title: Mapping[str, str]
    draws_on: str
    # the lead / manager prompts for a week's plan (the digest), where they differ
    weekly: Mapping[str, Mapping[str, str]] = dataclasses.field(
        default_factory=lambda: MappingProxyType({})
    )

    def weekly_prompt(self, audience: str, lang: str) -> str:
        """The prompt for a weekly plan (the digest): the weekly variant when there is one."""
        return (self.weekly.get(audience) or self.prompts[audience])[lang]

    @property
    def placeholders(self) -> frozenset[str]:
        """The placeholders this rule's prompts may use."""
        return frozenset(self.evidence) | COMMON_PLACEHOLDERS

    def prompt(self, audience: str, lang: str) -> str:
        """The prompt template for `audience` in `lang` (unfilled)."""
        return self.prompts[audience][lang]


@dataclass(frozen=True, slots=True)
class FunctionWords:
    """Another function a blocker can name: its label and the words that name it."""

    id: str
    label: Mapping[str, str]
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lexicons:
    """Words the rules read free text with."""

    functions: Mapping[str, FunctionWords]
    discouraged: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Everything the four files hold, validated."""

    categories: Mapping[str, Category]
    core_elements: Mapping[str, Category]
    methods: Mapping[str, Category]
    principles: Mapping[str, Category]
    rules: Mapping[str, RuleDef]
    lexicons: Lexicons


# --- small checks -------------------------------------------------------------


def _fail(file: str, place: str, message: str) -> KnowledgeError:
    return KnowledgeError(f"{file}: {place}: {message}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _mapping(value: Any, file: str, place: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise _fail(file, place, "expected a mapping")
    return value


def _text(value: Any, file: str, place: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(file, place, "expected non-empty text")
    return value.strip()


def _bilingual(value: Any, file: str, place: str) -> Mapping[str, str]:
    raw = _mapping(value, file, place)
    out: dict[str, str] = {}
    for lang in LANGS:
        if lang not in raw:
            raise _fail(file, f"{place}.{lang}", "missing")
        text = _text(raw[lang], file, f"{place}.{lang}")
        has_cjk = bool(_CJK.search(text))
        if lang == "zh" and not has_cjk:
            raise _fail(file, f"{place}.zh", "the Chinese text has no Chinese in it")
        if lang == "en" and has_cjk:
            raise _fail(file, f"{place}.en", "the English text contains Chinese")
        out[lang] = text
    extra = sorted(set(raw) - set(LANGS), key=str)
    if extra:
        raise _fail(file, place, f"unknown languages {extra}")
    return MappingProxyType(out)


def _names(value: Any, file: str, place: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v.isidentifier() for v in value
    ):
        raise _fail(file, place, "expected a list of identifiers")
    if len(set(value)) != len(value):
        raise _fail(file, place, "duplicate entries")
    return tuple(value)


def _choice(value: Any, allowed: tuple[str, ...], file: str, place: str) -> str:
    if value not in allowed:
        raise _fail(file, place, f"unknown value {value!r} (one of {', '.join(allowed)})")
    return str(value)


def placeholders(template: str) -> tuple[str, ...]:
    """The `{field}` names in a template, in order; ValueError when it is malformed."""
    names: list[str] = []
    for _literal, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must be a plain name")
        names.append(field)
    return tuple(names)


def _source_key(source: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in source.split("·"))


# --- categories.yaml ----------------------------------------------------------


def _entries(value: Any, file: str, place: str) -> Mapping[str, Category]:
    out: dict[str, Category] = {}
    for key, spec in _mapping(value, file, place).items():
        where = f"{place}.{key}"
        if not isinstance(key, str) or not key.isidentifier():
            raise _fail(file, where, "an id is an identifier")
        raw = _mapping(spec, file, where)
        source = _text(raw.get("source"), file, f"{where}.source")
        if len(_source_key(source)) != 2 or not all(_source_key(source)):
            raise _fail(file, f"{where}.source", "expected '<article section> · <passage>'")
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in aliases
        ):
            raise _fail(file, f"{where}.aliases", "expected a list of names")
        out[key] = Category(
            id=key,
            name=_bilingual(raw.get("name"), file, f"{where}.name"),
            explain=_bilingual(raw.get("explain"), file, f"{where}.explain"),
            source=source,
            aliases=tuple(a.strip() for a in aliases),
        )
    return MappingProxyType(out)


def _parse_categories(doc: Any) -> tuple[Mapping[str, Category], ...]:
    file = "categories.yaml"
    raw = _mapping(doc, file, "(document)")
    parts = tuple(
        _entries(raw.get(section), file, section)
        for section in ("categories", "core_elements", "methods", "principles")
    )
    if tuple(parts[0]) != PROBLEM_CATEGORIES:
        raise _fail(
            file, "categories", f"expected exactly {list(PROBLEM_CATEGORIES)} in this order"
        )
    return parts


# --- rules.yaml + prompts.yaml ------------------------------------------------


def _thresholds(value: Any, file: str, place: str) -> Mapping[str, float]:
    raw = _mapping({} if value is None else value, file, place)
    out: dict[str, float] = {}
    for name, number in raw.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise _fail(file, place, f"threshold name {name!r} is not an identifier")
        if not _is_number(number):
            raise _fail(file, f"{place}.{name}", f"expected a number, got {number!r}")
        out[name] = float(number)
    return MappingProxyType(out)


def _rule(rule_id: Any, spec: Any, sources: frozenset[tuple[str, ...]]) -> dict[str, Any]:
    file, where = "rules.yaml", f"rules.{rule_id}"
    match = _RULE_ID.match(rule_id) if isinstance(rule_id, str) else None
    if match is None:
        raise _fail(file, where, "a rule id is 'category.name' (lower case)")
    raw = _mapping(spec, file, where)
    category = _choice(raw.get("category"), PROBLEM_CATEGORIES, file, f"{where}.category")
    if match.group(1) != category:
        raise _fail(
            file, where, f"the id's prefix {match.group(1)!r} is not its category {category!r}"
        )
    audience = raw.get("audience")
    if not isinstance(audience, list) or not audience:
        raise _fail(file, f"{where}.audience", "expected a non-empty list")
    for i, who in enumerate(audience):
        _choice(who, AUDIENCES, file, f"{where}.audience[{i}]")
    if len(set(audience)) != len(audience):
        raise _fail(file, f"{where}.audience", "duplicate entries")
    thresholds = _thresholds(raw.get("thresholds"), file, f"{where}.thresholds")
    evidence = _names(raw.get("evidence"), file, f"{where}.evidence")
    reserved = COMMON_PLACEHOLDERS & set(evidence)
    if reserved:
        raise _fail(file, f"{where}.evidence", f"{sorted(reserved)} is reserved for the subject")
    measure = _mapping(raw.get("measure"), file, f"{where}.measure")
    if measure.get("field") not in evidence:
        raise _fail(
            file, f"{where}.measure.field", f"{measure.get('field')!r} is not in the evidence"
        )
    worse = _choice(measure.get("worse"), ("up", "down"), file, f"{where}.measure.worse")
    gate = raw.get("gate", GATE_THRESHOLD if GATE_THRESHOLD in thresholds else None)
    if gate is not None and (not isinstance(gate, str) or gate not in thresholds):
        raise _fail(file, f"{where}.gate", f"{gate!r} is not one of the rule's thresholds")
    source = _text(raw.get("source"), file, f"{where}.source")
    if _source_key(source) not in sources:
        raise _fail(file, f"{where}.source", f"{source!r} is no source or alias in categories.yaml")
    return {
        "id": rule_id,
        "category": category,
        "subject": _choice(raw.get("subject"), SUBJECTS, file, f"{where}.subject"),
        "audience": tuple(audience),
        "severity": _choice(raw.get("severity"), SEVERITIES, file, f"{where}.severity"),
        "doc": _text(raw.get("doc"), file, f"{where}.doc"),
        "source": source,
        "thresholds": thresholds,
        "evidence": evidence,
        "measure_field": str(measure["field"]),
        "measure_worse": "up" if worse == "up" else "down",
        "gate": gate,
    }


def _prompts(rule: Mapping[str, Any], spec: Any, guidance: frozenset[str]) -> dict[str, Any]:
    file, where = "prompts.yaml", f"prompts.{rule['id']}"
    raw = _mapping(spec, file, where)
    if "title" not in raw:
        raise _fail(file, f"{where}.title", "missing")
    title = _bilingual(raw["title"], file, f"{where}.title")
    draws_on = raw.get("draws_on")
    if draws_on not in guidance:
        raise _fail(
            file, f"{where}.draws_on", f"{draws_on!r} is no method or principle in categories.yaml"
        )
    allowed = set(rule["evidence"]) | COMMON_PLACEHOLDERS
    prompts: dict[str, Mapping[str, str]] = {}
    for audience in rule["audience"]:
        if audience not in raw:
            raise _fail(file, f"{where}.{audience}", "missing prompt for this audience")
        prompts[audience] = _prompt_texts(raw[audience], allowed, file, f"{where}.{audience}")
    extra = sorted(set(raw) - {"title", "draws_on", "weekly", *rule["audience"]}, key=str)
    if extra:
        raise _fail(
            file, where, f"{extra} are not audiences of this rule ({list(rule['audience'])})"
        )
    return {
        "prompts": MappingProxyType(prompts),
        "title": title,
        "draws_on": str(draws_on),
        "weekly": _weekly(raw.get("weekly", {}), prompts, allowed, file, f"{where}.weekly"),
    }


def _prompt_texts(value: Any, allowed: set[str], file: str, place: str) -> Mapping[str, str]:
    """One prompt in both languages, its placeholders among `allowed`."""
    texts = _bilingual(value, file, place)
    for lang, text in texts.items():
        try:
            names = placeholders(text)
        except ValueError as exc:
            raise _fail(file, f"{place}.{lang}", f"malformed braces: {exc}") from None
        unknown = sorted(set(names) - allowed)
        if unknown:
            raise _fail(
                file,
                f"{place}.{lang}",
                f"placeholders {unknown} are not in the rule's evidence (allowed: {sorted(allowed)})",
            )
    return texts


def _weekly(
    value: Any,
    prompts: Mapping[str, Mapping[str, str]],
    allowed: set[str],
    file: str,
    place: str,
) -> Mapping[str, Mapping[str, str]]:
    """The weekly variants (for the digest) of a rule's lead / manager prompts: required
    where the prompt says "today", never saying it themselves."""
    out: dict[str, Mapping[str, str]] = {}
    for audience, spec in _mapping(value, file, place).items():
        if audience not in ("lead", "manager") or audience not in prompts:
            raise _fail(file, f"{place}.{audience}", "not a lead or manager prompt of this rule")
        texts = _prompt_texts(spec, allowed, file, f"{place}.{audience}")
        for lang, text in texts.items():
            if _TODAY.search(text):
                raise _fail(file, f"{place}.{audience}.{lang}", "a weekly variant says today")
        out[audience] = texts
    for audience in ("lead", "manager"):
        daily = prompts.get(audience, {})
        if audience not in out and any(_TODAY.search(text) for text in daily.values()):
            raise _fail(
                file, f"{place}.{audience}", "the prompt says today: add its weekly variant"
            )
    return MappingProxyType(out)


def _parse_rules(
    rules_doc: Any,
    prompts_doc: Any,
    sources: frozenset[tuple[str, ...]],
    guidance: frozenset[str],
) -> Mapping[str, RuleDef]:
    rules = _mapping(
        _mapping(rules_doc, "rules.yaml", "(document)").get("rules"), "rules.yaml", "rules"
    )
    prompts = _mapping(
        _mapping(prompts_doc, "prompts.yaml", "(document)").get("prompts"),
        "prompts.yaml",
        "prompts",
    )
    for rule_id in prompts:
        if rule_id not in rules:
            raise _fail(
                "prompts.yaml", f"prompts.{rule_id}", "a prompt for a rule that does not exist"
            )
    out: dict[str, RuleDef] = {}
    for rule_id, spec in rules.items():
        fields = _rule(rule_id, spec, sources)
        if rule_id not in prompts:
            raise _fail(
                "prompts.yaml", f"prompts.{rule_id}", "missing: every rule needs its prompts"
            )
        out[rule_id] = RuleDef(**fields, **_prompts(fields, prompts[rule_id], guidance))
    return MappingProxyType(out)


# --- lexicons.yaml ------------------------------------------------------------


def _words(value: Any, file: str, place: str) -> tuple[str, ...]:
    raw = _mapping(value, file, place)
    out: list[str] = []
    for lang in LANGS:
        words = raw.get(lang, [])
        if not isinstance(words, list):
            raise _fail(file, f"{place}.{lang}", "expected a list of words")
        for i, word in enumerate(words):
            if not isinstance(word, str) or not word.strip() or word != word.strip().lower():
                raise _fail(
                    file, f"{place}.{lang}[{i}]", f"{word!r}: words are trimmed lower-case text"
                )
            if word not in out:
                out.append(word)
    if not out:
        raise _fail(file, place, "at least one word is needed")
    return tuple(out)


def _parse_lexicons(doc: Any) -> Lexicons:
    file = "lexicons.yaml"
    raw = _mapping(doc, file, "(document)")
    functions: dict[str, FunctionWords] = {}
    for key, spec in _mapping(raw.get("functions"), file, "functions").items():
        where = f"functions.{key}"
        if not isinstance(key, str) or not key.isidentifier():
            raise _fail(file, where, "a function id is an identifier")
        entry = _mapping(spec, file, where)
        functions[key] = FunctionWords(
            id=key,
            label=_bilingual(entry.get("label"), file, f"{where}.label"),
            words=_words(entry.get("words"), file, f"{where}.words"),
        )
    return Lexicons(
        functions=MappingProxyType(functions),
        discouraged=_words(raw.get("discouraged"), file, "discouraged"),
    )


# --- the whole ----------------------------------------------------------------


def parse(documents: Mapping[str, Any]) -> KnowledgeBase:
    """Validates the four parsed documents (keyed by file name) and builds the knowledge base."""
    missing = [name for name in FILES if name not in documents]
    if missing:
        raise KnowledgeError(f"knowledge base: missing documents {missing}")
    categories, elements, methods, principles = _parse_categories(documents["categories.yaml"])
    sources: set[tuple[str, ...]] = set()
    for group in (categories, elements, methods, principles):
        for entry in group.values():
            heading, _passage = _source_key(entry.source)
            sources.add((heading, _passage))
            sources.update((heading, alias) for alias in entry.aliases)
    rules = _parse_rules(
        documents["rules.yaml"],
        documents["prompts.yaml"],
        frozenset(sources),
        frozenset({*methods, *principles}),
    )
    return KnowledgeBase(
        categories=categories,
        core_elements=elements,
        methods=methods,
        principles=principles,
        rules=rules,
        lexicons=_parse_lexicons(documents["lexicons.yaml"]),
    )


def read_documents() -> dict[str, Any]:
    """The four files of the knowledge base, parsed from YAML but not yet validated."""
    out: dict[str, Any] = {}
    for name in FILES:
        try:
            text = resources.files("knowledge").joinpath(name).read_text("utf-8")
            out[name] = yaml.safe_load(text)
        except (OSError, yaml.YAMLError) as exc:
            raise KnowledgeError(f"{name}: cannot be read: {exc}") from exc
    return out


@cache
def knowledge_base() -> KnowledgeBase:
    """The validated knowledge base, read once per process."""
    return parse(read_documents())


def validate() -> None:
    """Reads and validates the knowledge base (call at start-up); raises KnowledgeError."""
    knowledge_base()


def categories() -> Mapping[str, Category]:
    """The five problem categories, goal to management."""
    return knowledge_base().categories


def core_elements() -> Mapping[str, Category]:
    """The five core elements (A1–A5) of strategy execution."""
    return knowledge_base().core_elements


def methods() -> Mapping[str, Category]:
    """The five methods (method1–method5) the prompts draw their actions from."""
    return knowledge_base().methods


def principles() -> Mapping[str, Category]:
    """The principles of the methods section that rules cite (two keys, plural targets …)."""
    return knowledge_base().principles


def rule_defs() -> Mapping[str, RuleDef]:
    """Every rule, in rules.yaml order."""
    return knowledge_base().rules


def lexicons() -> Lexicons:
    """The function words and discouraged words."""
    return knowledge_base().lexicons


def threshold(rule_id: str, name: str, overrides: Mapping[str, Any] | None = None) -> float:
    """A rule's threshold: the team's numeric override (settings.rules) if any, else the default."""
    rule = rule_defs().get(rule_id)
    if rule is None:
        raise KnowledgeError(f"unknown rule {rule_id!r}")
    if name not in rule.thresholds:
        raise KnowledgeError(
            f"{rule_id}: unknown threshold {name!r} (known: {sorted(rule.thresholds)})"
        )
    own = overrides.get(rule_id) if overrides is not None else None
    if isinstance(own, Mapping) and _is_number(own.get(name)):
        return float(own[name])
    return rule.thresholds[name]


def check_overrides(overrides: Any, where: str = "settings.rules") -> None:
    """Rejects a team's threshold overrides that name no rule or threshold, or are not numbers."""
    defs = rule_defs()
    for rule_id, values in _mapping(overrides, "settings", where).items():
        if rule_id not in defs:
            raise KnowledgeError(f"{where}.{rule_id}: unknown rule")
        for name, value in _mapping(values, "settings", f"{where}.{rule_id}").items():
            if name not in defs[rule_id].thresholds:
                raise KnowledgeError(f"{where}.{rule_id}.{name}: unknown threshold")
            if not _is_number(value):
                raise KnowledgeError(f"{where}.{rule_id}.{name}: expected a number, got {value!r}")
