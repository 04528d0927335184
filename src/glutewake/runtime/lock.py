"""One coach per user: a lock held for as long as a coach runs, on every platform.

POSIX locks with `fcntl.flock`, Windows with `msvcrt.locking`; both are released by the
system when the process dies, so a crashed coach never blocks the next one. Where neither
exists, a lock file made with O_EXCL holds the owner's process id, and a lock whose owner is
gone is taken over.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["AlreadyRunning", "single_instance"]

_TAKEN = "a coach is already running for you"  # each interface says what to do about it


class AlreadyRunning(RuntimeError):
    """Another coach is running for this user."""


@contextlib.contextmanager
def single_instance(home: Path) -> Iterator[None]:
    """Hold the coach lock for as long as the coach runs; raise `AlreadyRunning` if taken."""
    home.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:
        fcntl = None  # type: ignore[assignment]  # Windows, or a Python built without it
    if fcntl is not None:
        with _flock(home / "coach.lock", fcntl):
            yield
        return
    try:
        import msvcrt
    except ImportError:
        msvcrt = None  # neither POSIX nor Windows locks
    if msvcrt is not None:
        with _msvcrt_lock(home / "coach.lock", msvcrt):
            yield
        return
    with _lock_file(home / "coach.pid"):
        yield


@contextlib.contextmanager
def _flock(path: Path, fcntl: object) -> Iterator[None]:
    handle = path.open("wb")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
    except BlockingIOError as error:
        handle.close()
        raise AlreadyRunning(_TAKEN) from error
    try:
        yield
    finally:
        handle.close()


@contextlib.contextmanager
def _msvcrt_lock(path: Path, msvcrt: object) -> Iterator[None]:  # pragma: no cover - Windows only
    handle = path.open("a+b")
    try:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError as error:
        handle.close()
        raise AlreadyRunning(_TAKEN) from error
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        handle.close()


@contextlib.contextmanager
def _lock_file(path: Path) -> Iterator[None]:
    for _ in range(2):
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            break
        except FileExistsError:
            if _owner_alive(path):
                raise AlreadyRunning(_TAKEN) from None
            path.unlink(missing_ok=True)  # left by a coach that died
    else:
        raise AlreadyRunning(_TAKEN)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(str(os.getpid()))
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _owner_alive(path: Path) -> bool:
    try:
        pid = int(path.read_text().strip() or 0)
    except (OSError, ValueError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # POSIX: signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
