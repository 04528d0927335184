"""Writing a file so that nobody else can read it, change it or point it elsewhere.

The new contents go to a temporary file that this call creates itself (a random name, created
exclusively, mode 0600, never through a link someone left there), are flushed to disk, and then
replace the target in one rename. A crash leaves the old file or the new one, never half of
either; a link at the target's name is replaced, never followed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_private"]


def write_private(target: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `target` with `data` (mode 0600 unless told); raises OSError, leaving nothing behind."""
    descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if mode != 0o600:
                os.fchmod(handle.fileno(), mode)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
