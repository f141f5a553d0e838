"""parse_report: one report text → date, figures, blockers, next steps, warnings."""

from __future__ import annotations

import datetime as dt
import re

from bot.report_parser.dates import DateMatch, find_dates, leading_date
from bot.report_parser.figures import read_figures
from bot.report_parser.lexicon import Lexicon, default_lexicon
from bot.report_parser.model import Number, ParsedReport, ReportWarning
from bot.report_parser.normalise import fold, normalise, normalise_width
from bot.report_parser.sections import Region, sentences, split_items, split_regions

MAX_CHARS = 8000  # about two full Telegram messages; beyond that is not a daily report
OLD_DAYS = 62


def _blank(chars: list[str], start: int, end: int) -> None:
    chars[start:end] = " " * (end - start)


def _as_number(value: float) -> Number:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else round(value, 2)


def parse_report(text: str, today: dt.date, *, lexicon: Lexicon | None = None) -> ParsedReport:
    """Reads one report as sent on `today` (the sender's local date)."""
    lex = lexicon or default_lexicon()
    warnings: list[ReportWarning] = []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        warnings.append(ReportWarning("parse.warning.truncated", {"limit": MAX_CHARS}))
    simplified = normalise(text)
    folded = fold(simplified)
    # items are given back in the writer's own characters (traditional stays traditional)
    # whenever the conversion kept every position; otherwise in simplified
    own = normalise_width(text)
    shown = own if len(own) == len(simplified) else simplified
    regions = split_regions(folded, lex)
    chars = list(folded)

    report_date: DateMatch | None = None
    for region in regions:
        for found in find_dates(folded[region.start : region.end], today):
            start, end = region.start + found.start, region.start + found.end
            if region.kind == "results" and report_date is None:
                if found.date is None:
                    bad = folded[start:end].strip()
                    warnings.append(ReportWarning("parse.warning.bad_date", {"text": bad[:20]}))
                else:
                    report_date = found
            _blank(chars, start, end)
    if report_date is None:
        first = next((r for r in regions if r.kind == "results"), None)
        if first is not None:
            found_lead = leading_date(folded[first.start : first.end], today)
            if found_lead is not None:
                report_date = found_lead
                _blank(chars, first.start + found_lead.start, first.start + found_lead.end)
    blanked = "".join(chars)

    day = today
    if report_date is not None and report_date.date is not None:
        day = report_date.date
        if day > today:
            warnings.append(ReportWarning("parse.warning.future_date", {"date": day.isoformat()}))
            day = today
        elif (today - day).days > OLD_DAYS:
            warnings.append(ReportWarning("parse.warning.old_date", {"date": day.isoformat()}))

    result_spans = [(r.start, r.end) for r in regions if r.kind == "results"]
    figures = read_figures(blanked, result_spans, lex)
    metrics: dict[str, Number] = {}
    for metric, value in sorted(figures.fractional.items()):
        warnings.append(
            ReportWarning("parse.warning.not_whole", {"metric": metric, "value": _as_number(value)})
        )
    for metric, value in figures.result().items():
        spec = lex.metrics[metric]
        if value < 0:
            warnings.append(
                ReportWarning(
                    "parse.warning.negative", {"metric": metric, "value": _as_number(value)}
                )
            )
        elif value > spec.max:
            warnings.append(
                ReportWarning(
                    "parse.warning.implausible",
                    {"metric": metric, "value": _as_number(value), "max": _as_number(spec.max)},
                )
            )
        else:
            metrics[metric] = _as_number(value)
    ordered = {name: metrics[name] for name in lex.metrics if name in metrics}

    blockers, next_steps = _items(shown, blanked, regions, lex)
    if not ordered:
        warnings.append(ReportWarning("parse.warning.no_figures"))
    return ParsedReport(day, ordered, tuple(blockers), tuple(next_steps), tuple(warnings))


def _items(
    shown: str, blanked: str, regions: list[Region], lex: Lexicon
) -> tuple[list[str], list[str]]:
    blockers: list[str] = []
    next_steps: list[str] = []
    for region in regions:
        if region.kind == "blockers":
            blockers.extend(split_items(shown[region.start : region.end]))
        elif region.kind == "next_steps":
            next_steps.extend(split_items(shown[region.start : region.end]))
        else:  # a sentence with no figures that names a hold-up is a blocker by itself
            for start, end in sentences(blanked, region.start, region.end):
                sentence = blanked[start:end]
                if not lex.cue_re.search(sentence):
                    continue
                if not re.search(r"\d", sentence):
                    blockers.extend(split_items(shown[start:end]))
                    continue
                for c_start, c_end in _clauses(blanked, start, end):  # "8家，客户嫌贵"
                    clause = blanked[c_start:c_end]
                    if lex.cue_re.search(clause) and not re.search(r"\d", clause):
                        blockers.extend(split_items(shown[c_start:c_end]))
    return _unique(blockers), _unique(next_steps)


_CLAUSE_END = re.compile(r"[，；;]|,(?!\d)")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The comma-separated clauses of text[start:end] ("12,000" stays whole)."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _CLAUSE_END.finditer(text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        key = item.casefold()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
