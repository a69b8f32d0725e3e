"""Where the shared data lives: $RASID_SHARED, else ../shared beside the repository."""

from __future__ import annotations

import os
from pathlib import Path


def shared_dir() -> Path:
    env = os.environ.get("RASID_SHARED")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "shared"
        if (cand / "data").is_dir():
            return cand
        cand = parent.parent / "shared"
        if (parent / "pyproject.toml").exists() and (cand / "data").is_dir():
            return cand
    return Path.cwd().parent / "shared"
