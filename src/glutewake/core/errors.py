"""The one error type the core raises for bad input: every bad field, with what is wrong."""

from __future__ import annotations

__all__ = ["FieldErrors"]


class FieldErrors(ValueError):
    """Input that cannot be used; `problems` pairs each bad field with what is wrong with it."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
