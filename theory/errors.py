"""Errors that describe bad user input.

The command line turns every :class:`InputError` into one line on stderr and exit code 2; the Python API raises it
as an ordinary ``ValueError`` subclass, so ``except ValueError`` keeps working for callers.
"""


class InputError(ValueError):
    """Bad input from a user: the message is one line that names the offending token or value."""


class ParseError(InputError):
    """Expression text that the whitelist grammar rejects (see :mod:`momcert.theory.parse`)."""
