"""Deep fully-connected ReLU networks exactly as in [LK] Section 4.2, in a functional form for ``torch.func``.

A network is a plain list of weight tensors ``[W_1, ..., W_Lambda]`` with ``W_l`` of shape ``(d_{l-1}, d_l)``; there are
no biases. With ``widths = [d0, d1, ..., d_Lambda]`` and data ``X`` of shape ``(n, d0)``::

    F_0 = X,   F_l = relu(F_{l-1} W_l)  for l < Lambda,   F_Lambda = F_{Lambda-1} W_Lambda   (linear last layer)

Initializations:

- ``"lk"`` [LK]: entries of ``W_l`` are N(0, 1/d_{l-1}) for l < Lambda and the last layer is N(0, d_{Lambda-1}^{-3/2}).
- ``"standard"``: PyTorch's ``nn.Linear`` default, U(-1/sqrt(d_{l-1}), 1/sqrt(d_{l-1})) for every layer.

The (x, u) split of [LK]: x is the last layer ``W_Lambda``, u is everything else (:func:`split_xu`). The paper's finer
split restricts x to the row space of the initial penultimate features F_{Lambda-1}(0): with an orthonormal basis V of
that row space (:func:`row_space_basis`), x = V^T W_Lambda and the orthogonal rest (I - V V^T) W_Lambda joins u
(:func:`split_row_space`).

Everything here is a pure function of tensors: it works with ``torch.func.grad``/``vmap`` (a list of tensors with a
leading trial axis is a batch of networks, see :func:`init_ensemble`) and on any device. Random draws use a
``torch.Generator``; they are made on the generator's device and then moved, so a seed gives the same network on the CPU
and on a GPU.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch

INITS = ("lk", "standard")


def _check_widths(widths: Sequence[int]) -> list[int]:
    from momcert.theory.errors import InputError

    widths = [int(w) for w in widths]
    if len(widths) < 2 or any(w < 1 for w in widths):
        raise InputError(f"widths must be at least two positive integers [d0, ..., d_Lambda], got {widths}")
    return widths


def layer_shapes(widths: Sequence[int]) -> list[tuple[int, int]]:
    """Shapes ``(d_{l-1}, d_l)`` of W_1..W_Lambda."""
    widths = _check_widths(widths)
    return list(itertools.pairwise(widths))


def layer_std(widths: Sequence[int], layer: int, init: str = "lk") -> float:
    """Scale of layer ``layer`` (1-based): the [LK] standard deviation, or the standard uniform law's half-width."""
    from momcert.theory.errors import InputError

    shapes = layer_shapes(widths)
    fan_in = shapes[layer - 1][0]
    if init == "lk":
        return fan_in ** -0.75 if layer == len(shapes) else fan_in ** -0.5
    if init == "standard":
        return fan_in ** -0.5
    raise InputError(f"unknown initialization {init!r} (choose from {', '.join(INITS)})")


def init_weights(widths: Sequence[int], *, generator: torch.Generator, init: str = "lk",
                 dtype: torch.dtype = torch.float64, device: torch.device | str = "cpu",
                 trials: int | None = None) -> list[torch.Tensor]:
    """Draw W_1..W_Lambda ([LK] or standard initialization, see the module docstring).

    With ``trials`` set, every tensor gets a leading axis of that length (independent networks, for ``vmap``).
    """
    lead = () if trials is None else (int(trials),)
    weights = []
    for layer, shape in enumerate(layer_shapes(widths), start=1):
        scale = layer_std(widths, layer, init)
        size = lead + shape
        if init == "lk":
            sample = torch.randn(size, generator=generator, dtype=dtype, device=generator.device) * scale
        else:
            sample = (torch.rand(size, generator=generator, dtype=dtype, device=generator.device) * 2 - 1) * scale
        weights.append(sample.to(device))
    return weights


def init_ensemble(widths: Sequence[int], trials: int, *, generator: torch.Generator, init: str = "lk",
                  dtype: torch.dtype = torch.float64, device: torch.device | str = "cpu") -> list[torch.Tensor]:
    """``trials`` independent networks as one list of tensors with a leading trial axis (``vmap`` over axis 0)."""
    return init_weights(widths, generator=generator, init=init, dtype=dtype, device=device, trials=trials)


def penultimate(weights: Sequence[torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    """F_{Lambda-1} = relu(... relu(X W_1) ... W_{Lambda-1}) (equal to X for a one-layer network)."""
    features = X
    for weight in weights[:-1]:
        features = torch.relu(features @ weight)
    return features


def forward(weights: Sequence[torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    """F_Lambda = F_{Lambda-1} W_Lambda: ReLU hidden layers and a linear last layer [LK]."""
    return penultimate(weights, X) @ weights[-1]


def forward_with_features(weights: Sequence[torch.Tensor], X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``(F_Lambda, F_{Lambda-1})`` from one pass (the features feed the measurements at no extra cost)."""
    features = penultimate(weights, X)
    return features @ weights[-1], features


def mse_loss(weights: Sequence[torch.Tensor], X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """The [LK] loss ||F_Lambda - Y||_F^2 / 2 (a sum, not a mean)."""
    return 0.5 * ((forward(weights, X) - Y) ** 2).sum()


# -- flat parameter vectors (for optimizers written on flat tensors) ---------------------------------------------------
def num_parameters(widths: Sequence[int]) -> int:
    return sum(a * b for a, b in layer_shapes(widths))


# -- the matrix products of one step (for throughput figures) --------------------------------------------------------
def step_matmuls(widths: Sequence[int], n: int) -> list[tuple[int, int, int]]:
    """The matrix products ``(rows, inner, cols)`` of one trial's Nesterov step on n points: the gradient of
    :func:`mse_loss` at y_k and the loss at x_{k+1}.

    Gradient: the forward products F_{l-1} W_l, (n, d_{l-1}) @ (d_{l-1}, d_l) for l = 1..Lambda; backward the weight
    gradients F_{l-1}^T G_l, (d_{l-1}, n) @ (n, d_l) for every l, and G_l W_l^T, (n, d_l) @ (d_l, d_{l-1}) for
    l >= 2 (X needs no gradient). The loss at x_{k+1}: the forward products once more.
    """
    shapes = layer_shapes(widths)
    forward_products = [(n, a, b) for a, b in shapes]
    weight_gradients = [(a, n, b) for a, b in shapes]
    input_gradients = [(n, b, a) for a, b in shapes[1:]]
    return forward_products + weight_gradients + input_gradients + forward_products


def step_flops(widths: Sequence[int], n: int, trials: int = 1) -> int:
    """Floating-point operations in the matrix products of one batched step (:func:`step_matmuls`), a multiply-add
    counted as 2: ``trials * 2 n (4 sum_l d_{l-1} d_l - d0 d1)``. The elementwise work (ReLU, residual, the update) is
    not counted: it is a memory pass, not arithmetic that a faster matmul could absorb."""
    return int(trials) * sum(2 * rows * inner * cols for rows, inner, cols in step_matmuls(widths, n))


def flatten(weights: Sequence[torch.Tensor], out: torch.Tensor | None = None) -> torch.Tensor:
    """Concatenate the weights (row-major) into one vector; with a leading trial axis, one vector per trial (written
    into ``out`` when given)."""
    lead = weights[0].shape[:-2]
    return torch.cat([w.reshape(*lead, -1) for w in weights], dim=-1, out=out)


def unflatten(flat: torch.Tensor, widths: Sequence[int]) -> list[torch.Tensor]:
    """Inverse of :func:`flatten` (views into ``flat``; works under ``vmap`` and with a leading trial axis)."""
    lead = flat.shape[:-1]
    weights, start = [], 0
    for a, b in layer_shapes(widths):
        weights.append(flat[..., start:start + a * b].reshape(*lead, a, b))
        start += a * b
    return weights


# -- the (x, u) split [LK] ------------------------------------------------------------------------------------------
def split_xu(weights: Sequence[torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """x = the last layer W_Lambda, u = [W_1, ..., W_{Lambda-1}] [LK Section 4.2]."""
    return weights[-1], list(weights[:-1])


def join_xu(x: torch.Tensor, u: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    """Inverse of :func:`split_xu`."""
    return [*u, x]


def flat_split_sizes(widths: Sequence[int]) -> tuple[int, int]:
    """``(size of u, size of x)`` in the flat vector of :func:`flatten`: u comes first, x (the last layer) last."""
    shapes = layer_shapes(widths)
    size_x = shapes[-1][0] * shapes[-1][1]
    return num_parameters(widths) - size_x, size_x


def row_space_basis(features: torch.Tensor, rtol: float = 1e-10) -> torch.Tensor:
    """Orthonormal basis (columns, shape ``(d, r)``) of the row space of ``features`` (n x d): the span of its rows.

    The rank r counts singular values above ``rtol`` times the largest. Not for use under ``vmap`` (the rank is data).
    """
    _, singular, vh = torch.linalg.svd(features, full_matrices=False)
    rank = int((singular > rtol * singular.max()).sum())
    return vh[:rank].T


def split_row_space(last_layer: torch.Tensor, basis: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The paper's split of W_Lambda: ``(V^T W, W - V V^T W)`` for an orthonormal basis V of the initial row space.

    The first part is x (coordinates, shape ``(r, d_Lambda)``); the second is the component that joins u.
    """
    coordinates = basis.T @ last_layer
    return coordinates, last_layer - basis @ coordinates


def join_row_space(coordinates: torch.Tensor, rest: torch.Tensor, basis: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`split_row_space`: W_Lambda = V x + rest."""
    return basis @ coordinates + rest
