"""Exercise figures: the pose data is physically possible, rests where it should, and renders
to a safe, self-contained, animated SVG."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import yaml

from glutewake.core import figure
from glutewake.knowledge import Knowledge, KnowledgeError, load_knowledge
from glutewake.knowledge.loader import DATA_DIR, FILES, validate
from glutewake.knowledge.schema import FIGURE_JOINTS, Exercise

SVG = "{http://www.w3.org/2000/svg}"
EXERCISES = sorted(load_knowledge(use_cache=False).exercises)
TOUCH = 0.02  # body heights (about 3 cm): how close "touching" has to be
BELOW = 0.01  # how far a body's surface may sink into the floor (a soft mat, rounding)


@pytest.fixture(params=EXERCISES)
def exercise(request: pytest.FixtureRequest, kb: Knowledge) -> Exercise:
    return kb.exercises[request.param]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


# --- the pose data --------------------------------------------------------------------------


def test_every_exercise_has_a_figure_with_poses_and_one_key_pose(exercise: Exercise) -> None:
    poses = exercise.figure.poses
    assert len(poses) >= 2
    assert sum(pose.key for pose in poses) == 1
    assert not poses[0].key, "the first pose is where the movement starts"
    assert all(pose.label and pose.label[0].isupper() and not pose.label.endswith(".") for pose in poses)
    assert len({pose.label for pose in poses}) == len(poses) or len(poses) > 2


def test_every_angle_of_every_pose_is_within_the_joint_limits(exercise: Exercise) -> None:
    limits = figure.JOINT_LIMITS[exercise.figure.view]
    out_of_range = [
        f"{pose.label}: {joint} = {angle} not in {limits[joint.split('_')[-1]]}"
        for pose in exercise.figure.poses
        for joint, angle in figure.pose_angles(pose).items()
        if not limits[joint.split("_")[-1]][0] <= angle <= limits[joint.split("_")[-1]][1]
    ]
    assert not out_of_range


def test_the_joint_limits_table_forbids_bending_knees_and_elbows_backwards() -> None:
    side = figure.JOINT_LIMITS["side"]
    assert side["knee"] == (0, 150)
    assert side["elbow"][0] == 0
    assert (
        set(side)
        == set(figure.JOINT_LIMITS["front"])
        == {"neck", "shoulder", "elbow", "hip", "knee", "ankle"}
    )


def test_what_should_touch_a_support_does(exercise: Exercise) -> None:
    for pose in exercise.figure.poses:
        assert pose.touching, f"{pose.label}: nothing rests on the floor or a prop"
        gaps = {joint: round(figure.contact_gap(exercise, pose, joint), 3) for joint in pose.touching}
        assert all(abs(gap) <= TOUCH for gap in gaps.values()), (pose.label, gaps)


def test_the_position_decides_what_must_touch(exercise: Exercise) -> None:
    feet = {f"{side}_{part}" for side in ("near", "far") for part in ("heel", "toe", "ankle")}
    for pose in exercise.figure.poses:
        touching = set(pose.touching)
        if exercise.position == "standing":
            assert touching & feet, pose.label
        elif exercise.position == "seated":
            assert "pelvis" in touching, pose.label
            assert touching & feet, pose.label
        else:
            assert len(touching) >= 2, pose.label
    if exercise.position == "seated":
        assert {prop.kind for prop in exercise.figure.props} >= {"chair"}


def test_no_joint_goes_below_the_floor(exercise: Exercise) -> None:
    fig = exercise.figure
    for pose in fig.poses:
        points = figure.joint_positions(fig, pose)
        sunk = {name: y - figure.radius(fig, name) for name, (_, y) in points.items()}
        assert min(sunk.values()) >= -BELOW, (pose.label, min(sunk.items(), key=lambda item: item[1]))


def test_the_anchor_stays_put_and_the_key_pose_rests_on_the_floor(exercise: Exercise) -> None:
    fig = exercise.figure
    key = figure.joint_positions(fig, fig.key_pose)
    assert key[fig.anchor][0] == 0
    assert min(y - figure.radius(fig, name) for name, (_, y) in key.items()) == pytest.approx(0, abs=1e-9)
    for pose in fig.poses:
        assert figure.joint_positions(fig, pose)[fig.anchor] == pytest.approx(key[fig.anchor])


def test_the_props_an_exercise_needs_are_drawn(kb: Knowledge) -> None:
    props = {ex.id: {prop.kind for prop in ex.figure.props} for ex in kb.exercises.values()}
    assert "bench" in props["hip_thrust"]
    assert {"bench", "dumbbell"} <= props["hip_thrust_loaded"]
    assert "band" in props["clamshell_band"]
    assert "band" in props["banded_side_step"]
    assert "roller" in props["foam_roller_release"]
    assert "chair" in props["desk_squats"]


def test_joint_positions_names_every_joint_in_body_heights(kb: Knowledge) -> None:
    fig = kb.exercises["squat"].figure
    standing = figure.joint_positions(fig, fig.poses[0])
    assert set(standing) == set(FIGURE_JOINTS)
    head_top = standing["head"][1] + figure.BODY.head_radius
    assert head_top == pytest.approx(1.0, abs=0.03), "a standing figure is one body height tall"
    assert standing["near_heel"][1] == pytest.approx(0, abs=1e-6)


def test_bridge_lifts_the_hips_and_squat_lowers_them(kb: Knowledge) -> None:
    def pelvis_heights(exercise_id: str) -> list[float]:
        fig = kb.exercises[exercise_id].figure
        return [figure.joint_positions(fig, pose)["pelvis"][1] for pose in fig.poses]

    start, top = pelvis_heights("glute_bridge")
    assert top > start + 0.08
    standing, bottom = pelvis_heights("squat")
    assert bottom < standing - 0.15


def test_interpolation_meets_both_ends(kb: Knowledge) -> None:
    a, b = kb.exercises["squat"].figure.poses
    assert figure.interpolate(a, b, 1).near == b.near
    assert figure.interpolate(a, b, 0).trunk == a.trunk
    assert figure.interpolate(a, b, 0.5).near.knee == pytest.approx((a.near.knee + b.near.knee) / 2)


# --- the SVG --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["thumb", "large"])
def test_the_svg_is_standalone_accessible_and_safe(exercise: Exercise, size: figure.Size) -> None:
    svg = figure.render(exercise, size=size)
    root = _parse(svg)
    label = exercise.figure.key_pose.label
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("role") == "img"
    assert root.get("aria-label") == label
    assert root.findtext(f"{SVG}title") == label
    assert "gw-fig" in (root.get("class") or "").split()
    for element in root.iter():
        assert element.tag != f"{SVG}script"
        assert element.tag.startswith(SVG), element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "href" not in name.lower(), name
            assert "url(" not in value
    assert "url(" not in svg
    assert "@import" not in svg
    assert "javascript" not in svg.lower()


def test_rendering_is_deterministic(exercise: Exercise) -> None:
    assert figure.render(exercise) == figure.render(exercise)
    assert figure.render(exercise, size="thumb", animate=False) == figure.render(
        exercise, size="thumb", animate=False
    )


def test_the_still_frame_is_drawn_without_css(exercise: Exercise) -> None:
    root = _parse(figure.render(exercise, animate=False))
    shapes = [el for el in root.iter() if el.tag in (f"{SVG}line", f"{SVG}circle", f"{SVG}path")]
    assert len(shapes) >= 12
    for shape in shapes:
        assert shape.get("stroke") or shape.get("fill"), "a fallback colour as a plain attribute"
    assert all("transform" not in el.attrib for el in root.iter())


def test_colours_come_from_the_pages_custom_properties(exercise: Exercise) -> None:
    svg = figure.render(exercise)
    for var, fallback in (("body", "#2f5d62"), ("far", None), ("prop", None), ("floor", None)):
        assert f"var(--figure-{var}," + (fallback or "") in svg


def test_names_are_unique_per_figure_so_figures_can_share_a_page(kb: Knowledge) -> None:
    owner: dict[str, str] = {}
    for exercise in kb.exercises.values():
        for size in ("thumb", "large"):
            svg = figure.render(exercise, size=size)  # type: ignore[arg-type]
            scope = f"gw-fig-{exercise.id.replace('_', '-')}-{size}"
            assert ' id="' not in svg
            assert scope in (_parse(svg).get("class") or "").split()
            style = svg.split("<style>")[1].split("</style>")[0]
            for name in re.findall(r"@keyframes ([\w-]+)", style):
                assert name.startswith(f"{scope}-"), name
                assert owner.setdefault(name, scope) == scope
            style = re.sub(r"@keyframes [\w-]+\{(?:[^{}]*\{[^{}]*\})*\}", "", style)
            style = re.sub(r"@media [^{]+\{(.*)\}$", r"\1", style)
            selectors = re.findall(r"(?:^|\})([^{}]+)\{", style)
            assert selectors
            assert all(selector.startswith(f".{scope}") for selector in selectors), selectors


def test_the_animation_lasts_one_rep_at_the_exercises_tempo(exercise: Exercise) -> None:
    svg = figure.render(exercise)
    tempo = exercise.tempo
    expected = figure.rep_seconds(exercise)
    if tempo is not None:
        assert expected == tempo.lift_seconds + tempo.hold_seconds + tempo.lower_seconds
    durations = {float(d) for d in re.findall(r"animation:[\w-]+ ([\d.]+)s ", svg)}
    assert durations == {expected}
    assert "@keyframes" in svg
    assert "transform-origin:" in svg
    assert "transform-box:view-box" in svg
    assert "@media (prefers-reduced-motion:reduce)" in svg


def test_the_timeline_follows_lift_hold_and_lower(kb: Knowledge) -> None:
    bridge = kb.exercises["glute_bridge"]  # lift 2, hold 2, lower 3
    assert figure.timeline(bridge) == ((0, 0), (2, 1), (4, 1), (7, 0))
    squat = kb.exercises["squat"]  # down first: lower 3, hold 1, lift 2
    assert figure.timeline(squat) == ((0, 0), (3, 1), (4, 1), (6, 0))
    march = kb.exercises["walking_in_place"]
    assert [pose for _, pose in figure.timeline(march)] == [0, 1, 2, 3, 0]


def test_holds_without_a_tempo_get_a_held_default(kb: Knowledge) -> None:
    stretch = kb.exercises["figure_four_stretch"]
    assert stretch.tempo is None
    assert stretch.figure.pace is None
    assert figure.pace(stretch) == figure.DEFAULT_HOLD_PACE
    assert figure.DEFAULT_HOLD_PACE.hold_seconds > figure.DEFAULT_REP_PACE.hold_seconds


def test_the_key_pose_is_the_unturned_frame(exercise: Exercise) -> None:
    """Every keyframe at the key pose turns nothing, so stopping the animation shows it."""
    svg = figure.render(exercise)
    stops = figure.timeline(exercise)
    total = figure.rep_seconds(exercise)
    key = exercise.figure.poses.index(exercise.figure.key_pose)
    at_key = {f"{round(t / total * 100, 2):g}%" for t, index in stops if index == key}
    for name, frames in re.findall(r"@keyframes (gw-fig-[\w-]+)\{(.*?)\}\}", svg):
        if "-band-" in name or name.endswith("-spot"):
            continue  # a band is moved, not turned; the highlight fades
        for stop, value in re.findall(r"([\d.]+%)\{([^}]*)", frames):
            if stop in at_key:
                assert value == "transform:rotate(0deg)", name


def test_animate_false_gives_no_keyframes(exercise: Exercise) -> None:
    svg = figure.render(exercise, animate=False)
    assert "@keyframes" not in svg
    assert "animation" not in svg


def test_sizes_differ_only_in_pixels_and_names(kb: Knowledge) -> None:
    bridge = kb.exercises["glute_bridge"]
    thumb, large = (_parse(figure.render(bridge, size=size)) for size in ("thumb", "large"))  # type: ignore[arg-type]
    assert (thumb.get("width"), large.get("width")) == ("160", "480")
    assert thumb.get("viewBox") == large.get("viewBox")


# --- the loader's checks ----------------------------------------------------------------------


def _documents() -> dict[str, Any]:
    return {name: yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text()) for name in FILES}


def _problems(change: Any) -> str:
    documents = _documents()
    change(documents["exercises"][0]["figure"])
    with pytest.raises(KnowledgeError) as error:
        validate(documents)
    return str(error.value)


def test_a_figure_needs_exactly_one_key_pose() -> None:
    assert "needs exactly one key pose, not 2" in _problems(lambda f: f["poses"][0].update(key=True))
    assert "needs exactly one key pose, not 0" in _problems(lambda f: f["poses"][1].update(key=False))


def test_a_figure_names_real_joints() -> None:
    assert "unknown joint 'near_tail'" in _problems(lambda f: f.update(anchor="near_tail"))
    assert "unknown joint 'elbows'" in _problems(lambda f: f["poses"][0].update(touching=["elbows"]))
    assert "unknown segment 'near_wing'" in _problems(lambda f: f.update(foreshorten={"near_wing": 0.5}))


def test_a_figure_is_required_and_strict() -> None:
    documents = _documents()
    del documents["exercises"][0]["figure"]
    with pytest.raises(KnowledgeError, match=r"figure"):
        validate(documents)
    assert "does not match its schema" in _problems(lambda f: f["poses"][0].update(elbow=3))


def test_a_band_needs_both_ends() -> None:
    message = _problems(lambda f: f.update(props=[{"kind": "band", "at": "near_knee"}]))
    assert "a band, and only a band, needs `to`" in message


def test_figures_survive_the_knowledge_cache(kb: Knowledge) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(kb))
    assert copy.exercises["glute_bridge"].figure == kb.exercises["glute_bridge"].figure
    assert dataclasses.is_dataclass(copy.exercises["glute_bridge"].figure)
