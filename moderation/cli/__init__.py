"""The `moderation` command line: one click group, subcommands registered per domain."""

from __future__ import annotations

import click

from moderation.cli import records_cmds, review_cmds, scan_cmd, service_cmds, train_cmds


@click.group()
@click.version_option(package_name="moderation")
def main() -> None:
    """Content moderation for Chinese-language platforms."""


for _module in (scan_cmd, train_cmds, service_cmds, records_cmds, review_cmds):
    _module.register(main)
