"""momcert.theory.translations: each row of its table, proven symbolically by unrolling the library's own recursion
(written here from the library sources) against the framework rule of momcert.theory.methods with the translated
arguments. The numeric differential tests against the real libraries are in tests/numerics/test_equivalence.py."""

from __future__ import annotations

import pytest
import sympy

from momcert.theory import methods, translations
from momcert.theory.errors import InputError
from momcert.theory.parse import K

STEPS = 4
GRADIENTS = sympy.symbols("g0:4", real=True)
ALPHA = sympy.Function("alpha")  # an arbitrary lr schedule alpha_k
X0 = sympy.Symbol("x0", real=True)


def _framework(translation: translations.Translation, gradients=GRADIENTS) -> list[sympy.Expr]:
    """x_1..x_STEPS of the framework (scalar, identity map) with the translated arguments."""
    x = sympy.Matrix([X0])
    m = sympy.Matrix([gradients[0] if translation.m0 == "grad" else 0])
    iterates = []
    for k, g in enumerate(gradients):
        x, m = methods.update_rule("heavy-ball", x, m, sympy.Matrix([g]), eta=translation.eta.subs(K, k),
                                   theta=translation.theta.subs(K, k), rho=translation.rho)
        iterates.append(x[0])
    return iterates


def _torch_sgd(mu, dampening, nesterov) -> list[sympy.Expr]:
    """torch.optim.SGD's _single_tensor_sgd: buf = g_0 at the first step, then buf = mu buf + (1 - dampening) g;
    the step uses g + mu buf (nesterov) or buf; param -= lr * step."""
    x, buffer, iterates = X0, None, []
    for k, g in enumerate(GRADIENTS):
        if mu == 0:
            step = g
        else:
            buffer = g if buffer is None else mu * buffer + (1 - dampening) * g
            step = g + mu * buffer if nesterov else buffer
        x = x - ALPHA(k) * step
        iterates.append(x)
    return iterates


MU = sympy.Symbol("mu", positive=True)


@pytest.mark.parametrize(("dampening", "nesterov"), [(0, False), (MU, False), (0, True)])
def test_torch_sgd_rows_hold_for_any_momentum_and_lr_schedule(dampening, nesterov):
    translation = translations.from_torch_sgd(ALPHA(K), momentum=MU, dampening=dampening, nesterov=nesterov)
    for ours, theirs in zip(_framework(translation), _torch_sgd(MU, dampening, nesterov), strict=True):
        assert sympy.simplify(ours - theirs) == 0


def test_plain_sgd_row():
    translation = translations.from_torch_sgd(ALPHA(K))
    assert translation.theta == 1 and translation.rho is None
    for ours, theirs in zip(_framework(translation), _torch_sgd(0, 0, False), strict=True):
        assert sympy.simplify(ours - theirs) == 0


def test_the_rows_are_not_interchangeable():
    """A wrong m_0 (the dampening-mu translation with m_0 = 0) breaks the proof: the test can fail."""
    right = translations.from_torch_sgd(ALPHA(K), momentum=MU, dampening=MU)
    wrong = translations.Translation(right.eta, right.theta, "zero", "heavy-ball", None, "wrong")
    theirs = _torch_sgd(MU, MU, False)
    assert sympy.simplify(_framework(wrong)[0] - theirs[0]) != 0


def test_nesterov_with_constant_lr_is_lk_nesterov_in_the_y_points():
    eta, beta = sympy.symbols("eta beta", positive=True)
    torch_iterates = [expression.replace(ALPHA, lambda k: eta) for expression in _torch_sgd(beta, 0, True)]
    x, y = X0, X0
    for g, theirs in zip(GRADIENTS, torch_iterates, strict=True):
        x_next = methods.NESTEROV_X.subs({methods.Y: y, methods.G: g, methods.ETA: eta})
        y = methods.NESTEROV_Y.subs({methods.X_NEXT: x_next, methods.X: x, methods.BETA: beta})
        x = x_next
        assert sympy.simplify(y - theirs) == 0
    notes = " ".join(translations.from_torch_sgd("0.1", 0.9, nesterov=True).notes)
    assert "[LK]" in notes and "momcert explain lk-nesterov" in notes and "mu*alpha_k/alpha_{k-1}" in notes


def test_lion_row_gives_lion_pytorch_update():
    """lion-pytorch: update = sign(beta1 m + (1 - beta1) g); p -= lr update; m = beta2 m + (1 - beta2) g."""
    beta1, beta2 = sympy.Rational(9, 10), sympy.Rational(99, 100)
    translation = translations.from_lion(ALPHA(K), betas=(beta1, beta2))
    assert translation.method == "lion" and translation.m0 == "zero"
    gradients = [sympy.Rational(value) for value in (3, -1, sympy.Rational(1, 7), -2)]
    x, m = sympy.Matrix([X0]), sympy.Matrix([0])
    x_lion, m_lion = X0, 0
    for k, g in enumerate(gradients):
        x, m = methods.update_rule("lion", x, m, sympy.Matrix([g]), eta=translation.eta.subs(K, k),
                                   theta=translation.theta.subs(K, k), rho=translation.rho)
        x_lion = x_lion - ALPHA(k) * sympy.sign(beta1 * m_lion + (1 - beta1) * g)
        m_lion = beta2 * m_lion + (1 - beta2) * g
        assert sympy.simplify(x[0] - x_lion) == 0 and m[0] == m_lion


def test_xht_reference_row():
    translation = translations.from_xht_reference("0.1/(k+1)**0.5", beta=0.9)
    assert translation.m0 == "grad" and translation.eta == sympy.Rational(1, 10) / sympy.sqrt(K + 1)
    # s = 1/alpha_0 by default: theta_k = min(1 - beta, (1 - beta) alpha_k/alpha_0) = (1 - beta)/sqrt(k + 1)
    for k in range(5):
        assert translation.theta.subs(K, k) == sympy.Rational(1, 10) / sympy.sqrt(k + 1)
    scaled = translations.from_xht_reference(0.1, beta=0.5, s=100)
    assert scaled.theta == sympy.Rational(1, 2)  # min(1/2, 100 * 1/2 * 1/10)


def test_strings_are_parsed_and_numbers_kept_exact():
    translation = translations.from_torch_sgd("0.1/(k+1)**0.6", momentum=0.9)
    assert translation.theta == sympy.Rational(1, 10)
    assert sympy.simplify(translation.eta - 1 / (K + 1) ** sympy.Rational(3, 5)) == 0


def test_describe_prints_every_field():
    text = str(translations.from_lion(1e-4, betas=(0.9, 0.99)))
    for fragment in ("lion_pytorch.Lion(lr=0.0001, betas=(0.9, 0.99))", "eta_k   = 1/10000", "theta_k = 1/100",
                     "m_0     = 0", "method  = lion", "rho     = 10"):
        assert fragment in text


@pytest.mark.parametrize(("call", "message"), [
    (lambda: translations.from_torch_sgd(-0.1), "lr must be positive"),
    (lambda: translations.from_torch_sgd(0.1, momentum=1), "momentum"),
    (lambda: translations.from_torch_sgd(0.1, momentum=0.9, dampening=0.5), "dampening=0.5"),
    (lambda: translations.from_torch_sgd(0.1, momentum=0.9, dampening=0.9, nesterov=True), "dampening 0"),
    (lambda: translations.from_torch_sgd(0.1, nesterov=True), "positive momentum"),
    (lambda: translations.from_torch_sgd("0.1/(k+"), "position"),
    (lambda: translations.from_torch_sgd([0.1]), "lr must be a number"),
    (lambda: translations.from_torch_sgd(float("inf")), "finite"),
    (lambda: translations.from_lion(0.1, betas=(0.9,)), "pair"),
    (lambda: translations.from_lion(0.1, betas=(0.9, 1.0)), "beta2"),
    (lambda: translations.from_xht_reference(0.1, beta=0.9, s=-1), "s must lie"),
    (lambda: translations.from_xht_reference(0.1, beta=0.9, method="lion"), "from_lion"),
])
def test_bad_settings_raise_input_error(call, message):
    with pytest.raises(InputError, match=message):
        call()
