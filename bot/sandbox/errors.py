"""Bot API errors as Telegram sends them: an HTTP status plus a JSON body."""

from __future__ import annotations

import math
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A Bot API failure; the HTTP status equals ``error_code``, never 200."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        """Return the body Telegram sends with this error."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """Return a 400 ``Bad Request: <detail>``."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Return a 403 ``Forbidden: <detail>``."""
    return ApiError(403, f"Forbidden: {detail}")


def conflict(detail: str) -> ApiError:
    """Return a 409 ``Conflict: <detail>``."""
    return ApiError(409, f"Conflict: {detail}")


def not_found() -> ApiError:
    """Return the 404 Telegram gives for unknown methods and malformed tokens."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """Return the 401 Telegram gives for a well-formed token it does not know."""
    return ApiError(401, "Unauthorized")


def too_many_requests(wait_seconds: float) -> ApiError:
    """Return a 429 with ``retry_after`` in whole seconds (at least 1)."""
    retry_after = max(1, math.ceil(wait_seconds))
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def server_error(status: int, description: str | None = None) -> ApiError:
    """Return an injected failure with a Telegram-looking body."""
    if status == 429:
        return too_many_requests(1)
    phrases = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    return ApiError(status, description or phrases.get(status, f"Error {status}"))
