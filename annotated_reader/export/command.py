"""CLI commands of the exports (registered into `reader` by cli.build_parser)."""
from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `reader export jsonld|epub` and `reader import-annotations`."""
