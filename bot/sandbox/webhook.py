"""Delivers pending updates to a webhook on a loopback address, one at a time, in order."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

import httpx

from bot.sandbox.botapi import is_loopback
from bot.sandbox.state import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BACKOFF = 5.0


class WebhookDelivery:
    """POSTs each update as JSON; a 2xx answer confirms it, anything else is retried."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start delivering in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        """Stop delivering."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _target(self) -> str | None:
        url = self.world.webhook.url
        if not url or not self.world.updates or not is_loopback(urlsplit(url).hostname):
            return None
        return url

    async def _run(self) -> None:
        backoff = 0.0
        async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
            while not self.world.stopping:
                url = self._target()
                if url is None:
                    await self.world.update_signal.wait(1.0)
                    continue
                if backoff:
                    await asyncio.sleep(backoff)
                    if self._target() != url:
                        continue
                update = self.world.updates[0]
                error = await self._post(client, url, update)
                if error is None:
                    backoff = 0.0
                    if self.world.updates and self.world.updates[0] is update:
                        self.world.updates.pop(0)
                else:
                    backoff = min(MAX_BACKOFF, backoff * 2 or 0.25)
                    self.world.webhook.last_error_date = self.world.now()
                    self.world.webhook.last_error_message = error

    async def _post(self, client: httpx.AsyncClient, url: str, update: object) -> str | None:
        headers = {}
        if self.world.webhook.secret_token:
            headers[SECRET_HEADER] = self.world.webhook.secret_token
        try:
            response = await client.post(url, json=update, headers=headers)
        except httpx.HTTPError as exc:
            return f"Connection failed: {exc.__class__.__name__}"
        if 200 <= response.status_code < 300:
            return None
        return f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
