"""``python -m bot.sandbox``: run the sandbox alone and print how to talk to it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.sandbox.server import Sandbox


def _user(spec: str) -> tuple[int, str, str | None]:
    """Read ``ID:NAME[:LANG]``."""
    parts = spec.split(":")
    if len(parts) < 2 or not parts[0].isdigit():
        raise argparse.ArgumentTypeError("expected ID:NAME or ID:NAME:LANG")
    return int(parts[0]), parts[1], parts[2] if len(parts) > 2 else None


async def _serve(port: int, users: list[tuple[int, str, str | None]], limits: bool) -> None:
    sandbox = Sandbox(port, rate_limits=limits)
    await sandbox.start()
    for user_id, name, language in users:
        sandbox.add_user(user_id, name, language_code=language)
    print(f"Sandbox Bot API on {sandbox.url}")
    print(f"  token:          {sandbox.token}")
    print(f"  --api-url:      {sandbox.base_url}")
    print(f"  base_file_url:  {sandbox.base_file_url}")
    print(f"  control:        {sandbox.url}/control  (POST /control/send_text …)")
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def main(argv: list[str] | None = None) -> None:
    """Run until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--user", type=_user, action="append", default=[], help="ID:NAME[:LANG]")
    parser.add_argument("--rate-limits", action="store_true", help="answer 429 like Telegram")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.user, args.rate_limits))


if __name__ == "__main__":
    main()
