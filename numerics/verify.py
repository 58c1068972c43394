"""``momcert verify`` as a library: the scenario registry and :func:`verify`, which runs a scenario and returns its
:class:`momcert.numerics.reporting.Report`.

Each scenario is a configuration class (:mod:`momcert.numerics.scenarios.configs`: a frozen dataclass whose fields
are its options, validated on construction) and a function ``run(options, config) -> Report`` in its module
(:mod:`momcert.numerics.scenarios`), imported only when the scenario runs. The options every scenario shares are a
:class:`momcert.numerics.run_options.RunOptions`. The command line (:mod:`momcert.numerics.commands.verify`) builds
its flags from the same fields and calls :func:`execute`; keywords are the command line's options with dashes written
as underscores, so both share one set of defaults and one validation::

    from momcert.numerics.verify import verify
    report = verify("additive", quick=True, out="runs/additive")    # fields and options as keywords

    from momcert.numerics.run_options import RunOptions
    from momcert.numerics.scenarios.configs import AdditiveConfig
    report = verify("additive", config=AdditiveConfig(quick=True), options=RunOptions(out="runs/additive"))
    report              # renders as Markdown in a notebook

Only the standard library is imported here: configurations and options are validated before torch.
"""

from __future__ import annotations

import dataclasses
import difflib
import sys
import time
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any

from momcert.theory.errors import InputError

from .run_options import RunOptions
from .scenarios.configs import AdditiveConfig, ArtificialCriticalConfig, ReluNesterovConfig, SgdFamilyConfig
from .scenarios.fields import ScenarioConfig
from .scenarios.fields import options as fields_of


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One registered scenario: its configuration class and the module whose ``run(options, config)`` runs it."""

    config: type[ScenarioConfig]
    module: str

    @property
    def help(self) -> str:
        return self.config.HELP

    def run(self, run_options: RunOptions, config: ScenarioConfig):
        return import_module(self.module).run(run_options, config)


SCENARIOS: dict[str, Scenario] = {
    "additive": Scenario(AdditiveConfig, "momcert.numerics.scenarios.additive"),
    "relu-nesterov": Scenario(ReluNesterovConfig, "momcert.numerics.scenarios.relu_nesterov"),
    "sgd-family": Scenario(SgdFamilyConfig, "momcert.numerics.scenarios.sgd_family"),
    "artificial-critical": Scenario(ArtificialCriticalConfig, "momcert.numerics.scenarios.artificial_critical"),
}

#: The keywords of :func:`verify` besides the configuration's fields (``no_progress``, ``no_checkpoints``: the
#: command line's spelling of ``progress=False``, ``write_checkpoints=False``; ``quick``: the configuration's).
COMMON = (*(item.name for item in dataclasses.fields(RunOptions)), "no_progress", "no_checkpoints", "quick")


def scenario(name: str) -> Scenario:
    """The registered scenario ``name``; an unknown one is an :class:`InputError` naming the nearest."""
    if name not in SCENARIOS:
        nearest = difflib.get_close_matches(name, list(SCENARIOS), n=1)
        raise InputError(f"unknown scenario {name!r}; "
                         + (f"did you mean {nearest[0]}?" if nearest else "known: " + ", ".join(SCENARIOS)))
    return SCENARIOS[name]


def option_names(name: str) -> tuple[str, ...]:
    """Every keyword :func:`verify` takes for scenario ``name``: the common options, then the fields."""
    return (*COMMON, *(item.name for item in fields_of(scenario(name).config)))


def run_options(name: str, **values: Any) -> RunOptions:
    """The :class:`RunOptions` of keywords as :func:`verify` takes them (``None``: not given; the default output
    folder is ``momcert-runs/SCENARIO``)."""
    values = {key: value for key, value in values.items() if value is not None}
    if "no_progress" in values:
        values["progress"] = values.get("progress", True) and not values.pop("no_progress")
    if "no_checkpoints" in values:
        values["write_checkpoints"] = values.get("write_checkpoints", True) and not values.pop("no_checkpoints")
    values.setdefault("out", f"momcert-runs/{name}")
    return RunOptions(**values)


def configuration(name: str, **values: Any) -> ScenarioConfig:
    """The configuration of scenario ``name`` from its fields (``None``: not given, the default) and ``quick``; an
    unknown field is an :class:`InputError` naming the nearest."""
    config = scenario(name).config
    known = [item.name for item in fields_of(config)]
    for key in values:
        if key not in (*known, "quick"):
            nearest = difflib.get_close_matches(key, [*known, *COMMON], n=1)
            raise InputError(f"{key!r} is not an option of momcert verify {name}; "
                             + (f"did you mean {nearest[0]!r}?" if nearest else f"see momcert verify {name} --help"))
    return config(**{key: value for key, value in values.items() if value is not None})


def verify(name: str, *, config: ScenarioConfig | None = None, options: RunOptions | None = None, **values: Any):
    """Run scenario ``name`` in this process and return its report (also written to ``options.out``).

    Either ``config`` (an instance of the scenario's configuration class) or its fields as keywords, and either
    ``options`` (a :class:`RunOptions`) or the common keywords (``quick``, ``out``, ``seed``, ``device``, ``dtype``,
    ``resume``, ``threads``, ``progress``/``no_progress``, ``write_checkpoints``/``no_checkpoints``). Bad values raise
    :class:`momcert.theory.errors.InputError` with the same one-line message as the command line.
    """
    common = {key: values.pop(key) for key in list(values) if key in COMMON}
    quick = common.pop("quick", None)
    if config is not None and (values or quick is not None):
        raise InputError("give the configuration either as config= or as its fields, not both")
    if options is not None and common:
        raise InputError("give the common options either as options= or as keywords, not both")
    if options is None:
        options = run_options(name, **common)
    if config is None:
        config = configuration(name, quick=quick, **values)
    elif not isinstance(config, scenario(name).config):
        raise InputError(f"config: momcert verify {name} takes its {scenario(name).config.__name__}, "
                         f"not {type(config).__name__}")
    return execute(name, config, options)


def execute(name: str, config: ScenarioConfig, options: RunOptions):
    """Run scenario ``name`` with a validated ``config`` and ``options`` (torch is imported here), time it, and write
    its report into ``options.out``; return the :class:`Report`. A ``resume`` with nothing to resume is said on
    stderr."""
    note = options.resume_note()
    if note is not None:
        print(f"momcert verify {name}: note: {note}", file=sys.stderr)
    resolved = options.resolve(getattr(config, "estimate", None))
    cpu = resolved.device.type == "cpu"
    start = time.perf_counter()
    with intra_op_threads(resolved.threads if cpu else None):
        report = scenario(name).run(resolved, config)
    report.wall_time_s = time.perf_counter() - start
    report.options.setdefault("threads", resolved.threads if cpu else None)
    report.write(Path(resolved.out))
    return report


@contextmanager
def intra_op_threads(count: int | None):
    """Run with ``count`` torch intra-op threads (None: leave them), restoring the previous number afterwards."""
    import torch

    before = torch.get_num_threads()
    if count is not None:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
