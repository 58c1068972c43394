"""Subcommands of ``momcert``: one module each, with ``add_parser(subparsers)`` and ``run(args) -> int``.

Import only the standard library at module level (see :mod:`momcert.numerics.cli`).
"""
