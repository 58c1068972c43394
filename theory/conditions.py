"""The stepsize conditions of the SGD-type theorems [XHT]/[SA]: ids (part of the public output), LaTeX statements,
provenance, deciders. ``momcert explain ID`` prints each condition.

Each condition is decided on the sequences (eta_k, theta_k) by :mod:`momcert.theory.asymptotics` and yields a
:class:`momcert.theory.asymptotics.Decision` (the exact region where it holds, the region where it fails). The last
two are the structural requirements of plain SGD ([SA]), decided from theta_k and the method: theta_k = 1 (no
momentum) and the heavy-ball map Phi = id with rho = 1 (no perturbed direction argument).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from . import asymptotics
from .asymptotics import Decision
from .methods import method as method_spec
from .parse import K
from .regions import FALSE, TRUE, equal


@dataclass(frozen=True)
class Schedule:
    """The sequences a condition is decided on, the optional random scale interval [A, B], the method's name and the
    weight rho of its direction argument m_k + rho theta_k (g_k - m_k) (1 for the framework)."""

    eta: sympy.Expr
    theta: sympy.Expr
    random_scale: tuple[sympy.Expr, sympy.Expr] | None = None
    method: str = "heavy-ball"
    rho: sympy.Expr = sympy.S.One


@dataclass(frozen=True)
class Condition:
    id: str
    statement: str  # LaTeX
    provenance: str
    decide: Callable[[Schedule], Decision]


def _named(name: str, decide: Callable[[Schedule], Decision]) -> Callable[[Schedule], Decision]:
    """The decision with the generic sequence name a_k in its reason replaced by ``name``."""
    def named(schedule: Schedule) -> Decision:
        decision = decide(schedule)
        return Decision(decision.holds, decision.fails, decision.reason.replace("a_k", name))

    return named


def _both(first: Decision, second: Decision) -> Decision:
    return Decision(first.holds & second.holds, first.fails | second.fails, f"{first.reason}; {second.reason}")


def _random_scale(schedule: Schedule) -> Decision:
    """The scalar multiplies eta_k only (the variables' stepsize, as in ``momcert explain xht-clarke``). Every
    condition on eta_k is invariant under multiplication by a positive constant, and theta_k is unchanged, so the
    scaled schedule satisfies exactly the same conditions whenever 0 < A < B; only the interval is checked."""
    if schedule.random_scale is None:
        return Decision(FALSE, TRUE, "no random scale given (--random-scale A:B): the schedule is deterministic")
    low, high = schedule.random_scale
    valid = bool(low > 0) and bool(high > low)
    reason = (f"eta_k is multiplied by one scalar with a density on [{sympy.sstr(low)}, {sympy.sstr(high)}]; the "
              "conditions on eta_k are invariant under a positive factor and theta_k is not scaled")
    return Decision(TRUE, FALSE, reason) if valid else Decision(FALSE, TRUE, "the scale interval needs 0 < A < B")


def _theta_is_one(schedule: Schedule) -> Decision:
    """theta_k = 1 for every k: exact for a theta without k (possibly with parameters); a theta in k fails wherever
    theta_0 != 1 or theta_k does not tend to 1 (elsewhere it stays undecided)."""
    theta = schedule.theta
    if K not in theta.free_symbols:
        one = equal(theta, 1)
        return Decision(one, ~one, f"theta_k = {sympy.sstr(theta)} for every k")
    not_one = ~equal(theta.subs(K, 0), 1) | asymptotics.tends_to_zero(theta - 1).fails
    return Decision(FALSE, not_one, "theta_k varies with k")


def _heavy_ball_map(schedule: Schedule) -> Decision:
    """Phi = id (the heavy-ball map) and rho = 1: the update is x_{k+1} = x_k - eta_k m_{k+1} of the framework."""
    if not method_spec(schedule.method).is_identity:
        return Decision(FALSE, TRUE, f"the direction map of {schedule.method} is not the identity")
    unperturbed = equal(schedule.rho, 1)
    return Decision(unperturbed, ~unperturbed, f"Phi = id; rho = {sympy.sstr(schedule.rho)}")


CONDITIONS: dict[str, Condition] = {c.id: c for c in (
    Condition("eta_positive", r"\eta_k > 0 \text{ for every } k \ge 0", "[XHT]",
              _named("eta_k", lambda s: asymptotics.positive_always(s.eta))),
    Condition("theta_in_unit", r"0 < \theta_k \le 1 \text{ for every } k \ge 0", "[XHT]",
              _named("theta_k", lambda s: _both(asymptotics.positive_always(s.theta),
                                                asymptotics.at_most_one_always(s.theta)))),
    Condition("eta_to_zero", r"\eta_k \to 0", "[SA]",
              _named("eta_k", lambda s: asymptotics.tends_to_zero(s.eta))),
    Condition("eta_sum_diverges", r"\sum_k \eta_k = \infty", "[SA]",
              _named("eta_k", lambda s: asymptotics.sum_diverges(s.eta))),
    Condition("theta_to_zero", r"\theta_k \to 0", "[XHT]/[SA]",
              _named("theta_k", lambda s: asymptotics.tends_to_zero(s.theta))),
    Condition("theta_sum_diverges", r"\sum_k \theta_k = \infty", "[XHT]/[SA]",
              _named("theta_k", lambda s: asymptotics.sum_diverges(s.theta))),
    Condition("ratio_to_zero", r"\eta_k / \theta_k \to 0", "[XHT]/[SA]",
              _named("eta_k/theta_k", lambda s: asymptotics.ratio_to_zero(s.eta, s.theta))),
    Condition("ratio_to_constant", r"\theta_k / \eta_k \to \tau,\ 0 < \tau < \infty", "[XHT]/[SA]",
              _named("theta_k/eta_k", lambda s: asymptotics.ratio_to_constant(s.theta, s.eta))),
    Condition("noise_bounded", r"\theta_k \log k \to 0", "[SA]",
              _named("theta_k", lambda s: asymptotics.log_weighted_to_zero(s.theta))),
    Condition("noise_l2", r"\sum_k \theta_k^2 < \infty", "[SA]",
              _named("theta_k", lambda s: asymptotics.square_summable(s.theta))),
    Condition("eta_noise_bounded", r"\eta_k \log k \to 0", "[SA]",
              _named("eta_k", lambda s: asymptotics.log_weighted_to_zero(s.eta))),
    Condition("eta_noise_l2", r"\sum_k \eta_k^2 < \infty", "[SA]",
              _named("eta_k", lambda s: asymptotics.square_summable(s.eta))),
    Condition("random_scale", r"\eta_k \leftarrow s\,\eta_k,\ s \sim \text{a density on } [a, b],\ 0 < a < b",
              "[XHT]", _random_scale),
    Condition("theta_is_one", r"\theta_k = 1 \text{ for every } k \ge 0 \text{ (no momentum)}", "[SA]", _theta_is_one),
    Condition("heavy_ball_map", r"\Phi = \mathrm{id} \text{ and } \rho = 1 \text{ (heavy ball, unperturbed)}", "[SA]",
              _heavy_ball_map),
)}

#: The noise condition used by the theorems, by noise model: (on theta_k, on eta_k for plain SGD).
NOISE_CONDITIONS = {"bounded": ("noise_bounded", "eta_noise_bounded"), "l2": ("noise_l2", "eta_noise_l2")}
#: The noise model ``momcert check`` uses unless told otherwise.
DEFAULT_NOISE = "bounded"
