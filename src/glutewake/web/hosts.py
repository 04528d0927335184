"""The names this computer answers to on its own loopback: always served, never a warning."""

from __future__ import annotations

__all__ = ["LOCAL_HOSTS"]

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
