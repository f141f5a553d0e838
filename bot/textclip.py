"""Shortening quoted text for display: cut between words (or Chinese characters), then "…"."""

from __future__ import annotations

ELLIPSIS = "…"
_TRIM = " \t\n,，、;；:：-—–(（"


def _in_word(ch: str) -> bool:
    """A character that belongs to a spaced word (Latin letters, digits), not to CJK text."""
    return (ch.isalnum() and ord(ch) < 0x2E80) or ch in "'’"


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: whole when it fits, else cut at a word
    boundary (any place between Chinese characters is one) and ended with "…".

    A single word longer than half the room is cut inside, so something is always shown."""
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS), 1)
    cut = room
    if _in_word(text[cut - 1]) and _in_word(text[cut]):
        while cut > 0 and _in_word(text[cut - 1]):
            cut -= 1
        if cut < room // 2:
            cut = room
    head = text[:cut].rstrip(_TRIM) or text[:room]
    return head + ELLIPSIS
