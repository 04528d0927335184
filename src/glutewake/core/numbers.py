"""Reading a whole number that a person typed. Pure: no I/O.

`str.isdigit` is true for "²" and other digits `int` cannot read, and `int` refuses more than
4,300 digits; this reads only ASCII digits, and only as many as the range can need.
"""

from __future__ import annotations

__all__ = ["whole_number"]


def whole_number(text: str, low: int, high: int) -> int | None:
    """The number in `text` (spaces around it allowed) when it is from `low` to `high`, else None."""
    digits = text.strip()
    if not digits or len(digits) > len(str(high)) or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return value if low <= value <= high else None
