"""Shared fixtures: paths to the repository and the shared folder beside it; the demo database."""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the bundled demo organisation, built once: copy it to write."""
    from tests.helpers.bot import demo_repo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo_repo(path).db.close()
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of `demo_db` (which a module may override) for one test to write."""
    path = tmp_path / "bot.db"
    shutil.copy(demo_db, path)
    return path
