"""The knowledge base stays honest: it validates, speaks both languages, cites the article."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import opencc
import pytest
import yaml

from knowledge import KnowledgeError
from knowledge.rulebase import (
    AUDIENCES,
    PROBLEM_CATEGORIES,
    Category,
    RuleDef,
    categories,
    check_overrides,
    core_elements,
    lexicons,
    methods,
    parse,
    placeholders,
    principles,
    read_documents,
    rule_defs,
    threshold,
    validate,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
ARTICLE = SHARED / "mission" / "article-zh.md"
CJK = re.compile(r"[\u3400-\u9fff]")
MAX_LEN = {"zh": 90, "en": 160}
RULES = list(rule_defs().values())
PROMPTS = [
    (rule, audience, lang) for rule in RULES for audience in rule.audience for lang in ("zh", "en")
]


def _prompt_id(case: tuple[RuleDef, str, str]) -> str:
    rule, audience, lang = case
    return f"{rule.id}-{audience}-{lang}"


# Display values of a realistic size; any other evidence field is a figure.
DUMMY = {
    "zh": {
        "name": "张伟",
        "metric": "新增网点",
        "blocker": "仓库发货慢",
        "function": "仓库",
        "words": "完不成",
        "period": "2025年6月",
        "missing": "现状分析、过程控制",
        "since": "6月3日",
        "oldest": "6月3日",
        "last_report": "6月3日",
    },
    "en": {
        "name": "Zhang Wei",
        "metric": "new outlets",
        "blocker": "warehouse ships late",
        "function": "warehouse",
        "words": "impossible",
        "period": "June 2025",
        "missing": "situation, process control",
        "since": "3 Jun",
        "oldest": "3 Jun",
        "last_report": "3 Jun",
    },
}


def _dummy(rule: RuleDef, lang: str) -> dict[str, str]:
    values = {field: DUMMY[lang].get(field, "¥12,345") for field in rule.evidence}
    values["name"] = DUMMY[lang]["name"]
    return values


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# --- the real knowledge base ----------------------------------------------------


def test_the_knowledge_base_validates() -> None:
    validate()
    assert tuple(categories()) == PROBLEM_CATEGORIES
    assert list(core_elements()) == ["A1", "A2", "A3", "A4", "A5"]
    assert list(methods()) == [f"method{i}" for i in range(1, 6)]
    assert len(RULES) >= 20


def test_rules_come_in_file_order() -> None:
    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "knowledge" / "rules.yaml").read_text("utf-8")
    )
    assert list(rule_defs()) == list(raw["rules"])


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_speaks_both_languages_to_each_audience(rule: RuleDef) -> None:
    assert rule.audience
    assert set(rule.prompts) == set(rule.audience)
    for audience in rule.audience:
        assert set(rule.prompts[audience]) == {"zh", "en"}
        assert rule.prompt(audience, "zh").strip()
        assert rule.prompt(audience, "en").strip()
    assert rule.title["zh"] and rule.title["en"]
    assert rule.draws_on in {*methods(), *principles()}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_titles_are_short(rule: RuleDef) -> None:
    assert 3 <= len(rule.title["en"].split()) <= 8, rule.title["en"]
    assert 4 <= len(rule.title["zh"]) <= 14, rule.title["zh"]


@pytest.mark.parametrize("case", PROMPTS, ids=_prompt_id)
def test_every_placeholder_renders(case: tuple[RuleDef, str, str]) -> None:
    rule, audience, lang = case
    text = rule.prompt(audience, lang).format_map(_dummy(rule, lang))
    assert "{" not in text and "}" not in text
    if "metric" not in rule.evidence:
        assert "{metric}" not in rule.prompt(audience, lang)


@pytest.mark.parametrize("case", PROMPTS, ids=_prompt_id)
def test_prompts_are_in_their_language_and_short(case: tuple[RuleDef, str, str]) -> None:
    rule, audience, lang = case
    template = rule.prompt(audience, lang)
    assert bool(CJK.search(template)) == (lang == "zh")
    rendered = template.format_map(_dummy(rule, lang))
    assert len(rendered) <= MAX_LEN[lang], (len(rendered), rendered)


@pytest.mark.parametrize("case", PROMPTS, ids=_prompt_id)
def test_prompts_are_never_preachy(case: tuple[RuleDef, str, str]) -> None:
    rule, audience, lang = case
    text = rule.prompt(audience, lang)
    assert "!" not in text and "！" not in text
    assert "you must" not in text.lower() and "必须" not in text


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_both_languages_give_the_same_figures(rule: RuleDef) -> None:
    for audience in rule.audience:
        zh, en = (set(placeholders(rule.prompt(audience, lang))) for lang in ("zh", "en"))
        assert zh == en, (audience, zh ^ en)


def test_rep_prompts_speak_to_the_rep() -> None:
    for rule in RULES:
        if "rep" in rule.prompts:
            assert "{name}" not in rule.prompt("rep", "en"), rule.id
            assert "you" in rule.prompt("rep", "en").lower(), rule.id


def test_lexicon_words_are_lower_case_and_simplified() -> None:
    t2s = opencc.OpenCC("t2s")
    lex = lexicons()
    words = [w for f in lex.functions.values() for w in f.words] + list(lex.discouraged)
    for word in words:
        assert word == word.strip().lower(), word
        assert t2s.convert(word) == word, word
    for function_id in (
        "warehouse",
        "logistics",
        "delivery",
        "finance",
        "approval",
        "contract",
        "pricing",
    ):
        assert function_id in lex.functions
    assert "customer_service" in lex.functions
    assert {"完不成", "不可能", "impossible", "no way"} <= set(lex.discouraged)


def test_function_words_do_not_hide_in_ordinary_words() -> None:
    ordinary = "relationship approval happy key accounts 不太难 坚持不放弃 没有"
    lex = lexicons()
    for word in lex.discouraged:
        assert word not in ordinary, word
    assert not [w for w in lex.functions["it_systems"].words if w in "approval"]
    assert not [w for w in lex.functions["logistics"].words if w in "relationship"]


def _all_entries() -> list[Category]:
    groups = (categories(), core_elements(), methods(), principles())
    return [entry for group in groups for entry in group.values()]


@pytest.mark.parametrize("entry", _all_entries(), ids=lambda e: e.id)
def test_entries_cite_a_passage_of_the_article(entry: Category) -> None:
    article = _nfkc(ARTICLE.read_text("utf-8"))
    heading, passage = (part.strip() for part in entry.source.split("·"))
    assert _nfkc(passage) in article, entry.source
    assert _nfkc(heading) in article, entry.source
    for lang in ("zh", "en"):
        assert entry.name[lang] and entry.explain[lang]
        assert entry.explain[lang].count("。" if lang == "zh" else ". ") <= 2


def test_rules_cite_a_section_of_the_article() -> None:
    article = _nfkc(ARTICLE.read_text("utf-8"))
    for rule in RULES:
        heading = rule.source.split("·")[0].strip()
        assert _nfkc(heading) in article, rule.id


# --- thresholds ---------------------------------------------------------------


def test_threshold_defaults_and_overrides() -> None:
    assert threshold("goal.target_beyond_history", "ratio", None) == 1.5
    overrides: dict[str, Any] = {"goal.target_beyond_history": {"ratio": 2}}
    assert threshold("goal.target_beyond_history", "ratio", overrides) == 2.0
    assert threshold("goal.target_beyond_history", "min_history_days", overrides) == 10.0
    for bad in ("2", True, None, float("nan")):
        assert (
            threshold(
                "goal.target_beyond_history",
                "ratio",
                {"goal.target_beyond_history": {"ratio": bad}},
            )
            == 1.5
        )
    assert (
        threshold("goal.target_beyond_history", "ratio", {"goal.target_beyond_history": 3}) == 1.5
    )


def test_threshold_rejects_unknown_names() -> None:
    with pytest.raises(KnowledgeError, match="unknown threshold"):
        threshold("goal.target_beyond_history", "ratoi", None)
    with pytest.raises(KnowledgeError, match="unknown rule"):
        threshold("goal.nothing", "ratio", None)


def test_team_overrides_are_checked() -> None:
    check_overrides({"goal.target_beyond_history": {"ratio": 1.8}})
    with pytest.raises(KnowledgeError, match="unknown rule"):
        check_overrides({"goal.nothing": {"ratio": 1}})
    with pytest.raises(KnowledgeError, match="unknown threshold"):
        check_overrides({"goal.target_beyond_history": {"ratoi": 1}})
    with pytest.raises(KnowledgeError, match="expected a number"):
        check_overrides({"goal.target_beyond_history": {"ratio": "high"}})


# --- broken inputs: validation over small documents ----------------------------


def _small() -> dict[str, Any]:
    """A minimal valid knowledge base: five categories, one method, one rule."""

    def entry(zh: str, en: str, source: str) -> dict[str, Any]:
        return {
            "name": {"zh": zh, "en": en},
            "explain": {"zh": zh + "。", "en": en + "."},
            "source": source,
        }

    cats = {c: entry("问题", c, f"销售目标下来之后 · {c}") for c in PROBLEM_CATEGORIES}
    return {
        "categories.yaml": {
            "categories": cats,
            "core_elements": {"A1": entry("路径", "path", "核心 · 要素一")},
            "methods": {"method1": {**entry("计划", "plan", "方法 · 首先"), "aliases": ["方法一"]}},
            "principles": {},
        },
        "rules.yaml": {
            "rules": {
                "goal.pace": {
                    "category": "goal",
                    "subject": "person",
                    "audience": ["rep", "lead"],
                    "severity": "high",
                    "doc": "Too slow.",
                    "source": "方法 · 方法一",
                    "thresholds": {"factor": 2, "min_elapsed": 5.5},
                    "evidence": ["gap", "remaining"],
                    "measure": {"field": "gap", "worse": "up"},
                }
            }
        },
        "prompts.yaml": {
            "prompts": {
                "goal.pace": {
                    "title": {"zh": "进度太慢", "en": "Pace too slow"},
                    "draws_on": "method1",
                    "rep": {
                        "zh": "还差 {gap}，剩 {remaining} 天。",
                        "en": "{gap} to go in {remaining} days.",
                    },
                    "lead": {"zh": "{name} 还差 {gap}。", "en": "{name} is {gap} short."},
                }
            }
        },
        "lexicons.yaml": {
            "functions": {
                "warehouse": {
                    "label": {"zh": "仓库", "en": "warehouse"},
                    "words": {"zh": ["仓库"], "en": ["stock"]},
                },
                "logistics": {
                    "label": {"zh": "物流", "en": "logistics"},
                    "words": {"zh": ["仓库", "物流"]},
                },
            },
            "discouraged": {"zh": ["完不成"], "en": ["no way"]},
        },
    }


def test_the_small_knowledge_base_is_valid() -> None:
    kb = parse(_small())
    rule = kb.rules["goal.pace"]
    assert rule.thresholds == {"factor": 2.0, "min_elapsed": 5.5}
    assert rule.audience == ("rep", "lead") and rule.gate is None
    assert (rule.measure_field, rule.measure_worse) == ("gap", "up")
    assert kb.lexicons.functions["logistics"].words == ("仓库", "物流")  # shared words are fine
    assert kb.lexicons.discouraged == ("完不成", "no way")


def _rule(d: dict[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = d["rules.yaml"]["rules"]["goal.pace"]
    return rule


def _prompt(d: dict[str, Any]) -> dict[str, Any]:
    prompt: dict[str, Any] = d["prompts.yaml"]["prompts"]["goal.pace"]
    return prompt


def _rename_rule(d: dict[str, Any], new: str) -> None:
    d["rules.yaml"]["rules"][new] = d["rules.yaml"]["rules"].pop("goal.pace")
    d["prompts.yaml"]["prompts"][new] = d["prompts.yaml"]["prompts"].pop("goal.pace")


Breakage = Callable[[dict[str, Any]], None]
BROKEN: list[tuple[str, Breakage, str]] = [
    (
        "id without category",
        lambda d: _rename_rule(d, "pace"),
        r"rules\.yaml: rules\.pace: .*category\.name",
    ),
    (
        "id prefix differs",
        lambda d: _rename_rule(d, "execution.pace"),
        "prefix 'execution' is not its category",
    ),
    (
        "unknown category",
        lambda d: _rule(d).update(category="sales"),
        "goal.pace.category: unknown value 'sales'",
    ),
    ("unknown subject", lambda d: _rule(d).update(subject="org"), "subject: unknown value"),
    (
        "unknown audience",
        lambda d: _rule(d).update(audience=["rep", "boss"]),
        r"audience\[1\]: unknown value 'boss'",
    ),
    (
        "empty audience",
        lambda d: _rule(d).update(audience=[]),
        "audience: expected a non-empty list",
    ),
    ("unknown severity", lambda d: _rule(d).update(severity="critical"), "severity: unknown value"),
    (
        "threshold not a number",
        lambda d: _rule(d)["thresholds"].update(factor="2x"),
        "thresholds.factor: expected a number",
    ),
    (
        "threshold a boolean",
        lambda d: _rule(d)["thresholds"].update(factor=True),
        "thresholds.factor: expected a number",
    ),
    (
        "measure not evidence",
        lambda d: _rule(d).update(measure={"field": "pace", "worse": "up"}),
        "measure.field",
    ),
    (
        "measure direction",
        lambda d: _rule(d).update(measure={"field": "gap", "worse": "sideways"}),
        "measure.worse",
    ),
    (
        "gate not a threshold",
        lambda d: _rule(d).update(gate="team_pace"),
        "gate: 'team_pace' is not one",
    ),
    ("reserved evidence", lambda d: _rule(d).update(evidence=["gap", "name"]), "reserved"),
    ("unknown source", lambda d: _rule(d).update(source="方法 · 方法九"), "no source or alias"),
    (
        "missing audience prompt",
        lambda d: _prompt(d).pop("lead"),
        r"prompts\.yaml: prompts\.goal\.pace\.lead: missing prompt",
    ),
    (
        "missing language",
        lambda d: _prompt(d)["rep"].pop("en"),
        r"prompts\.goal\.pace\.rep\.en: missing",
    ),
    (
        "empty prompt",
        lambda d: _prompt(d)["rep"].update(zh="  "),
        "rep.zh: expected non-empty text",
    ),
    (
        "placeholder not evidence",
        lambda d: _prompt(d)["lead"].update(en="{name} is at {pace}."),
        r"\['pace'\] are not in the rule's evidence",
    ),
    (
        "metric not in evidence",
        lambda d: _prompt(d)["rep"].update(zh="{metric}还差 {gap}。"),
        r"\['metric'\]",
    ),
    (
        "unbalanced open brace",
        lambda d: _prompt(d)["rep"].update(en="{gap to go."),
        "malformed braces",
    ),
    (
        "unbalanced close brace",
        lambda d: _prompt(d)["rep"].update(en="gap} to go."),
        "malformed braces",
    ),
    ("format spec", lambda d: _prompt(d)["rep"].update(en="{gap:.0f} to go."), "malformed braces"),
    ("empty placeholder", lambda d: _prompt(d)["rep"].update(en="{} to go."), "malformed braces"),
    ("no Chinese in zh", lambda d: _prompt(d)["rep"].update(zh="{gap} to go."), "has no Chinese"),
    ("Chinese in en", lambda d: _prompt(d)["rep"].update(en="还差 {gap}。"), "contains Chinese"),
    (
        "audience the rule lacks",
        lambda d: _prompt(d).update(manager={"zh": "经理。", "en": "Manager."}),
        "not audiences of this rule",
    ),
    ("missing title", lambda d: _prompt(d).pop("title"), r"goal\.pace\.title: missing"),
    (
        "title in one language",
        lambda d: _prompt(d).update(title={"zh": "太慢"}),
        r"title\.en: missing",
    ),
    ("unknown method", lambda d: _prompt(d).update(draws_on="method9"), "no method or principle"),
    (
        "prompt for no rule",
        lambda d: d["prompts.yaml"]["prompts"].update({"goal.ghost": {}}),
        "goal.ghost: a prompt for a rule that does not exist",
    ),
    (
        "rule without prompts",
        lambda d: d["prompts.yaml"]["prompts"].pop("goal.pace"),
        "missing: every rule needs its prompts",
    ),
    (
        "a category missing",
        lambda d: d["categories.yaml"]["categories"].pop("process"),
        "expected exactly",
    ),
    (
        "category without source",
        lambda d: d["categories.yaml"]["categories"]["goal"].pop("source"),
        r"categories\.goal\.source",
    ),
    (
        "source without passage",
        lambda d: d["categories.yaml"]["methods"]["method1"].update(source="方法"),
        "article section",
    ),
    (
        "upper-case word",
        lambda d: d["lexicons.yaml"]["functions"]["warehouse"]["words"].update(en=["Stock"]),
        "lower-case",
    ),
    (
        "function without words",
        lambda d: d["lexicons.yaml"]["functions"]["warehouse"].update(words={}),
        "at least one word",
    ),
    (
        "no discouraged words",
        lambda d: d["lexicons.yaml"].update(discouraged={"zh": []}),
        "discouraged: at least one word",
    ),
    ("a document missing", lambda d: d.pop("lexicons.yaml"), "missing documents"),
]


@pytest.mark.parametrize(
    ("breakage", "message"), [(b, m) for _, b, m in BROKEN], ids=[n for n, _, _ in BROKEN]
)
def test_broken_knowledge_is_caught(breakage: Breakage, message: str) -> None:
    documents = copy.deepcopy(_small())
    breakage(documents)
    with pytest.raises(KnowledgeError, match=message):
        parse(documents)


def test_a_broken_real_file_is_caught() -> None:
    documents = read_documents()
    rule_id = next(iter(documents["prompts.yaml"]["prompts"]))
    audience = documents["rules.yaml"]["rules"][rule_id]["audience"][0]
    documents["prompts.yaml"]["prompts"][rule_id][audience]["en"] += " {nothing}"
    with pytest.raises(KnowledgeError, match=re.escape(f"prompts.{rule_id}.{audience}.en")):
        parse(documents)


def test_audiences_are_known() -> None:
    for rule in RULES:
        assert set(rule.audience) <= set(AUDIENCES)
