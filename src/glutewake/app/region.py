"""Where the user lives: the region setting, and the knowledge worded for it.

The knowledge's texts name the services of a region (999 and NHS 111 in the UK, 112
elsewhere in Europe, ...); the user chooses theirs once and every text follows.
"""

from __future__ import annotations

import functools

from glutewake.app.refusals import InputError
from glutewake.knowledge import Knowledge, load_knowledge

__all__ = ["REGION_ENV", "emergency_signs", "knowledge", "region_setting", "regions", "save_region"]


def knowledge(region: str | None = None) -> Knowledge:
    """The knowledge base, its texts naming the services of `region` (default: the user's setting)."""
    return load_knowledge(region=region or region_setting())


def emergency_signs(kb: Knowledge | None = None) -> list[str]:
    """What on its own means an emergency, in the user's region's words (for safety notices);
    `kb`: the knowledge already in hand, if any."""
    kb = kb or knowledge()
    return _emergency_signs(kb.digest, kb.region)


@functools.lru_cache(maxsize=16)
def _emergency_signs(digest: str, region: str) -> list[str]:  # the knowledge is fixed per digest
    from glutewake.core.triage import emergency_signs as signs

    return [finding.label_yes for finding in signs(load_knowledge(region=region))]


REGION_ENV = "GLUTEWAKE_REGION"  # a clinic server's one region, for every person it serves


def region_setting() -> str | None:
    """The region the user chose (config.toml `[settings] region`), or None before they have;
    on a clinic server, the server's region (`GLUTEWAKE_REGION`, set by `glutewake clinic serve`)."""
    import os

    from glutewake.config import config_path

    fixed = os.environ.get(REGION_ENV)
    if fixed:
        return fixed if fixed in load_knowledge().regions else None

    try:
        stamp = config_path().stat().st_mtime_ns
    except OSError:
        return None
    return _region_in_config(stamp)


@functools.lru_cache(maxsize=4)
def _region_in_config(stamp: int) -> str | None:  # keyed by the file's mtime: read again on change
    from glutewake.config import read_section

    region = read_section("settings").get("region")
    return region if isinstance(region, str) and region in load_knowledge().regions else None


def regions() -> dict[str, str]:
    """The regions glutewake knows: id -> name."""
    return {r.id: r.name for r in load_knowledge().regions.values()}


def save_region(region: str) -> None:
    """Keep the user's region; raises `InputError` naming the choices for an unknown one."""
    from glutewake.config import read_section, write_section

    regions = load_knowledge().regions
    if region not in regions:
        choices = ", ".join(f"{r.id} ({r.name})" for r in regions.values())
        raise InputError(f"{region!r} is not a region glutewake knows; choose one of {choices}")
    write_section("settings", {**read_section("settings"), "region": region})
