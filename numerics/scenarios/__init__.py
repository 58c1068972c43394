"""Scenarios of ``momcert verify``: for each, a configuration in :mod:`momcert.numerics.scenarios.configs` (its options,
validated with the standard library only) and a module with ``run(options, config) -> Report`` (the experiment and
its claims); :mod:`momcert.numerics.verify` registers both."""
