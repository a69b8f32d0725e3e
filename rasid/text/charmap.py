"""Load the character tables in ``resources/text/charmap.json`` once."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def charmap() -> dict[str, Any]:
    path = resources.files("rasid.resources") / "text" / "charmap.json"
    return json.loads(path.read_text(encoding="utf-8"))
