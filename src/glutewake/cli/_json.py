"""`--json` output: any domain value, written through the one codec the store and the API use."""

from __future__ import annotations

import json

import click

from glutewake.codec import dump

__all__ = ["echo_json"]


def echo_json(value: object) -> None:
    click.echo(json.dumps(dump(value), indent=2, ensure_ascii=False))
