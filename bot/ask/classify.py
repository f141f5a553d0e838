"""Report or question? Decided by content and role, never by a question mark alone.

- figures in the text (拜访8家, 3 orders) make it a report for a rep, always;
  for a lead who sells, too — unless it is clearly asked ("张伟今天拜访几家了?"
  with figures in it), then we ask them with a button;
- no figures: a question when question words or an intent's cue are there; a rep's
  text that reads as neither goes on to the report handler (which says so);
- a manager or admin never reports: their text is a question, unless it is plainly
  a report (the report handler then tells them reports come from the field).
"""

from __future__ import annotations

from typing import Literal

from bot.ask.understand import Understanding
from bot.report_parser import ParsedReport

Decision = Literal["question", "report", "unsure"]


def decide(role: str, parsed: ParsedReport, u: Understanding) -> Decision:
    """What the text is, for a person of `role`."""
    figures = bool(parsed.metrics)
    asked = u.asking > 0 and u.intent != "unknown"
    strong = asked and (u.score >= 3 or u.asking >= 2)
    if figures:
        if role == "rep":
            return "report"
        if role == "lead":
            return "unsure" if strong else "report"
        return "question" if strong else "report"
    if role in ("manager", "admin"):
        return "question"
    if u.intent == "unknown":
        return "question" if role == "lead" and u.asking > 0 and not parsed.blockers else "report"
    if parsed.blockers or parsed.next_steps:
        return "question" if strong else "report"
    return "question" if (asked or u.score >= 3) else "report"
