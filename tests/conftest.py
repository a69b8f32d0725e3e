"""Shared fixtures: the shared data folder (skip when absent) and a fresh store."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasid.util.shared import shared_dir

SHARED = shared_dir()


def need_shared(*parts: str) -> Path:
    """Path under ../shared/data, or skip the test with a clear message."""
    p = SHARED.joinpath("data", *parts)
    if not p.exists():
        pytest.skip(f"shared data not found: {p} (clone ../shared beside the repo or set RASID_SHARED)")
    return p


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")
