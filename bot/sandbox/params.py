"""Request parameters as the Bot API reads them: query string, form, JSON or multipart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import JSON, bad_request

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart body."""

    filename: str
    content_type: str
    body: bytes


class Params:
    """The parameters of one Bot API call, with Telegram-like errors for bad values."""

    def __init__(self, values: JSON, files: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def present(self, name: str) -> bool:
        """Tell whether a non-empty value was given for ``name``."""
        value = self.values.get(name)
        return (value is not None and value != "") or name in self.files

    def text(self, name: str) -> str | None:
        """Return a string parameter (numbers are turned into text), or None."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        """Return an integer parameter, ``default`` when absent."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str, default: float | None = None) -> float | None:
        """Return a float parameter, ``default`` when absent."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str, default: bool = False) -> bool:
        """Return a boolean parameter ("true"/"false" in forms, native in JSON)."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise bad_request(f"invalid {name} specified")

    def structured(self, name: str, what: str | None = None) -> Any:
        """Return a JSON-serialized parameter decoded (objects and arrays), or None."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what or name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> int | str:
        """Return a chat id: an integer or an ``@username``; ``chat_id is empty`` if absent."""
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raw = str(value).strip()
        if raw.startswith("@"):
            return raw
        try:
            return int(raw)
        except ValueError:
            raise bad_request("chat not found") from None

    def upload(self, name: str) -> Upload | str | None:
        """Return the file given for ``name``: an upload, or a file_id / URL string."""
        if name in self.files:
            return self.files[name]
        value = self.text(name)
        if not value:
            return None
        if value.startswith("attach://"):
            attached = self.files.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"wrong file identifier/HTTP URL specified for {name}")
            return attached
        return value

    def for_log(self) -> JSON:
        """Return the parameters in a JSON-safe form, uploads summarized."""
        logged: JSON = dict(self.values)
        for name, upload in self.files.items():
            logged[name] = {
                "filename": upload.filename,
                "content_type": upload.content_type,
                "size": len(upload.body),
            }
        return logged
