"""The docs stay honest: every command documented, every documented command real."""

from __future__ import annotations

import argparse
import re

from bot.cli import build_parser
from bot.i18n import LANGS, catalogue
from tests.conftest import REPO


def _commands() -> set[str]:
    parser = build_parser()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(subs[0].choices)


def test_every_command_is_in_the_readme_and_the_reference() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    reference = (REPO / "docs" / "commands.md").read_text("utf-8")
    for name in _commands():
        assert f"`execoach {name}" in readme, name
        assert f"## `execoach {name}`" in reference, name


def test_every_documented_command_exists() -> None:
    reference = (REPO / "docs" / "commands.md").read_text("utf-8")
    documented = set(re.findall(r"^## `execoach (\w+)`", reference, re.M))
    assert documented == _commands()


def test_every_command_has_help_text() -> None:
    parser = build_parser()
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in subs._choices_actions}
    for name in _commands():
        assert helps.get(name), name


def test_every_message_exists_in_both_languages() -> None:
    keys = {lang: set(catalogue(lang)) for lang in LANGS}
    assert keys["zh"] == keys["en"], keys["zh"] ^ keys["en"]
    for lang in LANGS:
        for key, text in catalogue(lang).items():
            assert text.strip(), (lang, key)


def test_placeholders_match_across_languages() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    for key, text in en.items():
        assert set(re.findall(r"\{(\w+)", text)) == set(re.findall(r"\{(\w+)", zh[key])), key


def test_every_rule_and_threshold_is_documented() -> None:
    from knowledge.rulebase import rule_defs

    doc = (REPO / "docs" / "rules.md").read_text("utf-8")
    rows = {m[0]: m[1] for m in re.findall(r"^\| `(\w+\.\w+)` \|(.*)$", doc, re.M)}
    assert set(rows) == set(rule_defs())
    for rule_id, definition in rule_defs().items():
        documented = {k: float(v) for k, v in re.findall(r"`(\w+)` = ([0-9.]+)", rows[rule_id])}
        assert documented == {k: float(v) for k, v in definition.thresholds.items()}, rule_id
