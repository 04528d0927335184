"""Videos for Chromium's fake camera (`--use-file-for-fake-video-capture`), made from a
photograph that a registry package ships: scikit-image's astronaut, a NASA portrait of Eileen
Collins, which is in the public domain. Y4M is raw YUV 4:2:0 frames after a one-line header,
which Chromium loops as the camera's picture."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from PIL import Image, ImageEnhance

WIDTH, HEIGHT = 640, 480


def astronaut() -> Image.Image:
    """The photograph, in the middle of a 640 x 480 picture like a webcam's."""
    photo = Image.open(str(importlib.resources.files("skimage") / "data" / "astronaut.png")).convert("RGB")
    photo = photo.resize((HEIGHT, HEIGHT))
    picture = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
    picture.paste(photo, ((WIDTH - HEIGHT) // 2, 0))
    return picture


def dim(picture: Image.Image, factor: float) -> Image.Image:
    return ImageEnhance.Brightness(picture).enhance(factor)


def write_y4m(path: Path, frames: list[Image.Image], fps: int = 15) -> Path:
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            y, cb, cr = frame.convert("YCbCr").split()
            out.write(b"FRAME\n")
            out.write(y.tobytes())
            out.write(cb.resize((WIDTH // 2, HEIGHT // 2)).tobytes())
            out.write(cr.resize((WIDTH // 2, HEIGHT // 2)).tobytes())
    return path
