"""Telegram's sending limits (answered with 429) and injected faults for tests."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RateLimits:
    """The limits Telegram documents for bots, as token buckets."""

    overall_per_second: float = 30.0
    overall_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20


class _Bucket:
    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate = rate
        self.capacity = float(capacity)
        self.tokens = float(capacity)
        self.stamp = now

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self) -> float:
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Counts messages sent by the bot; ``check`` says how long to wait, 0 when allowed."""

    def __init__(self, limits: RateLimits | None = None, *, enabled: bool = False) -> None:
        self.enabled = enabled
        self.limits = limits or RateLimits()
        self._overall: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}

    def configure(self, *, enabled: bool, limits: RateLimits | None = None) -> None:
        """Switch limits on or off (and optionally change them); buckets start full."""
        self.enabled = enabled
        if limits is not None:
            self.limits = limits
        self._overall = None
        self._chats.clear()

    def check(self, chat_id: int, is_private: bool, now: float | None = None) -> float:
        """Take one message from the buckets; return seconds to wait when refused."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        limits = self.limits
        if self._overall is None:
            self._overall = _Bucket(limits.overall_per_second, limits.overall_burst, now)
        chat = self._chats.get(chat_id)
        if chat is None:
            if is_private:
                chat = _Bucket(limits.private_per_second, limits.private_burst, now)
            else:
                chat = _Bucket(limits.group_per_minute / 60.0, limits.group_burst, now)
            self._chats[chat_id] = chat
        self._overall.refill(now)
        chat.refill(now)
        wait = max(self._overall.wait(), chat.wait())
        if wait > 0:
            return wait
        self._overall.tokens -= 1
        chat.tokens -= 1
        return 0.0


@dataclass
class Fault:
    """One injected failure: an error status, or a dropped connection."""

    count: int
    status: int = 500
    description: str | None = None
    drop: bool = False
    after_processing: bool = False
    methods: frozenset[str] | None = None

    def matches(self, method: str) -> bool:
        """Tell whether this fault applies to ``method`` (case-insensitive)."""
        return self.methods is None or method.lower() in self.methods


@dataclass
class Faults:
    """Queued faults, consumed in order by matching Bot API requests."""

    queue: list[Fault] = field(default_factory=list)
    drop_all: bool = False

    def add(
        self,
        count: int,
        *,
        status: int = 500,
        description: str | None = None,
        drop: bool = False,
        after_processing: bool = False,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Queue ``count`` failures for the next matching requests."""
        if count <= 0:
            return
        wanted = frozenset(m.lower() for m in methods) if methods is not None else None
        self.queue.append(Fault(count, status, description, drop, after_processing, wanted))

    def take(self, method: str) -> Fault | None:
        """Consume and return the first fault matching ``method``, if any."""
        if self.drop_all:
            return Fault(1, drop=True)
        for fault in self.queue:
            if fault.matches(method):
                fault.count -= 1
                if fault.count <= 0:
                    self.queue.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Forget every queued fault and stop dropping connections."""
        self.queue.clear()
        self.drop_all = False
