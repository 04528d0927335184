"""Who may use which route: one table, checked for every request by the web's `who` dependency.

`anyone` needs no sign-in (nothing there reads or changes records); `owner` needs the
owner's token or signed-in session. A route missing from the table is refused, and a test
enumerates the app's routes and fails on any without an entry. The clinic server will add
its roles here.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["ACCESS", "Access", "access_for"]

Access = Literal["anyone", "owner"]

# No records there: the API's shape, the icon, the exercises' drawings.
_ANYONE = ("/signin", "/api/health", "/openapi.json", "/favicon.ico", "/figures/{exercise_id}.svg")
_OWNER = (
    # the API
    "/api/triage", "/api/triage/next", "/api/findings", "/api/conditions", "/api/conditions/{condition_id}",
    "/api/exercises", "/api/exercises/{exercise_id}", "/api/progress", "/api/selftests", "/api/plan",
    "/api/checkins", "/api/history", "/api/data", "/api/coach", "/api/coach/settings", "/api/session",
    "/api/session/start", "/api/session/{session_log_id}/sets", "/api/session/{session_log_id}/finish",
    "/api/session/{session_log_id}/feedback",
    # the pages
    "/", "/check", "/region", "/check/begin", "/check/q/{token}", "/check/answer/{token}",
    "/check/result/{token}", "/check/save", "/exercises", "/exercises/{exercise_id}", "/plan", "/plan.ics",
    "/data", "/data/export", "/data/import", "/data/forget", "/selftests", "/checkin", "/progress", "/coach",
    "/coach/status", "/coach/prompt", "/coach/settings", "/coach/{action}", "/session",
    "/session/{session_log_id}/feedback",
)  # fmt: skip

ACCESS: dict[str, Access] = {**dict.fromkeys(_ANYONE, "anyone"), **dict.fromkeys(_OWNER, "owner")}


def access_for(route_path: str) -> Access | None:
    """The rule for a route (by its path template), or None for a route nobody listed."""
    return ACCESS.get(route_path)
