"""Bulk reading for `execoach parse --jsonl`: one JSON value a line in, one result a line out."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from bot.clock import BadTimezoneError, local_today, parse_day
from bot.i18n import Lang, guess_lang, t
from bot.report_parser import parse_report
from bot.report_view import report_to_json

MAX_LINE = 64 * 1024  # bytes; a longer line is answered with an error and skipped


@dataclass(frozen=True, slots=True)
class Defaults:
    """What the command-line flags say, before a line overrides them."""

    today: dt.date | None
    timezone: str | None
    lang: Lang | None


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_line(line: str, defaults: Defaults) -> dict[str, Any]:
    """Reads one line of --jsonl input; a bad line gives {"error": …} and never raises."""
    lang: Lang = defaults.lang or "en"
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
                return {"error": t("cli.error.bad_date", lang, value=_short(value["today"]))}
    else:
        text = value
    if not isinstance(text, str):
        return {"error": t("parse.error.bad_value", lang)}
    try:
        day = local_today(tz) if today is None else today
        if tz is not None:
            local_today(tz)
    except BadTimezoneError:
        return {"error": t("cli.error.bad_tz", lang, value=_short(tz))}
    report = parse_report(text, day)
    return report_to_json(report, defaults.lang or guess_lang(text))


def read_lines(stream: BinaryIO, defaults: Defaults) -> Iterator[str]:
    """Reads every line of a byte stream in order, yielding one JSON result per line.

    Lines are read with a bounded size and decoded one by one, so a huge line or
    bytes that are not UTF-8 cost that line an error and nothing else.
    """
    lang: Lang = defaults.lang or "en"
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                raw = stream.readline(MAX_LINE + 1)
            result: dict[str, Any] = {"error": t("parse.error.too_long", lang, limit=MAX_LINE)}
        else:
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                result = {"error": t("parse.error.not_utf8", lang)}
            else:
                try:
                    result = read_line(line, defaults)
                except Exception as exc:  # a reader bug must not stop a bulk run
                    result = {"error": t("parse.error.internal", lang, reason=type(exc).__name__)}
        yield json.dumps(result, ensure_ascii=False)
