"""`glutewake config`: the user's settings that are not the coach's (where they live)."""

from __future__ import annotations

import click

from glutewake.cli._text import say

__all__ = ["config"]


@click.group()
def config() -> None:
    """Your settings, kept in config.toml in the data directory.

    `region` is where you live: every emergency number and service glutewake names comes
    from it (999 and NHS 111 in the United Kingdom, 911 in the United States, 000 in Australia...).

    \b
    Examples:
      glutewake config region
      glutewake config region ie
    """


@config.command()
@click.argument("region_id", required=False, metavar="[REGION]")
def region(region_id: str | None) -> None:
    """Show where you live, or set it, so that advice names your emergency number and services.

    Without REGION it shows the current choice and every region glutewake knows.

    \b
    Examples:
      glutewake config region
      glutewake config region au
    """
    from glutewake.app import refusals, region
    from glutewake.config import ConfigError

    try:
        if region_id is not None:
            region.save_region(region_id.lower())
        current = region.region_setting()
    except refusals.InputError as error:
        raise click.BadParameter(str(error), param_hint="REGION") from None
    except (ConfigError, OSError) as error:
        raise click.ClickException(str(error)) from None
    kb = region.knowledge()
    chosen = kb.regions[kb.region]
    if region_id is not None:
        say(
            f"Saved: {chosen.name}. In an emergency glutewake will tell you to call {chosen.emergency_number}."
        )
        return
    note = "" if current else " (the default; set yours with `glutewake config region ID`)"
    say(f"Region: {chosen.id}, {chosen.name}{note}")
    for item in kb.regions.values():
        say(
            f"  {item.id:3} {item.name}: emergency {item.emergency_number}, urgent help {item.urgent_service}"
        )
