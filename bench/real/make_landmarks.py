"""Extract MediaPipe Pose landmarks for the real-people evaluation set.

Reads clips.json (beside this script) and the source videos in videos/,
and writes, for every clip, two JSON-lines files:

    landmarks/<clip_id>.lite.jsonl   (model_complexity=0)
    landmarks/<clip_id>.full.jsonl   (model_complexity=1)

Each line is one frame in which a pose was found:

    {"t": <seconds from the clip's start, 3 decimals>,
     "landmarks": [[x, y, z, visibility], ... 33 of them]}

x and y are fractions of the image width/height, every number is rounded to
4 decimals; frames without a pose are left out. The legacy Pose solution is
run exactly as the browser does (static_image_mode=False, smooth_landmarks=True,
enable_segmentation=False, min_detection_confidence=0.5,
min_tracking_confidence=0.5), on every frame in order, as RGB, picture as
recorded (no rotation, no resizing). A fresh Pose object is made per clip and
per model. "t" is the frame's presentation time (OpenCV CAP_PROP_POS_MSEC,
falling back to index/fps when the container gives none) minus the clip's
start; when a clip has "cut": [start, end], only frames with start <= time <
end are used and t counts from start.

Rebuilding the set from scratch
-------------------------------
1. The venv (kept apart from the system Python):

       python3 -m venv /work/mpvenv
       /work/mpvenv/bin/pip install mediapipe==0.10.14 opencv-python-headless

   (pip also pulls opencv-contrib-python and numpy 2.x as mediapipe's
   dependencies; `mediapipe.solutions.pose` works with them.)

   The PyPI wheel carries only the full landmark model; for model_complexity=0
   mediapipe tries to download pose_landmark_lite.tflite at run time, which
   fails offline. This script copies it into the venv's mediapipe package from
   the npm package @mediapipe/pose@0.5.1675469404 (the one glutewake's browser
   page serves; its pose_landmark_full.tflite is byte-identical to the
   wheel's, md5 80700fe9e5514be16bd8f8f773f2bbd7; lite is md5
   2ff4286131d9ecfdfdb76693bfe7ad8f). It looks in $POSE_NPM_DIR, then
   the repository's node_modules/@mediapipe/pose (`npm ci` puts it there); elsewhere run
   `npm install @mediapipe/pose@0.5.1675469404` in a scratch folder and set
   POSE_NPM_DIR to its node_modules/@mediapipe/pose.

2. The videos. Every clip in clips.json names its source: "repo" (GitHub
   owner/name), "commit" and "path". Bring each repository's snapshot (with
   the search tool's `fetch`, or `git clone` + `git checkout <commit>` where
   GitHub is reachable) and copy the file to videos/<id><ext>, where <ext> is
   the source file's extension (.mp4 or .gif):

       git --git-dir=<snapshot> show <commit>:<path> > videos/<id><ext>

   The sources used (see README.md for licences):
     hannesvgel/gym_tracking, KavyaDalmia/Form-Compensation-Detector-and-Rep-counter,
     Rom-Levi1/exercise-form-app, rohanx01/Squat-Analysis-Model,
     sagorghhj253/sagor_rehabilitation_project_BME410, yuyoujiang/test_video,
     Hanshitha22/personalised-fitness-companion, venGaza/aiTrainer,
     TechBusa/AmilaFitnessHub, TomNotchYmk/lightweight-human-pose-estimation-3d-demo.pytorch,
     ndnam0109/fitness-content, rnhrn/exercises, 844247707-png/power-pwa,
     julioccv13/entrenamiento_3, Goondoc08/Chloe-Workout,
     mmuno/gymnai-exercise-images, calimiro-ai/WorkoutTracker.
   `python make_landmarks.py --fetch-cmds` prints the git commands for every clip.

3. Run (one process; about 1-3x real time per model on one core):

       /work/mpvenv/bin/python bench/real/make_landmarks.py            # all clips
       /work/mpvenv/bin/python bench/real/make_landmarks.py ID [ID..]  # some clips
       ... --force   redo clips whose landmark files already exist
       ... --check   also fill width/height/fps/seconds in clips.json from the videos
       ... --pictures ID DIR   write clip ID's frames to DIR as JPEG files (bench/pose_fps.py --pictures)

The true rep counts in clips.json were made by eye from contact sheets, never
from these landmarks (see README.md).
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLIPS = os.path.join(HERE, "clips.json")
VIDEOS = os.path.join(HERE, "videos")
OUT = os.path.join(HERE, "landmarks")
MODELS = (("lite", 0), ("full", 1))


LITE_MD5 = "2ff4286131d9ecfdfdb76693bfe7ad8f"


def ensure_lite_model():
    """Put pose_landmark_lite.tflite where the legacy solution looks for it."""
    import hashlib
    import shutil

    import mediapipe

    dst = os.path.join(
        os.path.dirname(mediapipe.__file__), "modules", "pose_landmark", "pose_landmark_lite.tflite"
    )
    if os.path.exists(dst):
        return
    for d in (
        os.environ.get("POSE_NPM_DIR"),
        os.path.join(HERE, "..", "..", "node_modules", "@mediapipe", "pose"),
    ):
        src = d and os.path.join(d, "pose_landmark_lite.tflite")
        if src and os.path.exists(src):
            with open(src, "rb") as f:
                md5 = hashlib.md5(f.read()).hexdigest()
            if md5 != LITE_MD5:
                print(f"warning: {src} has md5 {md5}, expected {LITE_MD5}", file=sys.stderr)
            shutil.copyfile(src, dst)
            return
    raise SystemExit("pose_landmark_lite.tflite not found: set POSE_NPM_DIR (see the docstring)")


def video_path(clip):
    for name in os.listdir(VIDEOS):
        stem, _ext = os.path.splitext(name)
        if stem == clip["id"]:
            return os.path.join(VIDEOS, name)
    raise FileNotFoundError(f"no video for {clip['id']} in {VIDEOS}")


def frames(path, cut):
    """Yield (t, rgb_frame) for the frames in the cut, in order."""
    import cv2

    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise RuntimeError(f"cannot open {path}")
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    start, end = cut if cut else (0.0, float("inf"))
    i = 0
    last = -1.0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        pts = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if i == 0:
            t = max(pts, 0.0)
        elif pts > last:
            t = pts
        else:  # the container gave no usable time stamp
            t = last + 1.0 / fps
        last = t
        i += 1
        if t < start - 1e-6:
            continue
        if t >= end:
            break
        yield t - start, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    cap.release()


def probe(path):
    import cv2

    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS)
    n = 0
    w = h = 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        h, w = f.shape[:2]
        n += 1
    cap.release()
    return {"width": w, "height": h, "fps": round(fps, 3), "seconds": round(n / fps, 2) if fps else None}


def extract(clip, complexity, out_path):
    import mediapipe as mp

    def r4(v):
        return round(float(v), 4)

    n_frames = n_pose = 0
    tmp = out_path + ".part"
    with (
        mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=complexity,
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        ) as pose,
        open(tmp, "w") as out,
    ):
        for t, rgb in frames(video_path(clip), clip.get("cut")):
            n_frames += 1
            res = pose.process(rgb)
            if not res.pose_landmarks:
                continue
            n_pose += 1
            lms = [[r4(p.x), r4(p.y), r4(p.z), r4(p.visibility)] for p in res.pose_landmarks.landmark]
            out.write(json.dumps({"t": round(t, 3), "landmarks": lms}, separators=(",", ":")) + "\n")
    os.replace(tmp, out_path)
    return n_frames, n_pose


def main(argv):
    force = "--force" in argv
    check = "--check" in argv
    ids = [a for a in argv if not a.startswith("--")]
    with open(CLIPS) as f:
        clips = json.load(f)
    if "--pictures" in argv:  # a clip's frames as JPEG files, for bench/pose_fps.py --pictures
        import cv2

        clip_id, out_dir = ids[0], ids[1]
        os.makedirs(out_dir, exist_ok=True)
        clip = next(c for c in clips if c["id"] == clip_id)
        for n, (_t, rgb) in enumerate(frames(video_path(clip), clip.get("cut"))):
            cv2.imwrite(os.path.join(out_dir, f"{n:05d}.jpg"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        return
    if "--fetch-cmds" in argv:
        for c in clips:
            s = c["source"]
            ext = os.path.splitext(s["path"])[1]
            print(
                f"git --git-dir=<{s['repo']} snapshot> show {s['commit']}:'{s['path']}' > videos/{c['id']}{ext}"
            )
        return
    os.makedirs(OUT, exist_ok=True)
    ensure_lite_model()
    if check:
        for c in clips:
            c.update(probe(video_path(c)))
        with open(CLIPS, "w") as f:
            json.dump(clips, f, indent=1, ensure_ascii=False)
            f.write("\n")
    for c in clips:
        if ids and c["id"] not in ids:
            continue
        for name, complexity in MODELS:
            out_path = os.path.join(OUT, f"{c['id']}.{name}.jsonl")
            if os.path.exists(out_path) and not force:
                continue
            t0 = time.time()
            n, k = extract(c, complexity, out_path)
            print(f"{c['id']} {name}: {k}/{n} frames with a pose, {time.time() - t0:.1f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
