"""Names that match nobody: "how is bob doing", "王芳这个月怎么样" when there is no Bob
and no 王芳. Such a question is about a person, so it must not be answered about the
team: the asker is told who was not found, with the likeliest people as buttons.

Pure: the text (with periods and known names already blanked) in, the strangers out;
and for one stranger, the people of a `Directory` whose names come closest.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pypinyin import Style, lazy_pinyin

from bot.ask.names import Directory, english_words
from knowledge.questions import question_words


@dataclass(frozen=True, slots=True)
class Stranger:
    """A person-like word that names nobody."""

    begin: int
    stop: int
    written: str


_W = r"(?P<w>[a-z][a-z\-]{1,20})"
_EN_SLOTS = tuple(
    re.compile(p)
    for p in (
        # how is bob (doing) · how's bob · what about bob · details for bob
        r"(?<![a-z])(?:how(?:'s|s|z|\s+is|\s+was|\s+has)|what\s+about|what'?s\s+up\s+with|how\s+about"
        r"|(?:details|numbers|figures|progress|status|stats)\s+(?:for|on|of))\s+" + _W,
        # is bob behind · did bob report · has bob reported
        r"(?<![a-z])(?:is|did|has|does|was)\s+" + _W + r"\s+(?:behind|stuck|blocked|on|"
        r"report|reported|reporting|doing|going|hit|make|at|ok|okay|late|struggling)(?![a-z])",
        # bob's numbers
        r"(?<![a-z])" + _W + r"'s\s+[a-z]",
        # bob details · bob (alone, or with only a period around it)
        r"^\s*" + _W + r"(?=\s*$|\s+(?:details|detail|numbers|figures|stats)(?![a-z]))",
    )
)
# what may follow a Chinese name: a particle, a cue, a period word, the end
_ZH_AFTER = (
    r"(?=怎么|怎样|咋|如何|的|呢|最近|这|本|上|今|昨|进度|业绩|情况|表现|还|有|多少|完成|落后|"
    r"拜访|销售|回款|订单|交|报|汇报|目标|差|卡|困难|问题|详|[\s?？,，。!！]|$)"
)
_ZH_BEFORE = r"(?:^|(?<=[\s看查问和跟与比给帮找把让叫,，:：]))"
_ZH_GIVEN = (
    r"[\u4e00-\u9fff](?<![的了呢吗么是在和跟与有还这本上今昨最进业情表怎咋如多完落拜销回交报谁都])"
)


@cache
def _zh_slot() -> re.Pattern[str]:
    surnames = sorted(question_words().surnames, key=len, reverse=True)
    s = "(?:" + "|".join(re.escape(x) for x in surnames) + ")"
    prefixes = "".join(question_words().name_prefixes)
    name = rf"(?:[{prefixes}]{s}|{s}{_ZH_GIVEN}{{1,2}}?)"
    return re.compile(_ZH_BEFORE + rf"(?P<w>{name}){_ZH_AFTER}")


def _not_a_name(word: str) -> bool:
    vocab = english_words()
    if word in vocab or len(word) < 2 or word.replace("-", "").isdigit():
        return True
    # a typo of a known word ("progess") is not a name
    return bool(difflib.get_close_matches(word, vocab, n=1, cutoff=0.8))


def find_strangers(text: str) -> list[Stranger]:
    """The person-like words left in `text` (lower case; known names and periods blanked)."""
    out: list[Stranger] = []
    for pattern in _EN_SLOTS:
        for m in pattern.finditer(text):
            word = m.group("w").strip("-")
            if not _not_a_name(word) and not any(s.begin == m.start("w") for s in out):
                out.append(Stranger(m.start("w"), m.end("w"), word))
    blocked = list(question_words().not_names)
    for m in _zh_slot().finditer(text):
        word = m.group("w")
        if any(word in b or b in text[m.start() : m.end() + 2] for b in blocked):
            continue
        out.append(Stranger(m.start("w"), m.end("w"), word))
    return sorted(out, key=lambda s: s.begin)


def _keys(name: str) -> list[str]:
    """How a name may be written: itself, its first word, its pinyin."""
    low = name.strip().lower()
    keys = [low, *low.split()[:1]]
    if re.search(r"[\u4e00-\u9fff]", low):
        py = lazy_pinyin(low, style=Style.NORMAL)
        keys += ["".join(py), "".join(py[1:])]
    return [k for k in keys if k]


def _written_keys(word: str) -> list[str]:
    keys = [word]
    if re.search(r"[\u4e00-\u9fff]", word):
        prefixes = question_words().name_prefixes
        bare = word[1:] if word[:1] in prefixes else word
        keys += [bare, "".join(lazy_pinyin(bare, style=Style.NORMAL))]
    return keys


def candidates(directory: Directory, word: str, allowed: Iterable[str], n: int = 3) -> list[str]:
    """The people (of `allowed`) whose names come closest to `word`, best first:
    same surname (小王 → 王强), a near spelling (bobb → Bob), the same sound (张薇 → 张伟)."""
    scored: list[tuple[float, str]] = []
    written = _written_keys(word)
    for pid in allowed:
        entry = directory.entries.get(pid)
        if entry is None or entry.kind != "person":
            continue
        best = 0.0
        for key in _keys(entry.name):
            for w in written:
                best = max(best, difflib.SequenceMatcher(None, w, key).ratio())
        bare = written[1] if len(written) > 1 else word
        if re.search(r"[\u4e00-\u9fff]", bare) and entry.name.startswith(bare[:1]):
            best = max(best, 0.7)
        if best >= 0.6:
            scored.append((best, pid))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [pid for _, pid in scored[:n]]
