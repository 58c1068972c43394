"""The configurations of the ``momcert verify`` scenarios (:mod:`momcert.numerics.scenarios.fields`): one frozen
dataclass each, whose fields are the scenario's options and whose construction validates them. Standard library only.

``AdditiveConfig(kappa=25)``, ``ReluNesterovConfig(regime="lk", quick=True)``: the values a run uses; the run itself is
``run(options, config)`` in the scenario's module (:mod:`momcert.numerics.verify` registers both).
"""

from __future__ import annotations

import dataclasses
from functools import partial
from itertools import pairwise
from typing import Any, ClassVar

from ..limits import Estimate, require
from .arguments import (
    DIGITS_SIZE,
    MAX_STEP_DELAY,
    MIN_ITERATIONS,
    choice,
    choices,
    flag,
    integer,
    interval,
    invalid,
    number,
    positive_numbers,
)
from .fields import ScenarioConfig, option, text


def _tuple_of(parse, *args):
    """``parse`` (a parser of comma-separated values) with its list as a tuple (configs are frozen)."""
    return lambda value, name: tuple(parse(value, name, *args))


_count = integer
_iterations = partial(integer, minimum=MIN_ITERATIONS)
_positive = partial(number, positive=True)
_widths = _tuple_of(positive_numbers, int)


def _unspecified(name: str) -> Any:
    return option(None, _positive, f"[LK] leaves {name} unspecified; give a value to decide the hypothesis",
                  shown="report the implied constant only")


def _step_delay() -> Any:  # testing aids (hidden): slow the steps down and checkpoint often, so a test can kill a run
    return option(0.0, partial(number, minimum=0, maximum=MAX_STEP_DELAY), "seconds slept after each step",
                  hidden=True)


def _checkpoint_seconds() -> Any:
    return option(30.0, partial(number, minimum=0), "seconds between checkpoints", hidden=True)


# -- additive ----------------------------------------------------------------------------------------------------
#: Largest kappa accepted: beyond it L1 = kappa s_min(A1)^2 and the rates lose all float64 precision.
MAX_KAPPA = 1e12
#: The singular-value layouts of A1 (the values of :data:`momcert.numerics.problems.SPECTRA`, restated here so that
#: the command line is built without importing torch; a test checks that they agree); the first is the default.
SPECTRA = ("geometric", "linear")


@dataclasses.dataclass(frozen=True)
class AdditiveConfig(ScenarioConfig):
    """``momcert verify additive`` (:mod:`momcert.numerics.scenarios.additive`)."""

    HELP: ClassVar[str] = ("GD vs Nesterov on the [LK] additive model ||A1 x + relu(A2 u) - b||^2/2 "
                           "(Theorems 6, 7, 13)")

    s_max_A2: tuple[float, ...] = option((0.01, 0.3, 5.0), _tuple_of(positive_numbers),
                                         "comma-separated values of s_max(A2)", "S,...")
    kappa: float = option(100.0, partial(number, minimum=1, maximum=MAX_KAPPA),
                          "kappa = cond(A1)^2; 25 gives the levels of [LK] Figure 1a")
    spectrum: str = option(SPECTRA[0], partial(choice, allowed=SPECTRA),
                           "singular values of A1 between 1 and sqrt(kappa): equal ratios or equal steps",
                           "{geometric,linear}")
    dim_x: int = option(50, _count, "size of A1 (square) and of x", "N", quick=20)
    dim_u: int = option(50, _count, "size of u", "N", quick=20)
    trials: int = option(10, _count, "random instances", "N", quick=5)
    iterations: int = option(100, _iterations, "iterations per run", "N")
    C1: float | None = _unspecified("C1")
    C2: float | None = _unspecified("C2")
    step_delay: float = _step_delay()
    checkpoint_seconds: float = _checkpoint_seconds()

    @property
    def sizes(self) -> dict[str, int]:
        return {"dim_x": self.dim_x, "dim_u": self.dim_u, "trials": self.trials, "iterations": self.iterations}

    def validate(self) -> None:
        self.settle(estimate=additive_estimate(self.sizes, len(self.s_max_A2)))


def additive_estimate(sizes: dict[str, int], settings: int) -> Estimate:
    """Refuse sizes beyond the machine (:mod:`momcert.numerics.limits`): per trial A1 and its two orthogonal
    factors (3 dim_x^2), A2 (dim_x dim_u), iterates, momentum and gradients; 5 runs per setting of matrix-vector
    products (4 (dim_x^2 + dim_x dim_u) flop a step) and the QR factorizations of the instances (~10 dim_x^3)."""
    dx, du, trials, steps = (sizes[key] for key in ("dim_x", "dim_u", "trials", "iterations"))
    return require({flag(key): value for key, value in sizes.items()},
                   memory=8 * trials * (3 * dx * dx + dx * du + 8 * (dx + du) + 5 * 8 * (steps + 1)),
                   work=settings * trials * (5 * steps * 4 * (dx * dx + dx * du) + 10 * dx ** 3))


# -- relu-nesterov -----------------------------------------------------------------------------------------------
SWEEP_SIZES = {"widths": (64, 256, 1024, 2048), "n": 16, "d0": 4, "d_out": 2, "trials": 3, "iterations": 100}
SWEEP_QUICK = {"widths": (16, 64, 256, 512), "n": 8, "d0": 3, "d_out": 2, "trials": 2, "iterations": 40}
DATA = ("teacher", "random", "digits")
REGIMES = ("sweep", "lk")
#: ``--regime lk``: the setting of [LK] Theorem 15 run as stated (the hidden width is ``--widths``, default 2048).
LK_REGIME = {"n": 4, "d0": 2, "d_out": 1, "trials": 3, "iterations": 10000}
LK_QUICK = {"n": 4, "d0": 2, "d_out": 1, "trials": 1, "iterations": 300}
LK_WIDTH = 2048
#: The input and output dimensions of the bundled digits (8 x 8 pixels, 10 classes).
DIGITS_SHAPE = {"d0": 64, "d_out": 10}


def _sizes_shown(key: str) -> str:
    def spelled(sizes):
        return text(sizes[key])

    sweep = spelled(SWEEP_SIZES) + ("" if SWEEP_SIZES[key] == SWEEP_QUICK[key] else f", quick {spelled(SWEEP_QUICK)}")
    if key == "widths":
        return f"{sweep}; --regime lk {LK_WIDTH}"
    lk = spelled(LK_REGIME) + ("" if LK_REGIME[key] == LK_QUICK[key] else f", quick {spelled(LK_QUICK)}")
    return f"{sweep}; --regime lk {lk}"


@dataclasses.dataclass(frozen=True)
class ReluNesterovConfig(ScenarioConfig):
    """``momcert verify relu-nesterov`` (:mod:`momcert.numerics.scenarios.relu_nesterov`): the width sweep, or
    ``regime="lk"``, [LK] Theorem 15 as stated (:mod:`momcert.numerics.lk_regime`). The sizes not given come from the
    regime's defaults (quick or not); :attr:`sizes` holds them all."""

    HELP: ClassVar[str] = ("width sweep of [LK] Nesterov vs GD on depth-3 ReLU networks (Lemma 14, Theorems 6, 7 "
                           "and 15 as stated, and a practical variant)")

    widths: tuple[int, ...] | None = option(None, _widths, "comma-separated hidden widths m (--regime lk: one for "
                                            "every hidden layer, or one per hidden layer)", "M,...",
                                            shown=_sizes_shown("widths"))
    n: int | None = option(None, _count, "number of data points", "N", shown=_sizes_shown("n"))
    d0: int | None = option(None, _count, "input dimension for synthetic data", "N", shown=_sizes_shown("d0"))
    d_out: int | None = option(None, _count, "output dimension for synthetic data", "N",
                               shown=_sizes_shown("d_out"))
    data: str = option("teacher", partial(choice, allowed=DATA),
                       "labels from a ReLU teacher, random labels, or the bundled digits", "{teacher,random,digits}")
    trials: int | None = option(None, _count, "initializations per width", "N", shown=_sizes_shown("trials"))
    iterations: int | None = option(None, _iterations, "iterations per run", "N", shown=_sizes_shown("iterations"))
    regime: str = option("sweep", partial(choice, allowed=REGIMES),
                         "sweep: the width sweep; lk: Theorem 15 as stated on depth 2, n = 4, d0 = 2, width 2048, "
                         "teacher labels, 10,000 iterations (quick: 300, one initialization)", "{sweep,lk}")
    depth: int | None = option(None, partial(integer, minimum=2), "number of layers Lambda >= 2", "N",
                               shown="3; 2 with --regime lk")
    C1: float | None = _unspecified("C1")
    C2: float | None = _unspecified("C2")
    step_delay: float = _step_delay()
    checkpoint_seconds: float = _checkpoint_seconds()

    def validate(self) -> None:
        lk = self.regime == "lk"
        depth = self.depth if self.depth is not None else (2 if lk else 3)
        if lk:
            if self.data != "teacher":
                raise invalid("--data", "--regime lk uses teacher labels", self.data)
            hidden = list(self.widths or (LK_WIDTH,))
            if len(hidden) == 1:
                hidden = hidden * (depth - 1)
            if len(hidden) != depth - 1:
                raise invalid("--widths", f"give one width or {depth - 1} (one per hidden layer at depth {depth})",
                              text(self.widths))
            sizes = {"hidden": hidden, **self._given_sizes(LK_QUICK if self.quick else LK_REGIME)}
            estimate = relu_estimate({**sizes, "widths": hidden}, depth)
        else:
            for key, value in DIGITS_SHAPE.items():
                if self.data == "digits" and getattr(self, key) is not None:
                    raise invalid(flag(key), f"the digits data fix {key} = {value}", getattr(self, key))
            base = SWEEP_QUICK if self.quick else SWEEP_SIZES
            sizes = {"widths": list(self.widths or base["widths"]),
                     **self._given_sizes({key: value for key, value in base.items() if key != "widths"})}
            if self.data == "digits":
                sizes.update(DIGITS_SHAPE)
                if sizes["n"] > DIGITS_SIZE:
                    raise invalid("--n", f"the digits data hold {DIGITS_SIZE} images", sizes["n"])
            estimate = relu_estimate(sizes, depth)
        self.settle(depth=depth, sizes=sizes, estimate=estimate)

    def _given_sizes(self, base: dict[str, int]) -> dict[str, int]:
        return {key: default if getattr(self, key) is None else getattr(self, key) for key, default in base.items()}


def relu_estimate(sizes: dict, depth: int) -> Estimate:
    """Refuse sizes beyond the machine (:mod:`momcert.numerics.limits`). Per trial of the widest network (P =
    d0 m + (depth - 2) m^2 + m d_out parameters): iterates, momentum, gradients, the features (n m) and the recorded
    measurements; per step of the 4 runs of every width (2 practical runs batched over trials, the 2 Theorem 15 runs
    one trial at a time): forward and backward passes (6 n P flop), the n x n eigenproblems (~10 n^3) and Gram
    matrices (n^2 m)."""
    widths, n, d0, d_out, trials, steps = (sizes[key] for key in ("widths", "n", "d0", "d_out", "trials",
                                                                  "iterations"))
    m = max(widths)
    parameters = d0 * m + (depth - 2) * m * m + m * d_out
    counts = {flag(key): sizes[key] for key in ("n", "d0", "d_out", "trials", "iterations")}
    return require({"--widths": m, "--depth": depth, **counts},
                   memory=8 * (trials * (6 * parameters + 4 * n * m + 3 * 16 * (steps + 1)) + n * (d0 + d_out)),
                   work=len(widths) * 4 * steps * trials * (6 * n * parameters + 10 * n ** 3 + n * n * m))


# -- sgd-family --------------------------------------------------------------------------------------------------
METHODS = ("heavy-ball", "sign", "normalized", "clip", "lion")
#: name -> (eta_k / c, theta_k); "{default}" is the library default constant theta. Designed to be covered by
#: xht-two, xht-single, neither, neither; the verdicts used are those of momcert.theory.check.
PAIRS = {
    "two-timescale": ("1/(k+1)**0.9", "1/(k+1)**0.7"),
    "single-timescale": ("1/(k+1)**0.7", "1/(k+1)**0.7"),
    "constant-theta": ("1/(k+1)**0.9", "{default}"),
    "constant-eta": ("1", "1/(k+1)**0.7"),
}
PROBLEMS = ("teacher-student", "digits")
LABEL_NOISE = 0.3
SGD_QUICK = {"n": 512, "checkpoints": 32}
SGD_FULL = {"n": 1024, "checkpoints": 48}


@dataclasses.dataclass(frozen=True)
class SgdFamilyConfig(ScenarioConfig):
    """``momcert verify sgd-family`` (:mod:`momcert.numerics.scenarios.sgd_family`)."""

    HELP: ClassVar[str] = ("the SGD-type framework (heavy-ball, sign, normalized, clip, lion) on minibatch ReLU "
                           "training, vs the verdicts")

    methods: tuple[str, ...] = option(METHODS, _tuple_of(choices, (*METHODS, "clip-coord")), "comma-separated methods",
                                      "NAME,...")
    pairs: tuple[str, ...] = option(tuple(PAIRS), _tuple_of(choices, tuple(PAIRS)),
                                    f"comma-separated schedule pairs: {', '.join(PAIRS)}", "NAME,...", shown="all")
    problem: str = option("teacher-student", partial(choice, allowed=PROBLEMS),
                          "teacher-student regression (inputs on the sphere, noisy labels) or scikit-learn's bundled "
                          "digits", "{teacher-student,digits}")
    steps: int = option(5000, _count, "iterations", "N", quick=1000)
    seeds: int = option(8, _count, "runs per pair", "N", quick=3)
    batch: int = option(16, _count, "minibatch size", "N")
    widths: tuple[int, ...] = option((16,), _widths, "hidden widths, comma-separated", "M,...")
    label_noise: float | None = option(None, partial(number, minimum=0),
                                       "std of Gaussian noise added to teacher labels", shown=f"{LABEL_NOISE:g}")
    eps: float = option(0.05, _positive, "radius of the Goldstein epsilon-ball")
    ball_samples: int = option(8, _count, "gradients sampled in the ball per estimate", "N")

    def validate(self) -> None:
        if self.problem == "digits" and self.label_noise is not None:
            raise invalid("--label-noise", "the digits data have no teacher labels to add noise to",
                          text(self.label_noise))
        sizes = {"steps": self.steps, "seeds": self.seeds, **(SGD_QUICK if self.quick else SGD_FULL)}
        self.settle(sizes=sizes, label_noise=LABEL_NOISE if self.label_noise is None else self.label_noise)
        self.settle(estimate=sgd_estimate(self))


def sgd_estimate(config: SgdFamilyConfig) -> Estimate:
    """Refuse sizes beyond the machine (:mod:`momcert.numerics.limits`), counting the digits' shapes (d0 = 64,
    10 outputs; the larger problem). Memory: the minibatch indices of every step (seeds (steps + 1) batch integers),
    the records of every step, iterates, momentum and gradients. Work per run: forward and backward passes on the
    minibatch (6 batch P flop a step) and, at each checkpoint, the full-batch measures with the Goldstein ball
    samples (6 n P flop each)."""
    sizes, widths = config.sizes, config.widths
    steps, seeds = sizes["steps"], sizes["seeds"]
    parameters = 64 * max(widths) + sum(a * b for a, b in pairwise(widths)) + 10 * widths[-1]
    runs = len(config.methods) * len(config.pairs) * seeds
    return require({"--steps": steps, "--seeds": seeds, "--batch": config.batch, "--widths": max(widths),
                    "--ball-samples": config.ball_samples},
                   memory=8 * runs * ((steps + 1) * (config.batch + 8) + 4 * parameters) + 8 * sizes["n"] * 74,
                   work=runs * (6 * steps * config.batch * parameters
                                + 6 * sizes["checkpoints"] * (config.ball_samples + 1) * sizes["n"] * parameters))


# -- artificial-critical -----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ArtificialCriticalConfig(ScenarioConfig):
    """``momcert verify artificial-critical`` (:mod:`momcert.numerics.scenarios.artificial_critical`). The random
    steps eta s, s in [A, B], must stay in (0, 2], where GD on (x-1)^2/2 converges."""

    HELP: ClassVar[str] = ("autodiff's artificial critical point: deterministic GD stuck, randomized stepsizes and x0 "
                           "are not")

    draws: int = option(1000, _count, "randomized runs, batched", "N")
    steps: int = option(200, _count, "GD steps per run", "N")
    eta: float = option(2.0, _positive, "the deterministic stepsize")
    x0: float = option(2.0, number, "the deterministic start")
    scale: tuple[float, float] = option((0.5, 0.95), interval, "the law of the random stepsize factor, uniform on "
                                        "[A, B]", "A:B", join=":")
    x0_radius: float = option(1.0, partial(number, minimum=0), "random starts are uniform on [x0 - R, x0 + R]", "R")
    tolerance: float = option(1e-6, _positive, "a run has reached the minimizer 1 when |x_K - 1| <= this")

    def validate(self) -> None:
        if self.eta * self.scale[1] > 2:
            raise invalid("--scale", f"with --eta {self.eta:g} the largest step eta * B = {self.eta * self.scale[1]:g} "
                                     "exceeds 2, where GD on (x-1)^2/2 diverges", text(self.scale, ":"))
        # the two (steps + 1, draws) trajectories kept for the claims and the figure; ~30 flop per run and step
        self.settle(estimate=require({"--draws": self.draws, "--steps": self.steps},
                                     memory=8 * 4 * (self.steps + 1) * self.draws, work=30 * self.draws * self.steps))
