"""Scenarios of ``momcert verify``: one module each (interface in :mod:`numerics.commands.verify`)."""
