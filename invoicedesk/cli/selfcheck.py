"""``invoicedesk self-check``: open the app's window on a database and check every screen."""

from __future__ import annotations

import argparse
import sys

from invoicedesk.cli.common import SubParsers, add_command
from invoicedesk.i18n import tr


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "self-check",
        _run,
        help=tr("check that this installation works: every screen and the invoice editor"),
        description=tr(
            "Open the app's window on the database (without changing it or your window "
            "settings), show every screen, wait for it to load and open the newest invoice "
            "in the editor. Prints one line per step; exits 0 when all passed, 1 otherwise."
        ),
    )
    parser.add_argument(
        "--offscreen", action="store_true", help=tr("draw without a screen (servers, CI)")
    )


def _run(args: argparse.Namespace) -> int:
    from invoicedesk.ui.self_check import run_self_check  # Qt loads only here

    return run_self_check(args.db, sys.stdout, offscreen=args.offscreen)
