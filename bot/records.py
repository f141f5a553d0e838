"""What a record command says (pure): a leading date in plain words, whom it is about,
and who may record for which team."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from bot.report_parser.dates import find_dates
from bot.report_parser.normalise import fold, normalise_width
from bot.store.rows import PersonRow, TeamRow

MAX_TEXT: Final = 1000
MAX_DAYS_BACK: Final = 366
# the bot command → the event kind the mechanism and management rules read
TEAM_KINDS: Final = {
    "meeting": "meeting",
    "training": "training",
    "incentive": "incentive_scheme",
    "revise": "plan_revised",
}
RECORDERS: Final = ("lead", "manager", "admin")

DateProblem = Literal["no_such_date", "future", "too_old"]
_INVISIBLE: Final = ("Cc", "Cf", "Cs", "Zl", "Zp")
_SEP = re.compile(r"^[\s,，;；:：、\-—–]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"^[^\s,，;；:：、]+")


@dataclass(frozen=True, slots=True)
class Dated:
    """A record's text split into its date (today when none is written) and the rest."""

    date: dt.date
    text: str
    problem: DateProblem | None = None


def command_text(message_text: str) -> str:
    """What follows `/command` (or `/command@bot`), line breaks kept, control and
    invisible characters dropped (the person's own punctuation is kept)."""
    rest = re.sub(r"^\s*/\S*", "", message_text, count=1)
    rest = rest.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    kept = (ch for ch in rest if ch == "\n" or unicodedata.category(ch) not in _INVISIBLE)
    return "".join(kept).strip()


def leading_date(text: str, today: dt.date) -> Dated:
    """Reads a date written first ("今天 周会", "3月16日 …", "yesterday: …", "last friday …");
    a written date that is no day, in the future or over a year back is a problem."""
    # width folding maps one character to one, so positions match the text as written
    found = [d for d in find_dates(fold(normalise_width(text)), today) if d.start == 0]
    if not found:
        return Dated(today, text)
    first = found[0]
    rest = _SEP.sub("", text[first.end :])
    if first.date is None:
        return Dated(today, rest, "no_such_date")
    if first.date > today:
        return Dated(first.date, rest, "future")
    if (today - first.date).days > MAX_DAYS_BACK:
        return Dated(first.date, rest, "too_old")
    return Dated(first.date, rest)


def _given(name: str) -> str:
    """The given name: "Amy" of "Amy Chen", "伟" of "张伟"."""
    if _CJK.match(name) and " " not in name.strip():
        return name.strip()[1:] if len(name.strip()) >= 2 else name.strip()
    return name.split()[0] if name.split() else name


def match_people(text: str, people: Sequence[PersonRow]) -> tuple[list[PersonRow], str]:
    """The people the text starts with (full name, given name or part of a name) and
    the rest of the text. A full name needs no space after it ("张伟多跟KA复购")."""
    low = text.casefold()
    whole: list[tuple[int, PersonRow]] = []
    for p in people:
        name = p.name.strip().casefold()
        after = low[len(name) : len(name) + 1]
        if name and low.startswith(name) and not (after.isalnum() and not _CJK.match(after)):
            whole.append((len(name), p))
    if whole:
        longest = max(n for n, _ in whole)
        return [p for n, p in whole if n == longest], _SEP.sub("", text[longest:])
    m = _TOKEN.match(text)
    if not m:
        return [], text
    token = m.group(0).casefold()
    rest = _SEP.sub("", text[m.end() :])
    squeezed = token.replace(" ", "")
    exact = [
        p
        for p in people
        if squeezed in (p.name.casefold().replace(" ", ""), _given(p.name).casefold())
    ]
    if exact:
        return exact, rest
    if len(token) < 2 and not _CJK.search(token):
        return [], text
    return [p for p in people if token in p.name.casefold()], rest


def teams_for(person: PersonRow, teams: Sequence[TeamRow]) -> list[TeamRow]:
    """The teams a person may record for: an admin all, a manager those managed, a lead
    those led."""
    if person.role == "admin":
        return list(teams)
    if person.role == "manager":
        return [t for t in teams if t.manager_id == person.id]
    if person.role == "lead":
        return [t for t in teams if t.lead_id == person.id]
    return []
