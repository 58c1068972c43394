"""Scenarios of ``momcert verify``: one module each (interface in :mod:`momcert.numerics.commands.verify`)."""
