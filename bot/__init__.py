"""execoach: an execution coach for field sales teams that lives in Telegram."""

__version__ = "0.1.0"
