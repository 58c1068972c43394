"""The figures' layout: every label readable (no two texts overlap), the grid, shared axes and the legend."""

import numpy as np
import pytest
from matplotlib.transforms import Bbox

from momcert.numerics import plots
from momcert.numerics.scenarios import sgd_family

METHODS = sgd_family.METHODS
PAIRS = tuple(sgd_family.PAIRS)


def drawn_tick_labels(axis):
    """The tick labels ``axis`` draws: visible, non-empty, at a tick inside the view limits."""
    labels = []
    for side in (axis.xaxis, axis.yaxis):
        low, high = sorted(side.get_view_interval())
        labels += [tick.label1 for tick in side.get_major_ticks() + side.get_minor_ticks()
                   if low <= tick.get_loc() <= high and tick.label1.get_visible() and tick.label1.get_text()]
    return labels


def unreadable_texts(figure):
    """After drawing ``figure``: texts (tick labels, axis labels, titles, legend entries) that overlap each other or
    another panel by more than a pixel each way, or stick out of the canvas."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = []  # (owning axes or None, text)
    for axis in figure.axes:
        texts += [(axis, text) for text in [*drawn_tick_labels(axis), axis.title, axis.xaxis.label, axis.yaxis.label]]
    for legend in figure.legends + [axis.get_legend() for axis in figure.axes if axis.get_legend()]:
        texts += [(None, text) for text in legend.get_texts()]
    boxes = [(owner, text.get_text(), text.get_window_extent(renderer)) for owner, text in texts
             if text.get_visible() and text.get_text().strip()]
    canvas = figure.bbox
    problems = [(text, "outside the canvas") for _, text, box in boxes
                if box.x0 < canvas.x0 - 1 or box.y0 < canvas.y0 - 1 or box.x1 > canvas.x1 + 1 or box.y1 > canvas.y1 + 1]
    for i, (_, first, a) in enumerate(boxes):
        problems += [(first, second) for _, second, b in boxes[i + 1:] if _overlap(a, b)]
    for owner, text, box in boxes:
        problems += [(text, f"panel {index}") for index, axis in enumerate(figure.axes)
                     if owner is not None and axis is not owner and _overlap(box, axis.bbox)]
    return problems


def _overlap(a, b) -> bool:
    inside = Bbox.intersection(a, b)
    return inside is not None and inside.width > 1 and inside.height > 1


def synthetic_sgd_figure():
    """The scenario's figure on synthetic curves shaped like a run's: m_0 = 0, the Goldstein measure at every other
    checkpoint (NaN between), one pair that blows up; verdicts as for the real pairs."""
    from momcert.numerics.finite_sum import log_checkpoints

    rng = np.random.default_rng(0)
    steps = log_checkpoints(5000, 48)
    k = np.asarray(steps, dtype=float) + 1
    covering = {"two-timescale": "xht-two", "single-timescale": "xht-single"}
    results = {}
    for method in METHODS:
        for index, pair in enumerate(PAIRS):
            slope = 1.5 if pair == "constant-eta" else -0.3 - 0.1 * index
            curve = 0.1 * k ** slope * np.exp(0.1 * rng.standard_normal((8, k.size)))
            stationarity = curve.copy()
            stationarity[:, 1::2] = np.nan
            momentum = curve.copy()
            momentum[:, 0] = 0.0
            verdicts = {name: "covered" if covering.get(pair) == name else "not_covered"
                        for name in sgd_family.THEOREMS}
            results[method, pair] = {"verdicts": verdicts, "observables": {
                "loss": 0.05 + curve, "tracking_error": curve, "momentum_norm": momentum,
                "stationarity": stationarity}}
    return sgd_family.figure(results, steps, METHODS, PAIRS)


@pytest.fixture(scope="module")
def sgd_figure():
    figure = synthetic_sgd_figure()
    yield figure
    plots.plt.close(figure)


def test_sgd_family_figure_is_a_readable_grid(sgd_figure):
    width, height = sgd_figure.get_size_inches() * 100  # the scenario saves it at 100 dpi
    assert width >= 1200 and height >= 900
    axes = np.array(sgd_figure.axes).reshape(len(sgd_family.FIGURE_ROWS), len(METHODS))
    assert [axis.get_title() for axis in axes[0]] == list(METHODS)
    assert [axis.get_ylabel() for axis in axes[:, 0]] == list(sgd_family.FIGURE_ROWS.values())
    for row in axes:
        assert all(row[0].get_shared_y_axes().joined(row[0], other) for other in row[1:])
        assert not any(label.get_visible() and label.get_text() for axis in row[1:] for label in
                       axis.get_yticklabels())  # one column of y tick labels per row
    for axis in axes.flat:  # every pair drawn, with points (NaN-free where the measure was taken)
        assert axis.get_xscale() == axis.get_yscale() == "log"
        assert len(axis.get_lines()) == len(PAIRS) and all(len(line.get_xdata()) >= 20 for line in axis.get_lines())
    (legend,) = sgd_figure.legends
    texts = [text.get_text() for text in legend.get_texts()]
    assert len(texts) == len(PAIRS) + 2  # the pairs, then solid = covered, dashed = not covered
    assert texts[0] == "two-timescale: eta_k = c/(k+1)**0.9, theta_k = 1/(k+1)**0.7 (covered by xht-two)"
    assert texts[3] == "constant-eta: eta_k = c, theta_k = 1/(k+1)**0.7"


def test_sgd_family_figure_texts_are_readable(sgd_figure):
    assert unreadable_texts(sgd_figure) == []
