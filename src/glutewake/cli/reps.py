"""`glutewake reps`: count reps, time holds and find form mistakes in a recorded landmark sequence."""

from __future__ import annotations

from pathlib import Path

import click

from glutewake.cli._text import say

__all__ = ["reps"]


@click.command()
@click.option(
    "--landmarks", "path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON lines, one frame a line: {"t": seconds, "landmarks": [[x, y, z, visibility], ...]}'
    " with MediaPipe Pose's 33 landmarks in its order, x and y as fractions of the picture (y down).",
)  # fmt: skip
@click.option(
    "--exercise", "exercise_id", required=True, metavar="ID", help="The exercise, such as glute_bridge."
)
@click.option(
    "--side", type=click.Choice(["left", "right"]), help="The side to follow (default: the one that counts)."
)
@click.option(
    "--aspect", type=float, default=None, metavar="RATIO",
    help="The picture's width over its height, such as 1.78 for 16:9 or 0.56 for a phone held upright"
    " (default: found from the landmarks: limbs keep their length only at the right one).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def reps(path: Path, exercise_id: str, side: str | None, aspect: float | None, as_json: bool) -> None:
    """Count the reps (or time the hold) and find form mistakes in a recorded sequence of pose
    landmarks, by the same rules as the camera coach. Nothing is sent anywhere.

    \b
    Example:
      glutewake reps --landmarks bridge.jsonl --exercise glute_bridge
      glutewake reps --landmarks plank.jsonl --exercise side_plank --json
    """
    from glutewake.app.motion import count_reps
    from glutewake.app.refusals import InputError
    from glutewake.cli._errors import CommandError
    from glutewake.codec import dump

    try:
        with path.open(encoding="utf-8") as lines:
            result = count_reps(lines, exercise_id, side=side, aspect=aspect)  # type: ignore[arg-type]
    except InputError as error:
        raise CommandError(f"{path}: {error}") from None
    if as_json:
        import json

        click.echo(json.dumps(dump(result), indent=1))
        return
    if result.reps or not result.hold_seconds:
        say(
            f"{len(result.reps)} rep{'s' if len(result.reps) != 1 else ''}"
            + (f" ({result.side} side)" if result.side else "")
        )
        for n, rep in enumerate(result.reps, start=1):
            say(f"  {n:>3}. {rep.start:7.2f} s to {rep.end:7.2f} s")
    if result.hold_seconds:
        say(f"held for {result.hold_seconds:.1f} s")
    if result.began_mid_rep:
        say("(it began part way through a rep: that rep is not counted)")
    if result.ended_mid_rep:
        say("(it ended before the last rep came back: that rep is not counted)")
    if result.switches:
        say(
            f"(someone else came into view {result.switches} time{'s' if result.switches != 1 else ''}:"
            f" their {result.frames_other} frames were left out)"
        )
    if aspect is None:
        say(f"(the picture taken as {result.aspect:.2f} wide to 1 high, from the landmarks; --aspect to say)")
    if result.flags:
        say("form:")
        for flag_id in dict.fromkeys(f.id for f in result.flags):
            seen = [f for f in result.flags if f.id == flag_id]
            reps_named = [str(f.rep) for f in seen if f.rep]
            where = (
                f"rep{'s' if len(reps_named) > 1 else ''} {', '.join(reps_named)}"
                if reps_named
                else "at " + ", ".join(f"{f.t:.1f} s" for f in seen)
            )
            say(f"  {flag_id.replace('_', ' ')} ({where}): {seen[0].cue}")
    else:
        say("form: nothing to correct")
    skipped = result.frames_skipped
    if skipped:
        say(
            f"({skipped} of {skipped + result.frames_used} frames could not be read: points not visible enough)"
        )
