"""Reading the forms that more than one page has: the self-tests (the patient's own page, and
the clinician's assessment in clinic)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glutewake.app.selftests import parse_selftest_answers
from glutewake.core.errors import FieldErrors
from glutewake.core.selftests import SelfTestAnswers

__all__ = ["selftest_answers"]


def _seconds(text: str) -> float | None:
    """Seconds a person typed ("2.5", "3", "2,5"), from 0 to 120; None if it is not that."""
    cleaned = text.strip().replace(",", ".").removesuffix("s").strip()
    if (
        not cleaned
        or len(cleaned) > 8
        or not cleaned.isascii()
        or not all(c.isdigit() or c == "." for c in cleaned)
        or cleaned.count(".") > 1
    ):
        return None
    value = float(cleaned)
    return value if 0 <= value <= 120 else None


def selftest_answers(given: Mapping[str, Any]) -> tuple[SelfTestAnswers | None, list[str]]:
    """The self-test answers in a form's fields (None when no test was done), or what is wrong
    with them. Fields: left, right (seconds), left_firm, right_firm ("no": did not firm up),
    bridge, belt, both, clench_left, clench_right, signs."""
    errors: list[str] = []
    raw: dict[str, object] = {}
    squeeze: dict[str, float | None] = {}
    for side in ("left", "right"):
        seconds, firm = str(given.get(side, "")), given.get(f"{side}_firm", "yes")
        if firm == "no":
            squeeze[side] = None
        elif seconds.strip():
            number = _seconds(seconds)
            if number is None:
                errors.append(
                    f"Please give the {side} side's time in seconds, from 0 to 120 (for example 2.5), "
                    "or tick “It did not firm up”."
                )
            else:
                squeeze[side] = number
    if squeeze:
        raw["squeeze_seconds"] = squeeze
    if given.get("bridge"):
        raw["bridge_felt"] = list(given["bridge"])
    if given.get("belt"):
        raw["belt_line"] = given["belt"]
    both, left, right = (str(given.get(k, "")) for k in ("both", "clench_left", "clench_right"))
    if both and left and right:
        raw["clench"] = {"both": both == "yes", "left": left == "yes", "right": right == "yes"}
    elif both or left or right:
        errors.append("Please answer all three clench questions, or none of them.")
    if given.get("signs"):
        raw["signs"] = list(given["signs"])
    if errors:
        return None, errors
    if not raw:
        return None, []
    try:
        return parse_selftest_answers(raw), []
    except FieldErrors:  # only a form that was changed by hand gets here
        return None, ["Some answers could not be read. Please choose them again from the options shown."]
