"""Message text as Telegram reads it: HTML parse mode, entities, trimming, keyboards."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.errors import JSON, ApiError, bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

# HTML tag → entity type (https://core.telegram.org/bots/api#html-style)
_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, as entity offsets count."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _entity_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def _decode_entity(src: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&name;`` / ``&#n;`` / ``&#xh;`` at ``pos``; None keeps the ``&`` literal."""
    end = pos + 1
    if src.startswith("#", end):
        end += 1
        hexadecimal = src.startswith("x", end)
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < len(src) and src[end] in digits:
            end += 1
        if end == start or end - pos >= 10:
            return None
        code = int(src[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF:
            return None
        char = chr(code)
    else:
        start = end
        while end < len(src) and src[end].isascii() and src[end].isalpha():
            end += 1
        named = _NAMED.get(src[start:end])
        if named is None:
            return None
        char = named
    if src.startswith(";", end):
        end += 1
    return char, end


@dataclass
class _Open:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the output text
    language: str | None = None
    children: list[str] = field(default_factory=list)


def _parse_attributes(src: str, pos: int, tag: str, at: int) -> tuple[dict[str, str], int]:
    """Read attributes from ``pos`` up to the closing ``>``; return them and its index."""
    attrs: dict[str, str] = {}
    n = len(src)
    while True:
        while pos < n and src[pos].isspace():
            pos += 1
        if pos >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {at}")
        if src[pos] == ">":
            return attrs, pos
        start = pos
        while pos < n and not src[pos].isspace() and src[pos] not in "=>":
            pos += 1
        name = src[start:pos].lower()
        while pos < n and src[pos].isspace():
            pos += 1
        if pos >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {at}")
        if src[pos] != "=":
            if name in ("expandable",) and tag == "blockquote":
                attrs[name] = ""
                continue
            raise _entity_error(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {at}"
            )
        pos += 1
        while pos < n and src[pos].isspace():
            pos += 1
        if pos >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {at}")
        value: list[str] = []
        if src[pos] in "'\"":
            quote = src[pos]
            pos += 1
            while pos < n and src[pos] != quote:
                decoded = _decode_entity(src, pos) if src[pos] == "&" else None
                if decoded:
                    value.append(decoded[0])
                    pos = decoded[1]
                else:
                    value.append(src[pos])
                    pos += 1
            if pos >= n:
                raise _entity_error(f"Unclosed start tag at byte offset {at}")
            pos += 1
        else:
            start = pos
            while pos < n and (src[pos].isalnum() or src[pos] in ".-"):
                pos += 1
            if pos >= n or not (src[pos].isspace() or src[pos] == ">"):
                raise _entity_error(f"Unexpected end of name token at byte offset {at}")
            value.append(src[start:pos].lower())
        attrs[name] = "".join(value)


def _entity_for(tag: _Open, length: int) -> JSON | None:
    kind = _TAGS[tag.name]
    entity: JSON = {"type": kind, "offset": tag.offset, "length": length}
    if kind == "text_link":
        href = tag.attrs.get("href", "")
        if not href:
            return None
        entity["url"] = href
    elif kind == "pre" and tag.language:
        entity["language"] = tag.language
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    return entity


def parse_html(src: str) -> tuple[str, list[JSON]]:
    """Parse Telegram's HTML: plain text plus entities, or 400 can't parse entities."""
    out: list[str] = []
    u16 = 0
    stack: list[_Open] = []
    entities: list[JSON] = []
    i, n = 0, len(src)
    byte_i, byte_at = 0, 0  # running UTF-8 offset of src[:byte_i]

    def byte_offset(index: int) -> int:
        nonlocal byte_i, byte_at
        byte_at += len(src[byte_i:index].encode("utf-8", "surrogatepass"))
        byte_i = index
        return byte_at

    while i < n:
        ch = src[i]
        if ch == "&":
            decoded = _decode_entity(src, i)
            if decoded:
                out.append(decoded[0])
                u16 += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if ch != "<":
            out.append(ch)
            u16 += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        at = byte_offset(i)
        if src.startswith("</", i):
            j = i + 2
            while j < n and not src[j].isspace() and src[j] != ">":
                j += 1
            name = src[i + 2 : j].lower()
            while j < n and src[j].isspace():
                j += 1
            if j >= n or src[j] != ">":
                raise _entity_error(f"Unclosed end tag at byte offset {at}")
            if not stack:
                raise _entity_error(f"Unexpected end tag at byte offset {at}")
            top = stack.pop()
            if name and name != top.name:
                raise _entity_error(
                    f'Unmatched end tag at byte offset {at}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            language = top.attrs.get("class", "")
            if top.name == "code" and stack and stack[-1].name == "pre" and language:
                stack[-1].language = language.removeprefix("language-")
            elif u16 > top.offset:
                entity = _entity_for(top, u16 - top.offset)
                if entity:
                    entities.append(entity)
            i = j + 1
            continue
        j = i + 1
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        if j >= n:
            raise _entity_error(f"Unclosed start tag at byte offset {at}")
        name = src[i + 1 : j].lower()
        if name not in _TAGS:
            raise _entity_error(f'Unsupported start tag "{name}" at byte offset {at}')
        attrs, j = _parse_attributes(src, j, name, at)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _entity_error(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise _entity_error(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {at}'
            )
        stack.append(_Open(name, attrs, u16))
        i = j + 1
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def render(source: str, parse_mode: str | None) -> tuple[str, list[JSON]]:
    """Turn text as sent into (plain text, entities) for the given parse mode."""
    if not parse_mode:
        return source, []
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(source)
    if mode in ("markdown", "markdownv2"):
        return source, []  # accepted, not parsed: the sandbox checks HTML only
    raise bad_request("unsupported parse_mode")


def trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Strip surrounding whitespace like Telegram, moving entities along."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    head = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[JSON] = []
    for entity in entities:
        start = max(0, entity["offset"] - head)
        end = min(size, entity["offset"] + entity["length"] - head)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


_DETECT = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)"
    r"|(?P<url>\bhttps?://[^\s<>\"]+)"
    r"|(?P<mention>(?<!\w)@[A-Za-z0-9_]{5,32})"
    r"|(?P<hashtag>(?<!\w)#\w+)"
)


def detect_entities(text: str) -> list[JSON]:
    """Return the entities Telegram finds in a user's plain text (commands, links, …)."""
    entities: list[JSON] = []
    for match in _DETECT.finditer(text):
        kind = match.lastgroup or "url"
        entities.append(
            {
                "type": kind,
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    return entities


def _check_inline(markup: JSON) -> JSON:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'can\'t parse inline keyboard button: field "inline_keyboard" must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            actions = [key for key in _INLINE_ACTIONS if key in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not str(button["url"]).strip():
                raise bad_request("BUTTON_URL_INVALID")
    return markup


def check_reply_markup(markup: Any) -> JSON | None:
    """Validate a reply_markup object (inline, reply keyboard, remove, force reply)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return _check_inline(markup)
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        normalized = [
            [{"text": button} if isinstance(button, str) else button for button in row]
            for row in rows
        ]
        if any(not isinstance(b, dict) or not b.get("text") for row in normalized for b in row):
            raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
        return {**markup, "keyboard": normalized}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def callback_data_of(markup: JSON | None) -> list[str]:
    """Return the callback_data of every button of an inline keyboard."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        button["callback_data"]
        for row in markup["inline_keyboard"]
        for button in row
        if "callback_data" in button
    ]
