"""A local Bot API–compatible server for tests and demos (see :mod:`bot.sandbox.server`)."""

from bot.sandbox.limits import RateLimits
from bot.sandbox.server import Sandbox

__all__ = ["RateLimits", "Sandbox"]
