"""Report reading: free text in Chinese or English → date, figures, blockers, next steps."""

from bot.report_parser.lexicon import Lexicon, default_lexicon, team_lexicon
from bot.report_parser.model import Number, ParsedReport, ReportWarning
from bot.report_parser.reader import MAX_CHARS, parse_report

__all__ = [
    "MAX_CHARS",
    "Lexicon",
    "Number",
    "ParsedReport",
    "ReportWarning",
    "default_lexicon",
    "parse_report",
    "team_lexicon",
]
