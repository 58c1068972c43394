"""Objectives for the numeric verifications: the [LK] additive model, ReLU regression data, a bundled real data set.

- :func:`additive_model` [LK Section 4.1]: f(x, u) = ||A1 x + relu(A2 u) - b||^2 / 2 with a square invertible A1 of a
  chosen condition number and A2 scaled to a chosen largest singular value. Then (Lemma 12, ReLU so B = 1)
  mu = s_min(A1)^2, L1 = s_max(A1)^2, kappa = cond(A1)^2, L2 = 1, G1 = s_max(A2), G2 = s_max(A1) s_max(A2), and since A1
  is onto, min_x f(x, u) = 0 = f* for every u.
- :func:`teacher_student`: inputs uniform on the unit sphere of R^{d0}, labels from a random ReLU teacher network (or
  Gaussian random labels).
- :func:`digits`: scikit-learn's bundled 8x8 digits (shipped inside the package, nothing is downloaded); each input row
  is scaled to unit norm (the sphere, as in [LK]) and the targets are one-hot.

Random draws use a ``torch.Generator`` on its own device and are then moved to ``device`` (a seed gives the same data
everywhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from . import models


def _draw(size, generator: torch.Generator, dtype: torch.dtype, device) -> torch.Tensor:
    return torch.randn(size, generator=generator, dtype=dtype, device=generator.device).to(device)


def _positive_int(name: str, value) -> int:
    from momcert.theory.errors import InputError

    if int(value) != value or value < 1:
        raise InputError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


# -- the additive model [LK Section 4.1] ---------------------------------------------------------------------------
@dataclass
class AdditiveProblem:
    """One instance (or, with a leading trial axis on every tensor, a batch of instances) of the additive model.

    ``A1``: (m, m), ``A2``: (m, d2), ``b``: (m,), initial point ``x0``: (m,), ``u0``: (d2,). The singular values of A1
    run geometrically from ``s_min_A1`` to ``s_min_A1 * sqrt(kappa)``; ``s_max(A2) = s_max_A2`` exactly.
    """

    A1: torch.Tensor
    A2: torch.Tensor
    b: torch.Tensor
    x0: torch.Tensor
    u0: torch.Tensor
    kappa: float
    s_min_A1: float
    s_max_A2: float

    @property
    def s_max_A1(self) -> float:
        return self.s_min_A1 * self.kappa ** 0.5

    @property
    def dim_x(self) -> int:
        return self.A1.shape[-1]

    @property
    def dim_u(self) -> int:
        return self.A2.shape[-1]

    def data(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(A1, A2, b)``: the arguments after the parameters of :func:`additive_loss`."""
        return self.A1, self.A2, self.b

    def constants(self) -> dict:
        """The Lemma 12 constants (from :func:`momcert.theory.nesterov.additive_constants`), as floats."""
        from momcert.theory.nesterov import additive_constants

        values = additive_constants(self.s_min_A1, self.s_max_A1, self.s_max_A2, 1)
        return {name: float(value) for name, value in values.items()}


def additive_residual(x: torch.Tensor, u: torch.Tensor, A1: torch.Tensor, A2: torch.Tensor,
                      b: torch.Tensor) -> torch.Tensor:
    """h(x, u) - b = A1 x + relu(A2 u) - b."""
    return A1 @ x + torch.relu(A2 @ u) - b


def additive_loss(x: torch.Tensor, u: torch.Tensor, A1: torch.Tensor, A2: torch.Tensor,
                  b: torch.Tensor) -> torch.Tensor:
    """f(x, u) = ||A1 x + relu(A2 u) - b||^2 / 2 [LK eq. in Section 4.1]; pure, for ``torch.func``."""
    return 0.5 * (additive_residual(x, u, A1, A2, b) ** 2).sum()


def random_orthogonal(size: int, *, generator: torch.Generator, dtype: torch.dtype, device,
                      trials: int | None = None) -> torch.Tensor:
    """Haar-distributed orthogonal matrices (QR of a Gaussian matrix with the signs of R's diagonal fixed)."""
    lead = () if trials is None else (trials,)
    q, r = torch.linalg.qr(_draw((*lead, size, size), generator, dtype, device))
    return q * torch.sign(torch.diagonal(r, dim1=-2, dim2=-1)).unsqueeze(-2)


#: The singular-value layouts of A1 in :func:`additive_model` (the first is the default).
SPECTRA = ("geometric", "linear")


def additive_model(dim_x: int, dim_u: int, *, kappa: float, s_max_A2: float, s_min_A1: float = 1.0,
                   generator: torch.Generator, dtype: torch.dtype = torch.float64, device="cpu",
                   trials: int | None = None, spectrum: str = "geometric") -> AdditiveProblem:
    """Draw an additive-model instance (``trials`` independent ones along a leading axis when given).

    A1 = U diag(s) V^T with Haar U, V and s spread over [s_min_A1, s_min_A1 sqrt(kappa)] (so kappa = L1/mu exactly):
    ``spectrum="geometric"`` s_i = s_min_A1 kappa^(i/(2(dim_x - 1))) (equal ratios), ``"linear"`` equally spaced;
    A2 = G s_max_A2 / ||G||_2 for a Gaussian G (dim_x x dim_u); b ~ N(0, I/dim_x); x0 ~ N(0, I/dim_x);
    u0 ~ N(0, I/dim_u).
    """
    from momcert.theory.errors import InputError

    dim_x, dim_u = _positive_int("dim_x", dim_x), _positive_int("dim_u", dim_u)
    if not kappa >= 1:
        raise InputError(f"kappa must be at least 1, got {kappa!r}")
    if not s_max_A2 >= 0 or not s_min_A1 > 0:
        raise InputError(f"need s_max(A2) >= 0 and s_min(A1) > 0, got {s_max_A2!r} and {s_min_A1!r}")
    if spectrum not in SPECTRA:
        raise InputError(f"spectrum must be one of {', '.join(SPECTRA)}, got {spectrum!r}")
    lead = () if trials is None else (_positive_int("trials", trials),)
    steps = torch.linspace(0, 1, dim_x, dtype=dtype, device=device)
    spectrum = s_min_A1 * (kappa ** (0.5 * steps) if spectrum == "geometric" else 1 + (kappa ** 0.5 - 1) * steps)
    left = random_orthogonal(dim_x, generator=generator, dtype=dtype, device=device, trials=trials)
    right = random_orthogonal(dim_x, generator=generator, dtype=dtype, device=device, trials=trials)
    A1 = (left * spectrum) @ right.transpose(-2, -1)
    gaussian = _draw((*lead, dim_x, dim_u), generator, dtype, device)
    A2 = gaussian * (s_max_A2 / torch.linalg.matrix_norm(gaussian, ord=2)).reshape(*lead, 1, 1)
    b = _draw((*lead, dim_x), generator, dtype, device) / dim_x ** 0.5
    x0 = _draw((*lead, dim_x), generator, dtype, device) / dim_x ** 0.5
    u0 = _draw((*lead, dim_u), generator, dtype, device) / dim_u ** 0.5
    return AdditiveProblem(A1=A1, A2=A2, b=b, x0=x0, u0=u0, kappa=float(kappa), s_min_A1=float(s_min_A1),
                           s_max_A2=float(s_max_A2))


# -- ReLU regression data --------------------------------------------------------------------------------------------
def sphere_inputs(n: int, d0: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64,
                  device="cpu") -> torch.Tensor:
    """``n`` points uniform on the unit sphere of R^{d0} (normalized Gaussians), shape (n, d0)."""
    points = _draw((_positive_int("n", n), _positive_int("d0", d0)), generator, dtype, device)
    return points / torch.linalg.vector_norm(points, dim=1, keepdim=True)


def teacher_student(n: int, d0: int, widths: Sequence[int], *, generator: torch.Generator,
                    dtype: torch.dtype = torch.float64, device="cpu", labels: str = "teacher"):
    """``(X, Y)``: X on the unit sphere (n x d0); Y (n x widths[-1]) from a ReLU teacher or random.

    ``widths`` are the teacher's widths after the input, ``[d1, ..., d_out]``. The teacher has no biases, ReLU hidden
    layers and a linear last layer, every entry N(0, 1/fan_in) (so labels are of order one). ``labels="random"`` draws
    Y ~ N(0, 1) entrywise instead (same shape).
    """
    from momcert.theory.errors import InputError

    X = sphere_inputs(n, d0, generator=generator, dtype=dtype, device=device)
    full = [int(d0), *[int(w) for w in widths]]
    if labels == "random":
        return X, _draw((n, full[-1]), generator, dtype, device)
    if labels != "teacher":
        raise InputError(f"labels must be 'teacher' or 'random', got {labels!r}")
    teacher = [_draw(shape, generator, dtype, device) / shape[0] ** 0.5 for shape in models.layer_shapes(full)]
    return X, models.forward(teacher, X)


def digits(*, dtype: torch.dtype = torch.float64, device="cpu", n: int | None = None):
    """``(X, Y)`` from scikit-learn's bundled digits (1797 images, 64 pixels, 10 classes; no download).

    Rows of X are scaled to unit Euclidean norm; Y is one-hot (n x 10). ``n`` keeps the first n images.
    """
    from sklearn.datasets import load_digits

    from momcert.theory.errors import InputError

    bunch = load_digits()
    total = len(bunch.target)
    count = total if n is None else _positive_int("n", n)
    if count > total:
        raise InputError(f"n must be at most {total} for the digits data, got {n}")
    X = torch.as_tensor(bunch.data[:count], dtype=dtype)
    X = X / torch.linalg.vector_norm(X, dim=1, keepdim=True)
    Y = torch.nn.functional.one_hot(torch.as_tensor(bunch.target[:count]), num_classes=10).to(dtype)
    return X.to(device), Y.to(device)
