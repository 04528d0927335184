"""`glutewake help [COMMAND...]`: a command's help, as `glutewake COMMAND --help` shows it."""

from __future__ import annotations

import click

__all__ = ["help_"]


@click.command(name="help")
@click.argument("names", nargs=-1, metavar="[COMMAND]...")
@click.pass_context
def help_(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Show the help of a command, or of glutewake itself.

    \b
    Examples:
      glutewake help session
      glutewake help coach status
    """
    from glutewake.cli._errors import CommandError

    parent = ctx.parent
    assert parent is not None
    command: click.Command = parent.command
    context = parent
    for depth, name in enumerate(names):
        found = command.get_command(context, name) if isinstance(command, click.Group) else None
        if found is None:
            said = " ".join(["glutewake", *names[:depth]])
            raise CommandError(f"`{said}` has no command {name!r}; `{said} --help` lists them.")
        context = click.Context(found, info_name=name, parent=context)
        command = found
    click.echo(command.get_help(context))
