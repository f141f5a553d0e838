"""Shared fixtures: paths to the repository and the shared folder beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder (examples, contracts)."""
    if not SHARED.is_dir():
        pytest.fail(f"../shared is missing next to the repository: {SHARED}")
    return SHARED
