"""The camera coach in a real Chromium, with Chromium's fake camera playing a video made from
scikit-image's astronaut photograph (NASA, public domain), and nothing reachable but glutewake.

- The pose model (MediaPipe Pose, from glutewake's own /static/vendor/pose/) loads and finds the
  person in the photograph; fed through the fake camera, the setup check says what it cannot see.
- The whole player path: camera on, the set counted, the count spoken, a form cue said and
  shown, the set ended at its target and saved with its count and flags. For this the model's
  script is swapped (a boundary fake, served in its place) for one that answers with the
  landmarks of a test vector: no photograph of a whole body doing a bridge ships in a package.
- No request carries image data, and none goes anywhere but glutewake's server.
"""

from __future__ import annotations

import base64
import importlib.resources
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect, sync_playwright

from glutewake.clock import SystemClock
from glutewake.knowledge import Knowledge
from glutewake.store import Store, connect
from tests.camera.video import astronaut, write_y4m
from tests.motion.vectors import Vector, at_aspect, frames_for
from tests.web.browsing import CHROMIUM, DESKTOP, PHONE, serious_violations, shoot, signed_in_cookie
from tests.web.test_browser_session import LISTEN, site, store

__all__ = ["site", "store"]  # fixtures, used by name

# The model's script in its place: each picture sent is answered with the frame of
# window.__replay due at that moment (replayed in real time from when it was set), or no one.
FAKE_POSE = """
window.Pose = class {
  constructor(options) { this.options = options; }
  setOptions(options) { window.__poseOptions = options; }
  onResults(callback) { this.callback = callback; }
  async initialize() { await new Promise((resolve) => setTimeout(resolve, window.__startMs || 0)); }
  async send({ image }) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    const replay = window.__replay;
    let points = null;
    if (replay) {
      const now = performance.now() / 1000;
      if (replay.began === undefined) replay.began = now;
      const t = now - replay.began;
      let frame = null;
      for (const f of replay.frames) { if (f.t <= t) frame = f; else break; }
      if (frame) points = frame.landmarks.map(([x, y, z, visibility]) => ({ x, y, z, visibility }));
    }
    this.callback({ poseLandmarks: points, image });
  }
  async close() {}
};
"""


@pytest.fixture(scope="module")
def camera_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed; ./scripts/test installs it (apt-get install chromium)")
    video = write_y4m(tmp_path_factory.mktemp("camera") / "astronaut.y4m", [astronaut()] * 15)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream",
                  "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"],
        )  # fmt: skip
        yield launched
        launched.close()


class Traffic:
    """Every request the page makes; any to another address is refused and remembered."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.sent: list[Request] = []
        self.elsewhere: list[str] = []

    def route(self, route: Route) -> None:
        if route.request.url.startswith(self.site):
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()

    def bodies(self) -> list[bytes]:
        return [r.post_data_buffer or b"" for r in self.sent]


@pytest.fixture
def camera_page(camera_browser: Browser, site: str, glutewake_home: Path) -> Iterator[tuple[Page, Traffic]]:
    context = camera_browser.new_context(viewport=DESKTOP)
    context.add_cookies([signed_in_cookie(glutewake_home)])
    context.grant_permissions(["camera"], origin=site.rstrip("/"))
    traffic = Traffic(site)
    context.route("**/*", traffic.route)
    opened = context.new_page()
    opened.on("request", lambda request: traffic.sent.append(request))
    yield opened, traffic
    context.close()


def replaying_model(page: Page) -> None:
    """The model's script replaced, for this page, by FAKE_POSE."""
    page.route(
        "**/static/vendor/pose/pose.js",
        lambda route: route.fulfill(body=FAKE_POSE, content_type="text/javascript"),
    )


def image_free(traffic: Traffic) -> None:
    """Nothing sent carries a picture: every request is glutewake's, and every body is a small
    JSON or form body with no image in it."""
    assert traffic.elsewhere == []
    for request, body in zip(traffic.sent, traffic.bodies(), strict=True):
        assert request.url.startswith(traffic.site)
        assert len(body) < 4096, (request.url, len(body))
        assert b"data:image" not in body
        for signature in (b"\x89PNG", b"\xff\xd8\xff", b"RIFF", b"YUV4MPEG", b"iVBOR", b"/9j/"):
            assert signature not in body, request.url
    posted = [r.url.removeprefix(traffic.site) for r in traffic.sent if r.method == "POST"]
    assert all(path.startswith(("api/session/", "session/")) for path in posted), posted


def test_the_pose_model_from_glutewake_finds_the_person_in_a_photograph(
    camera_page: tuple[Page, Traffic], site: str
) -> None:
    page, traffic = camera_page
    page.goto(site + "session")
    png = (importlib.resources.files("skimage") / "data" / "astronaut.png").read_bytes()
    landmarks = page.evaluate(
        """async (png) => {
          await new Promise((resolve, reject) => {
            const script = document.createElement("script");
            script.src = "/static/vendor/pose/pose.js";
            script.onload = resolve; script.onerror = reject;
            document.head.appendChild(script);
          });
          const image = new Image();
          image.src = "data:image/png;base64," + png;
          await image.decode();
          const pose = new Pose({ locateFile: (file) => "/static/vendor/pose/" + file });
          pose.setOptions({ modelComplexity: 1, staticImageMode: true });
          let found = null;
          pose.onResults((results) => { found = results.poseLandmarks || []; });
          await pose.initialize();
          await pose.send({ image });
          return found;
        }""",
        base64.b64encode(png).decode(),
    )
    assert len(landmarks) == 33
    nose, left_shoulder, right_shoulder = landmarks[0], landmarks[11], landmarks[12]
    # Eileen Collins faces the camera in the middle of the picture: her nose in the upper half,
    # her shoulders below it and either side of it, all clearly seen.
    assert 0.35 < nose["x"] < 0.65
    assert 0.15 < nose["y"] < 0.5
    assert (
        min(left_shoulder["x"], right_shoulder["x"])
        < nose["x"]
        < max(left_shoulder["x"], right_shoulder["x"])
    )
    assert nose["y"] < left_shoulder["y"]
    assert nose["y"] < right_shoulder["y"]
    assert min(p["visibility"] for p in (nose, left_shoulder, right_shoulder)) > 0.8
    assert any("/static/vendor/pose/pose_landmark_full.tflite" in r.url for r in traffic.sent)
    assert traffic.elsewhere == []


def test_through_the_camera_the_setup_check_says_what_it_cannot_see(
    camera_page: tuple[Page, Traffic], site: str
) -> None:
    """The real model on the fake camera's picture of the astronaut, who is seen from the waist up."""
    page, traffic = camera_page
    page.goto(site + "session")
    expect(page.get_by_text("The picture never leaves this browser")).to_be_visible()
    page.get_by_label("Count with my camera").check()
    check = page.locator("#camera-check")
    expect(check).to_contain_text("I cannot see your", timeout=60_000)
    expect(check).to_contain_text("feet")
    expect(page.locator("#camera-video")).to_have_js_property("paused", False)
    shoot(page, "camera-setup")
    assert serious_violations(page) == []
    # turned off, the camera is let go
    page.get_by_label("Count with my camera").uncheck()
    expect(page.locator("#camera-panel")).to_be_hidden()
    assert page.evaluate("document.getElementById('camera-video').srcObject") is None
    image_free(traffic)


def sets_saved(store: str) -> list[tuple[str, int | None, int | None, str | None, list[str]]]:
    repo = Store(connect(store), SystemClock()).owner()
    try:
        log = repo.session_for(repo.current_plan().session_ids[date.today()])  # type: ignore[union-attr]
        assert log is not None
        return [
            (s.exercise_id, s.reps, s.seconds, s.counted_by, [f["id"] for f in s.form_flags or []])
            for s in repo.sets_of(log[0])
        ]
    finally:
        repo.close()


def test_the_camera_counts_the_set_speaks_the_count_and_cues_and_ends_it(
    camera_page: tuple[Page, Traffic], site: str, store: str, kb: Knowledge
) -> None:
    page, traffic = camera_page
    replaying_model(page)
    page.add_init_script(LISTEN)
    page.set_viewport_size(PHONE)
    page.goto(site + "session")
    # shallow bridges, twice as fast as the drawing's tempo: each short of the top
    bridges = at_aspect(
        frames_for(Vector("bridge", "glute_bridge", 3, depth=0.6, seed=21), kb), 4 / 3, faster=2
    )
    plank = at_aspect(frames_for(Vector("plank", "side_plank", 0, hold_seconds=6, seed=22), kb), 4 / 3)
    page.get_by_label("Count with my camera").check()
    expect(page.locator("#camera-check")).to_have_text(
        "I cannot see anyone yet: stand back so the camera sees all of you.", timeout=20_000
    )
    page.get_by_role("button", name="Start the guided session").click()
    expect(page.locator("#what")).to_have_text("Get ready")
    page.keyboard.press("Enter")  # past the get-ready
    expect(page.locator("#detail")).to_contain_text("Set 1 of 1: 2 reps")
    page.evaluate("(frames) => { window.__replay = { frames }; }", bridges)
    expect(page.locator("#camera-check")).to_have_text("Ready: I can see you.", timeout=10_000)
    expect(page.locator("#camera-cue")).to_contain_text("Lift a little higher", timeout=20_000)
    shoot(page, "camera-counting")
    assert serious_violations(page) == []
    # two reps counted: the set ends and is saved, and the next one begins
    expect(page.locator("#what")).to_have_text("Next: Pelvic curl", timeout=20_000)
    expect(page.locator("#saved")).to_have_text("Saved: 1 set done.")
    spoken = page.evaluate("window.__spoken")
    assert "1" in spoken
    assert any(s.startswith("2. Next, Pelvic curl") for s in spoken)  # the last rep, then what is next
    assert any(s.startswith("Lift a little higher") for s in spoken)

    # the camera does not follow the pelvic curl: the clock times it, and Done ends it early
    page.evaluate("window.__replay = null")
    page.keyboard.press("Enter")
    expect(page.locator("#camera-check")).to_contain_text("does not follow Pelvic curl yet")
    page.keyboard.press("d")

    # the side plank: held for its 2 seconds, then the session is complete
    expect(page.locator("#what")).to_have_text("Next: Side plank")
    page.keyboard.press("Enter")
    page.evaluate("(frames) => { window.__replay = { frames }; }", plank)
    expect(page.get_by_role("heading", name="Well done: session complete")).to_be_visible(timeout=20_000)
    saved = sets_saved(store)
    assert saved[0] == ("glute_bridge", 2, None, "camera", ["hips_not_extended", "hips_not_extended"])
    assert saved[1][0] == "pelvic_curl"
    assert saved[1][3] is None
    assert saved[2][:4] == ("side_plank", None, 2, "camera")
    # the camera is let go once the session ends
    assert page.evaluate("document.getElementById('camera-video').srcObject") is None
    # and what it saw is told after the feedback
    page.get_by_label("How hard was it overall?").fill("4")
    page.get_by_label("Any pain?").fill("0")
    page.get_by_role("button", name="Save how it felt").click()
    report = page.locator(".camera-report")
    expect(report).to_contain_text("Glute bridge: 2 reps counted.")
    expect(report).to_contain_text("Hips not extended (2 times): Lift a little higher")
    expect(report).to_contain_text("Side plank: held for 2 s")
    expect(report).not_to_contain_text("Pelvic curl")
    shoot(page, "camera-report")
    image_free(traffic)


def test_turned_off_while_starting_or_mid_set_the_camera_is_let_go_and_the_clock_takes_over(
    camera_page: tuple[Page, Traffic], site: str, store: str, kb: Knowledge
) -> None:
    page, traffic = camera_page
    replaying_model(page)
    page.add_init_script("window.__startMs = 1500;")
    page.goto(site + "session")
    camera = page.get_by_label("Count with my camera")
    live_tracks = "(document.getElementById('camera-video').srcObject?.getTracks() || []).filter((t) => t.readyState === 'live').length"
    # off again while the model is still starting: once it has started, nothing is left running
    camera.check()
    expect(page.locator("#camera-check")).to_contain_text("Loading the pose model")
    camera.uncheck()
    page.wait_for_timeout(2500)
    assert page.evaluate(live_tracks) == 0
    expect(page.locator("#camera-panel")).to_be_hidden()

    # on for a set; off after the first rep: the clock goes on from the rep counted
    camera.check()
    expect(page.locator("#camera-check")).to_contain_text("I cannot see anyone yet", timeout=10_000)
    page.get_by_role("button", name="Start the guided session").click()
    expect(page.locator("#what")).to_have_text("Get ready")
    page.keyboard.press("Enter")
    expect(page.locator("#what")).to_have_text("Glute bridge")
    page.evaluate("(frames) => { window.__replay = { frames }; }",
                  at_aspect(frames_for(Vector("bridge", "glute_bridge", 3, seed=23), kb), 4 / 3, faster=2))  # fmt: skip
    expect(page.get_by_role("progressbar")).to_have_attribute(
        "aria-valuetext", "reps counted: 1 of 2", timeout=10_000
    )
    page.keyboard.press("c")
    expect(page.locator("#camera-panel")).to_be_hidden()
    assert page.evaluate(live_tracks) == 0
    expect(page.get_by_role("progressbar")).to_have_attribute(
        "aria-valuetext", re.compile(r"^rep [12] of 2$")
    )
    page.get_by_role("button", name="Done with this set").click()
    expect(page.locator("#saved")).to_have_text("Saved: 1 set done.")
    (bridge,) = sets_saved(store)
    assert bridge[0] == "glute_bridge"
    assert bridge[1] is not None
    assert bridge[1] >= 1
    assert bridge[3] is None  # the clock, not the camera, ended it
    image_free(traffic)
