"""Bulk reading for `execoach parse --jsonl`: one JSON value a line in, one result a line out."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.clock import BadTimezoneError, local_today, parse_day
from bot.i18n import Lang, guess_lang, t
from bot.report_parser import parse_report
from bot.report_view import report_to_json

MAX_LINE = 64 * 1024


@dataclass(frozen=True, slots=True)
class Defaults:
    """What the command-line flags say, before a line overrides them."""

    today: dt.date | None
    timezone: str | None
    lang: Lang | None


def read_line(line: str, defaults: Defaults) -> dict[str, Any]:
    """Reads one line of --jsonl input; a bad line gives {"error": …} and never raises."""
    lang: Lang = defaults.lang or "en"
    if len(line) > MAX_LINE:
        return {
            "error": t("cli.error.bad_input", lang, reason=f"line longer than {MAX_LINE} bytes")
        }
    if not line.strip():
        return {"error": t("parse.error.empty_line", lang)}
    try:
        value = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        return {"error": t("parse.error.not_json", lang, reason=str(exc)[:120])}
    today, tz = defaults.today, defaults.timezone
    if isinstance(value, dict):
        text = value.get("text")
        if "timezone" in value:
            if not isinstance(value["timezone"], str):
                return {
                    "error": t(
                        "parse.error.bad_field", lang, field="timezone", expected="an IANA name"
                    )
                }
            tz = value["timezone"]
        if "today" in value:
            try:
                today = parse_day(value["today"])
            except (ValueError, TypeError):
                return {"error": t("cli.error.bad_date", lang, value=str(value["today"])[:40])}
    else:
        text = value
    if not isinstance(text, str):
        return {"error": t("parse.error.bad_value", lang)}
    try:
        day = local_today(tz) if today is None else today
        if tz is not None:
            local_today(tz)
    except BadTimezoneError:
        return {"error": t("cli.error.bad_tz", lang, value=str(tz)[:64])}
    report = parse_report(text, day)
    return report_to_json(report, defaults.lang or guess_lang(text))


def read_lines(lines: Iterable[str], defaults: Defaults) -> Iterator[str]:
    """Reads every line in order, yielding one JSON result per line."""
    for line in lines:
        try:
            result = read_line(line.rstrip("\n"), defaults)
        except Exception as exc:  # a reader bug must not stop a bulk run
            result = {"error": f"internal error: {type(exc).__name__}"}
        yield json.dumps(result, ensure_ascii=False)
