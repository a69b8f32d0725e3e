"""Locations of the shipped NER model and of the shared (read-only) data."""
from __future__ import annotations

import os
from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent.parent / "resources" / "models" / "ner"
REPO_ROOT = Path(__file__).resolve().parent.parent.parent


def shared_dir() -> str:
    """$RASID_SHARED, else ../shared relative to the repo root, else /work/shared."""
    env = os.environ.get("RASID_SHARED")
    if env:
        return env
    cand = REPO_ROOT.parent / "shared"
    if cand.is_dir():
        return str(cand)
    return "/work/shared"


def anercorp(split: str) -> str:
    return os.path.join(shared_dir(), "data", "ner", "anercorp", f"{split}.conll")
