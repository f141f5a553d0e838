"""Who and what a question names: people, teams, regions, channels, products.

Pure: a `Directory` is built from plain entries (the caller reads them from the
repository) and finds names in a question's text: full names, given names,
小张 / 老张 / 张总, a surname alone, English first names (with a typo), team
names and ids, and the region / channel / product values of the targets.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from pypinyin import Style, lazy_pinyin, pinyin

from knowledge.questions import question_words

_CJK = re.compile(r"[\u3400-\u9fff]")
_TITLES = ("总", "经理", "主管", "组长", "姐", "哥", "老师")
_EN_STOP = frozenset({"he", "she", "an", "so", "do", "go", "me", "us", "we", "it", "on", "in"})
_EN_STOP |= frozenset({"how", "who", "top", "new", "all", "any", "the", "and", "for", "sales"})


@dataclass(frozen=True, slots=True)
class Entry:
    """Something a question can name: a person, a team, or a dimension value."""

    id: str  # person id, team id, or "region:华东" / "channel:KA" / "product:饮料"
    kind: str  # person | team | region | channel | product
    name: str
    team_id: str | None = None
    people: tuple[str, ...] = ()  # for a dimension value: whose targets carry it


@dataclass(frozen=True, slots=True)
class Hit:
    """A name found in the text: where, as written, and who it may be."""

    begin: int
    stop: int
    written: str
    candidates: tuple[str, ...]  # entry ids; more than one means "which one?"
    strong: bool = True


@dataclass
class Directory:
    """The names of an organisation, compiled for look-up."""

    entries: dict[str, Entry] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)  # strong alias -> ids
    weak: dict[str, set[str]] = field(default_factory=dict)  # surname alone -> ids
    first_names: dict[str, set[str]] = field(default_factory=dict)  # for typo matching
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> Directory:
        directory = cls()
        for entry in entries:
            directory.entries[entry.id] = entry
            directory._add_entry(entry)
        words = sorted({*directory.aliases, *directory.weak}, key=len, reverse=True)
        directory._pattern = re.compile("|".join(_alias_re(w) for w in words) or r"(?!x)x")
        return directory

    def _alias(self, word: str, entry_id: str, weak: bool = False) -> None:
        word = word.strip().lower()
        if not word:
            return
        (self.weak if weak else self.aliases).setdefault(word, set()).add(entry_id)

    def _add_entry(self, entry: Entry) -> None:
        name = entry.name.strip()
        self._alias(name, entry.id)
        if entry.kind == "team":
            self._alias(entry.id, entry.id) if entry.id.isascii() and len(entry.id) > 1 else None
            short = re.sub(r"(?i)\s*(team|squad|组|团队|小组|队)$", "", name).strip()
            if short and short != name and len(short) > 1:
                self._alias(short, entry.id)
            return
        if entry.kind != "person":
            return
        if _CJK.search(name) and 2 <= len(name) <= 4 and " " not in name:
            surname, given = name[0], name[1:]
            if len(given) >= 2:
                self._alias(given, entry.id)
            for prefix in question_words().name_prefixes:
                self._alias(prefix + surname, entry.id)
                if len(given) == 1:
                    self._alias(prefix + given, entry.id)
            for title in _TITLES:
                self._alias(surname + title, entry.id)
            self._alias(surname, entry.id, weak=True)
            if len(given) == 1:
                self._alias(given, entry.id, weak=True)
            self._add_pinyin(surname, given, entry.id)
            return
        parts = [p for p in re.split(r"\s+", name.lower()) if p]
        if parts and len(parts[0]) >= 2 and parts[0] not in _EN_STOP:
            self._alias(parts[0], entry.id)
            self.first_names.setdefault(parts[0], set()).add(entry.id)
        for part in parts[1:]:
            if len(part) >= 3 and part not in _EN_STOP:
                self._alias(part, entry.id, weak=True)

    def _add_pinyin(self, surname: str, given: str, entry_id: str) -> None:
        """张伟 as typed on an English keyboard: zhang wei, zhangwei, Wei Zhang, xiao zhang;
        the surname (zhang) and a one-syllable given name (wei) alone are weak, and
        never when they are also an English word ("he" for 何)."""
        given_py = [s for s in lazy_pinyin(given, style=Style.NORMAL) if s.isascii()]
        if not given_py:
            return
        g_join, g_space = "".join(given_py), " ".join(given_py)
        for sur in _surname_readings(surname):
            for full in {f"{sur} {g_space}", f"{sur}{g_join}", f"{sur} {g_join}"}:
                self._alias(full, entry_id)
            for full in {f"{g_space} {sur}", f"{g_join} {sur}"}:
                self._alias(full, entry_id)
            self.first_names.setdefault(f"{sur}{g_join}", set()).add(entry_id)
            for prefix in question_words().name_prefixes:
                for reading in lazy_pinyin(prefix, style=Style.NORMAL):
                    self._alias(f"{reading} {sur}", entry_id)
                    self._alias(f"{reading}{sur}", entry_id)
            if sur not in english_words():
                self._alias(sur, entry_id, weak=True)
        if len(given_py) >= 2:
            self._alias(g_join, entry_id)
            self._alias(g_space, entry_id)
        elif g_join not in english_words():
            self._alias(g_join, entry_id, weak=True)

    def find(self, text: str) -> list[Hit]:
        """The names in `text` (lower-case), longest first where they overlap."""
        assert self._pattern is not None
        hits: list[Hit] = []
        blocked = _blocked_spans(text)
        for m in self._pattern.finditer(text):
            word = m.group(0)
            begin, stop = m.span()
            if any(b <= begin and stop <= e for b, e in blocked):
                continue
            if word in self.aliases:
                hits.append(Hit(begin, stop, word, tuple(sorted(self.aliases[word]))))
            elif _standalone(text, begin, stop):
                hits.append(Hit(begin, stop, word, tuple(sorted(self.weak[word])), strong=False))
        return hits + self._typos(text, hits)

    def _typos(self, text: str, hits: Sequence[Hit]) -> list[Hit]:
        """English first names written with one slip ("amyy", "mkie")."""
        out: list[Hit] = []
        for m in re.finditer(r"[a-z]{4,}", text):
            if any(h.begin <= m.start() < h.stop for h in hits) or m.group(0) in _EN_STOP:
                continue
            close = difflib.get_close_matches(m.group(0), self.first_names, n=1, cutoff=0.8)
            if close:
                ids = tuple(sorted(self.first_names[close[0]]))
                out.append(Hit(m.start(), m.end(), m.group(0), ids, strong=False))
        return out


def _surname_readings(surname: str) -> list[str]:
    """Every reading of a surname character (曾: zeng and ceng), ü typed as v or u."""
    readings = [r for group in pinyin(surname, style=Style.NORMAL, heteronym=True) for r in group]
    out: list[str] = []
    for reading in readings:
        for form in (reading, reading.replace("v", "u"), reading.replace("v", "yu")):
            if form.isascii() and form.isalpha() and form not in out:
                out.append(form)
    return out


# pinyin syllables that are English words a question may hold ("how is he", "how long")
_EN_PINYIN = frozenset(
    [
        "a",
        "an",
        "ban",
        "bin",
        "die",
        "fan",
        "gang",
        "hang",
        "he",
        "hen",
        "long",
        "man",
        "men",
        "pan",
        "pin",
        "ran",
        "she",
        "sun",
        "tan",
        "tie",
        "you",
        "ma",
        "me",
        "mi",
        "ha",
        "hu",
        "lie",
        "pen",
        "shi",
        "ting",
        "wan",
        "yin",
        "ye",
        "bang",
        "dang",
        "gun",
        "lu",
        "nu",
    ]
)


@cache
def english_words() -> frozenset[str]:
    """English words of questions (knowledge/questions.yaml) and common ones: a single
    pinyin syllable that is one of these is never read as a name."""
    w = question_words()
    pools = [c.word for c in w.cues] + list(w.question + w.self_words + w.we_words)
    pools += list(w.everyone + w.best + w.worst + w.english_words)
    for group in (*w.categories.values(), *w.metrics.values(), *w.dimensions.values()):
        pools += list(group)
    words = {tok for phrase in pools for tok in re.findall(r"[a-z]+", phrase)}
    return frozenset(words | _EN_PINYIN | _EN_STOP)


def _alias_re(word: str) -> str:
    body = re.escape(word).replace(r"\ ", r"\s+")
    if word[:1].isascii():
        body = r"(?<![a-z0-9])" + body
    if word[-1:].isascii():
        body = body + r"(?![a-z0-9])"
    return body


_AFTER_OK = "呢的这本上今昨最还怎现目业进情销回拜啥咋有近这个月周季差能是要都和跟与,，?？ 吗么"
_BEFORE_OK = "看查问说和跟与比给帮找把让叫,，:： 的"


def _standalone(text: str, begin: int, stop: int) -> bool:
    """A surname alone counts as a name at the edges of the text or between particles."""
    before = text[begin - 1] if begin > 0 else ""
    after = text[stop] if stop < len(text) else ""
    ok_before = not before or not _CJK.search(before) or before in _BEFORE_OK
    ok_after = not after or not _CJK.search(after) or after in _AFTER_OK
    if text[begin:stop].isascii():
        return True
    return ok_before and ok_after


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    """Places where a common word holds a surname (如何, 陈列, 本周 …)."""
    spans: list[tuple[int, int]] = []
    for word in question_words().not_names:
        start = text.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return spans
