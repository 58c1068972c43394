"""Exact worst cases with PEPit: the textbook reference values, the bounds, and the [LK] comparison."""

import math

import pytest

from momcert.theory import pep
from momcert.theory.baselines import heavy_ball_quadratic
from momcert.theory.errors import InputError
from momcert.theory.nesterov import lk_parameters

MU, L = 0.1, 1.0
KAPPA = L / MU
TEXTBOOK_ETA = 1 / L
TEXTBOOK_BETA = (math.sqrt(KAPPA) - 1) / (math.sqrt(KAPPA) + 1)
#: PEPit's worst case of f(x_n) - f* for f(x0) - f* + mu/2 ||x0 - x*||^2 <= 1 ([TXT], momcert explain txt-pep).
REFERENCE = {1: 0.548, 2: 0.348, 4: 0.130, 8: 0.0143}

needs_pepit = pytest.mark.skipif(not pep.pep_available(), reason="PEPit is not installed (pip install 'momcert[pep]')")


@needs_pepit
@pytest.mark.parametrize("n", sorted(REFERENCE))
def test_textbook_worst_case_matches_reference_and_stays_below_the_bound(n):
    worst = pep.nesterov_worst_case(MU, L, TEXTBOOK_ETA, TEXTBOOK_BETA, n, "lyapunov")
    assert worst == pytest.approx(REFERENCE[n], rel=6e-3)
    assert worst <= (1 - 1 / math.sqrt(KAPPA)) ** n


@needs_pepit
def test_one_lk_step_matches_the_tight_gradient_step_rate():
    """y_0 = x_0, so one [LK] step is a gradient step with eta = c/L: its tight worst case from f(x0) - f* <= 1 is
    max((1 - mu eta)^2, (1 - L eta)^2) (de Klerk, Glineur, Taylor 2017)."""
    p = lk_parameters(MU, L)
    eta = float(p.eta)
    worst = pep.nesterov_worst_case(MU, L, eta, float(p.beta), 1, "gap")
    assert worst == pytest.approx(max((1 - MU * eta) ** 2, (1 - L * eta) ** 2), rel=1e-4)


@needs_pepit
def test_comparison_rows_hold_the_proven_bounds():
    p = lk_parameters(MU, L)
    comparison = pep.compare_with_pep(MU, L, float(p.eta), float(p.beta), float(p.rate), [1, 2, 4, 8])
    rows = {(row.method, row.n): row for row in comparison.rows}
    assert rows[("textbook", 8)].worst_case == pytest.approx(REFERENCE[8], rel=6e-3)
    for row in comparison.rows:
        if row.bound is not None:
            assert row.ratio >= 1 - 1e-6  # a proven bound is never below the exact worst case
    assert {row.method for row in comparison.rows if row.bound is None} == {"heavy ball"}
    lk8 = rows[("[LK]", 8)]
    assert lk8.bound == pytest.approx(2 * (1 - (1 / 51) / (4 * math.sqrt(KAPPA))) ** 8, rel=1e-12)
    assert "bound/worst" in str(comparison)
    assert comparison.to_dict()["rows"][0]["ratio"] == pytest.approx(rows[("textbook", 1)].ratio)


@needs_pepit
def test_heavy_ball_tuned_for_quadratics_has_growing_worst_case():
    """[TXT] txt-heavy-ball: no accelerated guarantee on the smooth strongly convex class; at kappa = 100 the exact
    worst case grows with n (while on quadratics the method contracts)."""
    heavy = heavy_ball_quadratic(0.01, 1)
    values = [pep.heavy_ball_worst_case(0.01, 1, float(heavy.eta), float(heavy.beta), n) for n in (1, 2, 4)]
    assert 1 < values[0] < values[1] < values[2]


def test_horizons():
    assert pep.horizons(8) == [1, 2, 4, 8]
    assert pep.horizons(6) == [1, 2, 4, 6]
    assert pep.horizons(1) == [1]
    for bad in (0, pep.MAX_STEPS + 1):
        with pytest.raises(InputError):
            pep.horizons(bad)


def test_missing_pepit_says_how_to_install(monkeypatch):
    monkeypatch.setattr(pep, "pep_available", lambda: False)
    with pytest.raises(InputError, match=r"pip install 'momcert\[pep\]'"):
        pep.nesterov_worst_case(MU, L, 1.0, 0.5, 3)


def test_bad_pep_arguments():
    with pytest.raises(InputError, match="initial condition"):
        pep.nesterov_worst_case(MU, L, 1.0, 0.5, 3, "distance")
    with pytest.raises(InputError, match="mu <= L"):
        pep.nesterov_worst_case(2.0, 1.0, 1.0, 0.5, 3)
