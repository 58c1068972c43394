"""``momcert verify`` as a library (:mod:`momcert.numerics.verify`): configurations validated in Python with the
command line's messages and before torch, the flags generated from their fields, and the same run whether the
configuration is given whole or as keywords."""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from momcert.numerics import cli
from momcert.numerics.run_options import RunOptions
from momcert.numerics.scenarios.arguments import flag
from momcert.numerics.scenarios.configs import AdditiveConfig, ArtificialCriticalConfig, ReluNesterovConfig
from momcert.numerics.scenarios.fields import options
from momcert.numerics.verify import SCENARIOS, configuration, verify
from momcert.theory.errors import InputError

COMMON_FLAGS = {"--device", "--dtype", "--seed", "--out", "--resume", "--no-checkpoints", "--quick", "--json",
                "--no-progress", "--threads", "-h", "--help"}


def test_configs_options_and_the_registry_import_no_torch(tmp_path):
    code = ("import sys; from momcert.numerics.verify import SCENARIOS, run_options; "
            "[entry.config(quick=True) for entry in SCENARIOS.values()]; "
            f"run_options('additive', out={str(tmp_path)!r}); "
            "print('torch' in sys.modules, 'numpy' in sys.modules)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "False"]


def _scenario_parsers():
    def subcommands(parser):
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices

    return subcommands(subcommands(cli.build_parser())["verify"])


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_flags_are_the_fields(name):
    parser = _scenario_parsers()[name]
    config = SCENARIOS[name].config
    generated = {option for action in parser._actions for option in action.option_strings} - COMMON_FLAGS
    assert generated == {flag(item.name) for item in options(config)}
    helps = {action.option_strings[0]: action.help for action in parser._actions if action.option_strings}
    for item in options(config):
        if item.metadata["hidden"]:
            assert helps[flag(item.name)] == argparse.SUPPRESS
        else:
            assert helps[flag(item.name)].startswith(item.metadata["help"].replace("%", "%%") + " (default: ")


def test_a_python_value_gets_the_command_lines_message():
    with pytest.raises(InputError, match=r"^--s-max-A2: '-1' is not a positive finite number \(got 0.1,-1\)$"):
        AdditiveConfig(s_max_A2=[0.1, -1])
    with pytest.raises(InputError, match=r"^--scale: must be A:B with numbers 0 < A < B \(got 1:0.5\)$"):
        ArtificialCriticalConfig(scale=(1, 0.5))
    with pytest.raises(InputError, match=r"^--widths: give one width or 2 \(one per hidden layer at depth 3\) "
                                         r"\(got 8,8,8\)$"):
        ReluNesterovConfig(regime="lk", depth=3, widths=(8, 8, 8))
    with pytest.raises(InputError, match=r"^--resume: needs the checkpoints that --no-checkpoints turns off"):
        RunOptions(resume=True, write_checkpoints=False)
    with pytest.raises(InputError, match=r"^--seed: must be an integer in \[0, 9223372036854775807\] \(got -1\)$"):
        RunOptions(seed=-1)


def test_text_and_values_build_the_same_config_and_quick_only_fills_what_is_not_given():
    assert configuration("additive", kappa="25", s_max_A2="0.01,5") == AdditiveConfig(kappa=25, s_max_A2=(0.01, 5))
    assert AdditiveConfig(kappa=25.123456789).kappa == 25.123456789  # no digits lost on the way through the parser
    assert (AdditiveConfig().dim_x, AdditiveConfig(quick=True).dim_x, AdditiveConfig(quick=True, dim_x=7).dim_x) == (
        50, 20, 7)
    lk = ReluNesterovConfig(regime="lk", quick=True)
    assert lk.sizes == {"hidden": [2048], "n": 4, "d0": 2, "d_out": 1, "trials": 1, "iterations": 300}
    assert lk.depth == 2 and ReluNesterovConfig().depth == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        lk.n = 5


def _report(path: Path) -> dict:
    report = json.loads((path / "report.json").read_text())
    report.pop("wall_time_s")
    return report


def test_verify_with_a_config_equals_verify_with_its_fields(tmp_path):
    fields = {"draws": 16, "steps": 12, "eta": 2, "scale": "0.5:0.9"}
    by_keywords = verify("artificial-critical", quick=True, out=tmp_path / "a", device="cpu", no_progress=True,
                         no_checkpoints=True, **fields)
    config = ArtificialCriticalConfig(quick=True, draws=16, steps=12, eta=2.0, scale=(0.5, 0.9))
    by_config = verify("artificial-critical", config=config,
                       options=RunOptions(out=tmp_path / "b", device="cpu", progress=False, write_checkpoints=False))
    assert by_config.claims == by_keywords.claims and by_config.options == by_keywords.options
    first, second = _report(tmp_path / "a"), _report(tmp_path / "b")
    first["figures"] = second["figures"] = None  # the figures lie in the two folders
    assert first == second
    with pytest.raises(InputError, match="either as config= or as its fields, not both"):
        verify("artificial-critical", config=config, draws=3)
    with pytest.raises(InputError, match="takes its ArtificialCriticalConfig, not AdditiveConfig"):
        verify("artificial-critical", config=AdditiveConfig())
