"""The rule base: facts in, findings out (no Telegram, no SQL).

The diagnostics themselves arrive with the rule-base issue; this package only
fixes the room so that the direction bot → rules → knowledge holds from day one.
"""
