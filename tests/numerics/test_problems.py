"""Tests for momcert.numerics.problems: the additive model's spectra and minimum, sphere/teacher data, bundled
digits."""

import pytest
import torch
from torch.func import grad

from momcert.numerics import problems
from momcert.theory.errors import InputError


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("kappa, s_max_A2", [(100.0, 0.01), (25.0, 5.0)])
def test_additive_spectra(kappa, s_max_A2):
    problem = problems.additive_model(12, 9, kappa=kappa, s_max_A2=s_max_A2, s_min_A1=0.5, generator=gen(1))
    s1 = torch.linalg.svdvals(problem.A1)
    assert s1.min().item() == pytest.approx(0.5, rel=1e-10)
    assert s1.max().item() == pytest.approx(0.5 * kappa ** 0.5, rel=1e-10)
    assert (s1.max() / s1.min()).item() ** 2 == pytest.approx(kappa, rel=1e-10)
    assert torch.linalg.svdvals(problem.A2).max().item() == pytest.approx(s_max_A2, rel=1e-10)
    assert problem.s_max_A1 == pytest.approx(0.5 * kappa ** 0.5)


@pytest.mark.parametrize(("spectrum", "expected"), [
    ("geometric", [1.0, 2.0, 4.0, 8.0, 16.0]),  # equal ratios 2 from 1 to sqrt(256)
    ("linear", [1.0, 4.75, 8.5, 12.25, 16.0]),  # equal steps 3.75
])
def test_additive_spectrum_layouts(spectrum, expected):
    problem = problems.additive_model(5, 3, kappa=256.0, s_max_A2=0.3, generator=gen(4), spectrum=spectrum)
    singular = sorted(torch.linalg.svdvals(problem.A1).tolist())
    assert singular == pytest.approx(expected, rel=1e-10)


def test_an_unknown_spectrum_is_refused():
    with pytest.raises(InputError, match="spectrum must be one of geometric, linear, got 'cubic'"):
        problems.additive_model(5, 3, kappa=4.0, s_max_A2=0.3, generator=gen(), spectrum="cubic")


def test_additive_batched_instances_are_independent_and_have_the_spectrum():
    problem = problems.additive_model(6, 4, kappa=16.0, s_max_A2=0.3, generator=gen(2), trials=3)
    assert problem.A1.shape == (3, 6, 6) and problem.A2.shape == (3, 6, 4) and problem.u0.shape == (3, 4)
    s1 = torch.linalg.svdvals(problem.A1)
    torch.testing.assert_close(s1.max(-1).values / s1.min(-1).values, torch.full((3,), 4.0, dtype=torch.float64))
    torch.testing.assert_close(torch.linalg.matrix_norm(problem.A2, ord=2), torch.full((3,), 0.3, dtype=torch.float64))
    assert not torch.allclose(problem.A1[0], problem.A1[1])


def test_additive_minimum_is_zero_for_every_u_and_gradient_is_right():
    problem = problems.additive_model(8, 5, kappa=9.0, s_max_A2=5.0, generator=gen(3))
    A1, A2, b = problem.data()
    for seed in range(3):
        u = torch.randn(5, dtype=torch.float64, generator=gen(10 + seed))
        x_star = torch.linalg.solve(A1, b - torch.relu(A2 @ u))
        assert problems.additive_loss(x_star, u, A1, A2, b).item() < 1e-25
    x, u = problem.x0, problem.u0
    residual = A1 @ x + torch.relu(A2 @ u) - b
    gx = grad(problems.additive_loss, argnums=0)(x, u, A1, A2, b)
    torch.testing.assert_close(gx, A1.T @ residual)
    gu = grad(problems.additive_loss, argnums=1)(x, u, A1, A2, b)
    torch.testing.assert_close(gu, A2.T @ ((A2 @ u > 0).double() * residual))


def test_additive_bad_input():
    with pytest.raises(InputError):
        problems.additive_model(4, 4, kappa=0.5, s_max_A2=0.1, generator=gen())
    with pytest.raises(InputError):
        problems.additive_model(0, 4, kappa=2.0, s_max_A2=0.1, generator=gen())


def test_additive_constants_follow_lemma_12():
    pytest.importorskip("momcert.theory.nesterov")
    problem = problems.additive_model(5, 3, kappa=100.0, s_max_A2=0.3, s_min_A1=2.0, generator=gen())
    constants = problem.constants()
    assert constants["mu"] == pytest.approx(4.0)
    assert constants["L1"] == pytest.approx(400.0)
    assert constants["kappa"] == pytest.approx(100.0)
    assert constants["G1"] == pytest.approx(0.3)
    assert constants["G2"] == pytest.approx(20.0 * 0.3)


def test_teacher_student_sphere_and_labels():
    X, Y = problems.teacher_student(50, 7, [16, 3], generator=gen(4))
    assert X.shape == (50, 7) and Y.shape == (50, 3)
    torch.testing.assert_close(torch.linalg.vector_norm(X, dim=1), torch.ones(50, dtype=torch.float64))
    # teacher entries are N(0, 1/fan_in), so labels are of order one
    assert 0.05 < Y.std().item() < 2.0
    X2, Y2 = problems.teacher_student(50, 7, [16, 3], generator=gen(4))
    assert torch.equal(X, X2) and torch.equal(Y, Y2)
    _, random_labels = problems.teacher_student(50, 7, [16, 3], generator=gen(4), labels="random")
    assert random_labels.shape == (50, 3) and not torch.allclose(random_labels, Y)
    with pytest.raises(InputError):
        problems.teacher_student(5, 3, [2], generator=gen(), labels="noise")


def test_digits_bundled():
    from sklearn.datasets import load_digits

    X, Y = problems.digits()
    assert X.shape == (1797, 64) and Y.shape == (1797, 10)
    torch.testing.assert_close(torch.linalg.vector_norm(X, dim=1), torch.ones(1797, dtype=torch.float64))
    assert torch.equal(Y.argmax(1), torch.as_tensor(load_digits().target))
    assert torch.equal(Y.sum(1), torch.ones(1797, dtype=torch.float64))
    Xs, _Ys = problems.digits(n=100, dtype=torch.float32)
    assert Xs.shape == (100, 64) and Xs.dtype == torch.float32
    with pytest.raises(InputError):
        problems.digits(n=5000)
