"""Dividing a report into results, blockers and next steps, and splitting items."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.report_parser.lexicon import Lexicon

Kind = Literal["results", "blockers", "next_steps"]


@dataclass(frozen=True, slots=True)
class Region:
    """A stretch of the (normalised, folded) text and what it holds."""

    kind: Kind
    start: int
    end: int
    inline: bool = True  # the section's content began on the header's own line


_SENTENCE_END = re.compile(r"[。!！?？\n]|\.(?!\d)(?=\s|$)")
_BULLET = re.compile(
    r"^\s*(?:[-*•·●○▪◦→>]+|\d{1,2}\s?[.、)）:](?!\d)|[(（]\d{1,2}[)）]|[①-⑳]|[一二三四五六七八九十]{1,2}[、.])\s*"
)
_INLINE_MARK = re.compile(
    r"(?:(?<=^)|(?<=[\s，,；;。]))(?:\d{1,2}[、)）]|\d{1,2}\.(?!\d)|[(（]\d{1,2}[)）]|[①-⑳])\s*"
)
_SPLIT = re.compile(r"[；;]")
MAX_ITEM = 200  # characters: a blocker or a next step is a line, not an essay
_TRIM = " \t\n。.;；,，、:：-—–"
_NOTHING = {
    "无",
    "没有",
    "暂无",
    "没",
    "无问题",
    "没问题",
    "没有问题",
    "如下",
    "以下",
    "none",
    "no",
    "nil",
    "n/a",
    "na",
    "nothing",
    "as follows",
    "below",
    "-",
    "",
}
_PRESENT_WORD = re.compile(r"今天|今日|昨天|昨日|(?<![a-z])(?:today|yesterday)(?![a-z])")


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _results_line(text: str, start: int, end: int, lex: Lexicon) -> bool:
    """A line that reads like a figure ("销售额：2万", "Visits: 11")."""
    line = text[start:end]
    m = lex.keyword_re.match(line.lstrip())
    return bool(m and re.match(r"\s*[:：=]\s*[-¥$]?\d", line.lstrip()[m.end() :]))


def split_regions(text: str, lex: Lexicon) -> list[Region]:
    """Splits folded text into regions: results, blocker sections, next-step sections."""
    headers = list(lex.header_re.finditer(text))
    regions: list[Region] = []
    cursor = 0
    for index, h in enumerate(headers):
        if h.start() < cursor:
            continue
        word = re.sub(r"\s+", " ", h["word"] or h["bword"])
        kind: Kind = "blockers" if lex.header_kind.get(word) == "blockers" else "next_steps"
        limit = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        content_start = h.end()
        eol = _line_end(text, content_start)
        inline = bool(text[content_start:eol].strip())
        if inline:
            end = min(eol, limit)
            end = _cut_returning_sentence(text, content_start, end, kind, lex)
            # bulleted lines right under an inline header still belong to it
            while end == eol and end < limit:
                nxt = _line_end(text, end + 1)
                if not _BULLET.match(text[end + 1 : nxt]) or not text[end + 1 : nxt].strip():
                    break
                end = eol = nxt
        else:
            end = content_start
            pos = content_start
            seen_item = False
            while pos < limit:
                line_start = pos + 1 if text[pos : pos + 1] == "\n" else pos
                line_end = min(_line_end(text, line_start), limit)
                line = text[line_start:line_end]
                if not line.strip():
                    if seen_item:
                        break
                elif (
                    _results_line(text, line_start, line_end, lex) and not _BULLET.match(line)
                ) or _PRESENT_WORD.match(line.lstrip()):
                    break
                else:
                    seen_item = True
                    end = line_end
                if line_end >= limit:
                    break
                pos = line_end
        if h.start() > cursor:
            regions.append(Region("results", cursor, h.start()))
        regions.append(Region(kind, content_start, end, inline))
        cursor = max(end, h.end())
    if cursor < len(text):
        regions.append(Region("results", cursor, len(text)))
    return _with_openers(text, regions, lex)


def _cut_returning_sentence(text: str, start: int, end: int, kind: Kind, lex: Lexicon) -> int:
    """Ends an inline section where a later sentence reads as results again."""
    first = True
    pos = start
    while pos < end:
        m = _SENTENCE_END.search(text, pos, end)
        stop = m.end() if m else end
        sentence = text[pos:stop]
        if not first and sentence.strip():
            if _PRESENT_WORD.search(sentence):
                return pos
            k = lex.keyword_re.match(sentence.lstrip())
            if kind == "blockers" and k and re.search(r"\d", sentence):
                return pos
        if sentence.strip():
            first = False
        pos = stop
    return end


def _with_openers(text: str, regions: list[Region], lex: Lexicon) -> list[Region]:
    """Turns results sentences that open with 明天 / Tomorrow / I will … into next steps."""
    out: list[Region] = []
    for region in regions:
        if region.kind != "results":
            out.append(region)
            continue
        cursor = region.start
        for m in lex.opener_re.finditer(text, region.start, region.end):
            if m.start() < cursor:
                continue
            stop = _SENTENCE_END.search(text, m.end(), region.end)
            end = stop.start() if stop else region.end
            if m.start() > cursor:
                out.append(Region("results", cursor, m.start()))
            out.append(Region("next_steps", m.start("word"), end))
            cursor = end
        if cursor < region.end:
            out.append(Region("results", cursor, region.end))
    return out


def split_items(content: str) -> list[str]:
    """Splits a section's content into items: lines, bullets, numbering, semicolons."""
    items: list[str] = []
    for line in content.split("\n"):
        line = _BULLET.sub("", line, count=1)
        marks = list(_INLINE_MARK.finditer(line))
        if len(marks) >= 2:
            bounds = [m.start() for m in marks[1:]] + [len(line)]
            pieces = [line[: marks[0].start()]]
            pieces += [line[m.end() : bound] for m, bound in zip(marks, bounds, strict=True)]
        else:
            pieces = _SPLIT.split(line)
        for piece in pieces:
            item = _BULLET.sub("", piece, count=1).strip(_TRIM)
            if item and item.lower() not in _NOTHING:
                items.append(item if len(item) <= MAX_ITEM else item[: MAX_ITEM - 1] + "…")
    return items


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence spans of text[start:end] (split at 。!? newlines and full stops)."""
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        m = _SENTENCE_END.search(text, pos, end)
        stop = m.start() if m else end
        if text[pos:stop].strip():
            spans.append((pos, stop))
        pos = (m.end() if m else end) if m else end
    return spans
