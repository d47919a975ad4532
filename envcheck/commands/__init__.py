"""Commands that live in their own modules, registered onto the typer app of `envcheck.cli`.

Importing this package is cheap: boto3 and the engine load only when a command runs.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from envcheck.commands.diff import diff_files
    from envcheck.commands.ecs import ecs_app

    app.add_typer(ecs_app, name="ecs")
    app.command("diff")(diff_files)
