"""The camera coach in headless Chromium on this machine's CPU: the pose model's frames per
second for each model shipped (MediaPipe Pose lite and full, from glutewake's own server), and
motion.js's time per frame in the browser.

The picture is scikit-image's astronaut photograph (640 x 480, as a webcam's), sent to the model
as the camera's video would be. Chromium runs with its software WebGL, as on a machine without
a GPU: a real browser on a laptop or phone is faster.

    python3 bench/pose_fps.py [--frames 40] [--pictures DIR]

With --pictures, the frames are a real recording's, one after another (a clip of bench/real:
`/work/mpvenv/bin/python bench/real/make_landmarks.py --pictures ID DIR` writes them, as
Debian's Chromium cannot play MP4); decoding them is left out of the time, as a camera hands
its frames over already decoded.
"""

from __future__ import annotations

import argparse
import base64
import io
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright
from tests.camera.video import astronaut
from tests.motion.vectors import VECTORS, frames_for
from tests.plans import tiny_plan
from tests.servers import running
from tests.web.browsing import CHROMIUM, signed_in_cookie

from glutewake.clock import SystemClock
from glutewake.knowledge import load_knowledge
from glutewake.store import Store, connect

MEASURE = """async ({ png, pictures, complexity, frames }) => {
  if (!window.Pose) {
    await new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/static/vendor/pose/pose.js";
      script.onload = resolve; script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  let image = new Image();
  let next = async () => {};
  if (pictures) {  // a real recording's frames, one after another, as a camera would give them
    let n = 0;
    next = async () => {
      n += 1;
      image = new Image();
      image.src = "data:image/jpeg;base64," + pictures[n % pictures.length];
      await image.decode();
    };
    await next();
  } else {
    image.src = "data:image/png;base64," + png;
    await image.decode();
  }
  const pose = new Pose({ locateFile: (file) => "/static/vendor/pose/" + file });
  pose.setOptions({ modelComplexity: complexity, smoothLandmarks: true });
  let found = 0;
  pose.onResults((results) => { if (results.poseLandmarks) found += 1; });
  let began = performance.now();
  await pose.initialize();
  await pose.send({ image });
  const first = performance.now() - began;
  for (let i = 0; i < 5; i += 1) { await next(); await pose.send({ image }); }
  let seconds = 0;
  for (let i = 0; i < frames; i += 1) {
    await next();  // not timed: a camera hands over its next frame already decoded
    began = performance.now();
    await pose.send({ image });
    seconds += (performance.now() - began) / 1000;
  }
  await pose.close();
  return { fps: frames / seconds, first_ms: first, found };
}"""

EVALUATE = """async ({ rules, vectors }) => {
  if (!window.GlutewakeMotion) {  // the page shows it only when a session may start
    await new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/static/motion.js";
      script.onload = resolve; script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  let frames = 0, ms = 0;
  for (const { exercise, frames: list } of vectors) {
    for (let round = 0; round < 5; round += 1) {
      const live = new GlutewakeMotion.Live(rules[exercise]);
      const began = performance.now();
      for (const frame of list) live.add(frame);
      ms += performance.now() - began;
      frames += list.length;
    }
  }
  return { us_per_frame: 1000 * ms / frames, frames };
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40, help="frames timed for each model (default 40)")
    parser.add_argument(
        "--pictures",
        type=Path,
        help="a directory of a recording's frames as JPEG files, in name order (bench/real/make_landmarks.py"
        " --pictures makes them from a clip)",
    )
    args = parser.parse_args()
    frames = args.frames
    pictures = None
    if args.pictures:
        files = sorted(args.pictures.glob("*.jpg"))
        if not files:
            parser.error(f"{args.pictures} has no .jpg files")
        files = files[:: max(1, len(files) // (frames + 6))]  # spread over the recording
        pictures = [base64.b64encode(f.read_bytes()).decode() for f in files]
    from glutewake.codec import dump

    kb = load_knowledge()
    picture = io.BytesIO()
    astronaut().save(picture, "PNG")
    png = base64.b64encode(picture.getvalue()).decode()
    with tempfile.TemporaryDirectory() as work:
        home = Path(work)
        url = f"sqlite:///{home / 'bench.db'}"
        repo = Store(connect(url), SystemClock()).owner()
        repo.save_plan(tiny_plan(date.today()), None)
        repo.close()
        with running("--database-url", url, "serve", "--no-browser", "--port", "0", home=home) as (site, _), \
                sync_playwright() as playwright:  # fmt: skip
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            context = browser.new_context()
            context.add_cookies([signed_in_cookie(home)])
            page = context.new_page()
            page.goto(site + "session")
            what = (
                f"frames of the recording in {args.pictures}"
                if pictures
                else "frames of a 640 x 480 picture each"
            )
            print(f"MediaPipe Pose in headless Chromium, {frames} {what}")
            for complexity, name in ((0, "lite"), (1, "full")):
                got = page.evaluate(
                    MEASURE, {"png": png, "pictures": pictures, "complexity": complexity, "frames": frames}
                )
                print(f"  {name:5} {got['fps']:5.1f} frames/s; first frame (loading included) {got['first_ms'] / 1000:.1f} s;"
                      f" a person found in {got['found']} of {frames + 6}")  # fmt: skip
            rules = {e: dump(rule) for e, rule in kb.motion.items()}
            vectors = [{"exercise": v.exercise, "frames": frames_for(v, kb)} for v in VECTORS]
            timed = page.evaluate(EVALUATE, {"rules": rules, "vectors": vectors})
            print(f"motion.js (Live, both sides) in Chromium: {timed['us_per_frame']:.1f} µs per frame"
                  f" over {timed['frames']} frames")  # fmt: skip
            browser.close()


if __name__ == "__main__":
    main()
