"""The camera coach's counting on a recorded landmark sequence (`glutewake reps`), and what it
saw in a session's sets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from glutewake.app.refusals import InputError
from glutewake.app.region import knowledge
from glutewake.core.motion import FramesError, Result, estimate_aspect, evaluate, read

if TYPE_CHECKING:
    from glutewake.app.context import Context

__all__ = ["CameraSet", "Mistake", "camera_sets", "count_reps", "followed_exercises"]


@dataclass(frozen=True)
class Mistake:
    """A form mistake the camera saw in a set: what, how often, and what to do about it."""

    check: str  # the check's id, such as hips_not_extended
    times: int
    cue: str

    @property
    def name(self) -> str:
        return self.check.replace("_", " ")


@dataclass(frozen=True)
class CameraSet:
    """A set the camera coach counted: the exercise, the count or the seconds held, the mistakes."""

    exercise_id: str
    exercise: str
    side: str | None
    reps: int | None
    seconds: int | None
    mistakes: tuple[Mistake, ...]


def camera_sets(ctx: Context, session_log_id: int) -> list[CameraSet]:
    """The sets of a session that the camera counted, in the order done, with what it saw."""
    kb = ctx.knowledge
    found = []
    for done in ctx.records.sets_of(session_log_id):
        if done.counted_by != "camera":
            continue
        rule = kb.motion.get(done.exercise_id)
        cues = {check.id: check.cue for check in rule.checks} if rule else {}
        times = Counter(str(flag.get("id")) for flag in done.form_flags or [])
        exercise = kb.exercises.get(done.exercise_id)
        found.append(
            CameraSet(
                done.exercise_id, exercise.name if exercise else done.exercise_id, done.side, done.reps,
                done.seconds, tuple(Mistake(check, n, cues.get(check, "")) for check, n in times.items()),
            )
        )  # fmt: skip
    return found


def followed_exercises() -> list[str]:
    """The exercises the camera coach has motion rules for."""
    return list(knowledge().motion)


def count_reps(
    lines: Iterable[str],
    exercise_id: str,
    *,
    side: Literal["left", "right"] | None = None,
    aspect: float | None = None,
) -> Result:
    """Reps, hold seconds and form flags in a JSON-lines landmark file. Without `aspect` (the
    picture's width over its height), it is found from the landmarks (`estimate_aspect`), or
    taken as square when the recording cannot tell.

    Raises `InputError` for an exercise without motion rules, a frame that cannot be read
    (naming its line), or a file with no frames."""
    kb = knowledge()
    rule = kb.motion.get(exercise_id)
    if rule is None:
        known = ", ".join(kb.motion)
        what = "is not an exercise" if exercise_id not in kb.exercises else "has no motion rules yet"
        raise InputError(f"{exercise_id!r} {what}; the camera coach follows {known}")
    if aspect is not None and not 0.2 <= aspect <= 5:
        raise InputError(
            f"the aspect ratio is the picture's width over its height, such as 1.78 for 16:9, not {aspect:g}"
        )
    try:
        frames = read(lines)
    except FramesError as error:
        raise InputError(str(error)) from None
    except UnicodeDecodeError:
        raise InputError("the file is not text; give JSON lines, one frame a line") from None
    if not frames:
        raise InputError(
            'the file holds no frames; give one JSON object a line: {"t": seconds, "landmarks": [...]}'
        )
    if aspect is None:
        aspect = estimate_aspect(frames, rule.min_visibility) or 1.0
    return evaluate(rule, frames, side=side, aspect=aspect)
