"""The control interface's hands, continued: files, stickers, voice, places, forwards."""

from __future__ import annotations

import copy

from bot.sandbox.errors import JSON
from bot.sandbox.media import image_size
from bot.sandbox.people import People


class OtherMessages(People):
    """Messages other than text: each returns the Message the bot receives."""

    def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        *,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """Upload a file as a document message."""
        stored = self.world.files.add(content, "document", file_name=file_name, mime_type=mime_type)
        body: JSON = {
            "document": {
                "file_name": file_name,
                "mime_type": mime_type,
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(content),
            }
        }
        if caption:
            body.update(self._text_body(caption, "caption"))
        return self._post(user_id, body, "document", chat_id=chat_id, file_id=stored.file_id)

    def send_photo(
        self,
        user_id: int,
        content: bytes,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """Send a photo (bytes of any image; unknown formats count as 1280×960)."""
        width, height = image_size(content) or (1280, 960)
        stored = self.world.files.add(content, "photo", mime_type="image/jpeg")
        stored.width, stored.height = width, height
        body: JSON = {"photo": self.world.files.photo_sizes(stored, width, height)}
        if caption:
            body.update(self._text_body(caption, "caption"))
        return self._post(user_id, body, "photo", chat_id=chat_id, file_id=stored.file_id)

    def send_sticker(self, user_id: int, emoji: str = "👍", *, chat_id: int | None = None) -> JSON:
        """Send a sticker."""
        stored = self.world.files.add(b"RIFF\x00\x00\x00\x00WEBP", "sticker")
        sticker = {
            "width": 512,
            "height": 512,
            "emoji": emoji,
            "set_name": "SandboxStickers",
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        return self._post(user_id, {"sticker": sticker}, "sticker", chat_id=chat_id)

    def send_voice(
        self,
        user_id: int,
        duration: int = 3,
        *,
        content: bytes = b"OggS\x00sandbox-voice",
        chat_id: int | None = None,
    ) -> JSON:
        """Send a voice message."""
        stored = self.world.files.add(content, "voice", mime_type="audio/ogg")
        voice = {
            "duration": int(duration),
            "mime_type": "audio/ogg",
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
        }
        return self._post(user_id, {"voice": voice}, "voice", chat_id=chat_id)

    def send_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> JSON:
        """Share a location."""
        location = {"latitude": float(latitude), "longitude": float(longitude)}
        return self._post(user_id, {"location": location}, "location", chat_id=chat_id)

    def send_raw(self, user_id: int, body: JSON, *, chat_id: int | None = None) -> JSON:
        """Send a message with any other Bot API fields (a contact, a video, …)."""
        return self._post(user_id, copy.deepcopy(body), "other", chat_id=chat_id)

    def forward(
        self,
        user_id: int,
        text: str | None = None,
        *,
        from_chat_id: int | None = None,
        message_id: int | None = None,
        origin_user_id: int | None = None,
        hidden_name: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """Forward a message: an existing one (``from_chat_id``/``message_id``) or a text."""
        now = self.world.now()
        if from_chat_id is not None and message_id is not None:
            original = self.world.message(int(from_chat_id), int(message_id))
            if original is None:
                raise ValueError(f"no message {message_id} in chat {from_chat_id}")
            keep = ("text", "entities", "caption", "caption_entities", "photo", "document")
            body = {k: copy.deepcopy(v) for k, v in original.data.items() if k in keep}
            origin: JSON = {
                "type": "user",
                "sender_user": original.data["from"],
                "date": original.data["date"],
            }
            kind = original.kind
        elif text is not None:
            body, kind = self._text_body(text), "text"
            if origin_user_id is not None:
                sender = self.world.user(origin_user_id).to_json()
                origin = {"type": "user", "sender_user": sender, "date": now - 60}
            else:
                name = hidden_name or "Hidden Sender"
                origin = {"type": "hidden_user", "sender_user_name": name, "date": now - 60}
        else:
            raise ValueError("give a text, or from_chat_id and message_id")
        return self._post(user_id, {"forward_origin": origin, **body}, kind, chat_id=chat_id)
