"""Every user-facing string goes through here: one YAML catalogue per language."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

import yaml

Lang = Literal["zh", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh", "en")
DEFAULT_LANG: Final[Lang] = "en"

_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    """Loads the flat key → template catalogue of one language.

    A language's catalogue is every `locales/<lang>/*.yaml` file merged; a key
    defined twice is an error, so two areas of the product cannot collide.
    """
    merged: dict[str, str] = {}
    folder = resources.files("bot").joinpath("locales", lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text("utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"locales/{lang}/{entry.name} is not a mapping")
        for key, value in data.items():
            if key in merged:
                raise ValueError(f"locales/{lang}: key {key!r} defined twice")
            merged[str(key)] = str(value)
    return merged


def normalise_lang(value: str | None) -> Lang:
    """Maps a language code ('zh-hans', 'en-US', None …) to a supported language."""
    if value and value.lower().startswith("zh"):
        return "zh"
    return "en" if value else DEFAULT_LANG


def guess_lang(text: str) -> Lang:
    """Chinese when the text has Chinese characters, else English."""
    return "zh" if _CJK.search(text) else "en"


def t(key: str, lang: Lang, **params: Any) -> str:
    """Renders the message `key` in `lang`, filling `{placeholders}` from params."""
    template = catalogue(lang).get(key)
    if template is None:
        template = catalogue(DEFAULT_LANG).get(key, key)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
