"""The catalogue of errors Rasid raises: what failed, on which input, what to do."""

from __future__ import annotations


class RasidError(Exception):
    """Base of every error Rasid raises on purpose."""


class InputError(RasidError):
    """An input that cannot be read. ``input`` names it, ``reason`` says why."""

    def __init__(self, input: str, reason: str) -> None:
        super().__init__(f"{input}: {reason}")
        self.input = input
        self.reason = reason


class UnknownStage(RasidError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"unknown pipeline stage {name!r}; known stages: {', '.join(known)}")


class StageOrderError(RasidError):
    def __init__(self, stage: str, missing: str) -> None:
        super().__init__(f"stage {stage!r} requires {missing!r}, which no earlier stage assigns; "
                         f"put a stage that assigns {missing!r} before it")


class StoreError(RasidError):
    """The database cannot be opened or written."""
