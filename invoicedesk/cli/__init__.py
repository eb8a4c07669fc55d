"""The command line: ``invoicedesk [--db PATH_OR_URL] [COMMAND ...]``.

:mod:`invoicedesk.cli.main` builds the argparse parser from the registrars in
``main.commands()``; without a command it opens the GUI. To add a command, write
a module here with ``register(subparsers)`` that calls ``main.add_command`` and
a handler ``(args) -> int``, and list ``register`` in ``main.commands()``.
Handlers raise :class:`~invoicedesk.core.errors.DomainError` for user errors
(the CLI prints one line and exits with 2), import heavy modules (SQLAlchemy,
Qt) inside the handler, and print through :mod:`invoicedesk.cli.output`.
"""
