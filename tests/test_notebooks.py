"""The teaching notebooks run top to bottom (quick mode) and are stored without outputs.

Each notebook checks its own lesson with ``assert`` cells (a verdict, a numeric cross-check), so running it is a test
that can fail on a wrong result, not only on an exception.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
EXPECTED = [
    "01_schedules_and_theorems",
    "02_one_framework_five_methods",
    "03_autodiff_is_not_clarke",
    "04_nesterov_partition_model",
    "05_deep_relu_acceleration",
    "06_check_your_own_training_run",
]
#: Code run right after the cell tagged TAG of a notebook, whose printed output a test reads:
#: (notebook stem, tag) -> code. Cell 01 "partial-sums" names its figure ``fig``.
PROBES = {
    ("01_schedules_and_theorems", "partial-sums"):
        "import json\n"
        "print(json.dumps([[axis.get_title(), axis.get_xscale(), axis.get_yscale()] for axis in fig.axes]))",
}


def test_every_lesson_is_present():
    assert [path.stem for path in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_stored_without_outputs(path):
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {index} has stored outputs: clear them before committing"
            assert cell.execution_count is None, f"{path.name} cell {index} has an execution count"


@functools.cache
def executed(path: Path):
    """``path`` run top to bottom in quick mode (in a scratch folder), with its :data:`PROBES` inserted after their
    cells; raises CellExecutionError on the first failing cell."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(path, as_version=4)
    for (stem, tag), code in PROBES.items():
        if stem == path.stem:
            (index,) = [i for i, cell in enumerate(notebook.cells) if tag in cell.metadata.get("tags", [])]
            notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(code, id=f"probe-{tag}"))
    saved = {name: os.environ.get(name) for name in ("MOMCERT_QUICK", "MPLBACKEND")}
    os.environ.update(MOMCERT_QUICK="1", MPLBACKEND="Agg")  # the kernel inherits them
    try:
        with tempfile.TemporaryDirectory() as scratch:
            client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                             resources={"metadata": {"path": scratch}})
            client.execute()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return notebook


def probe_output(path: Path, tag: str) -> str:
    (cell,) = [cell for cell in executed(path).cells if cell.get("id") == f"probe-{tag}"]
    return "".join(output.get("text", "") for output in cell.outputs if output.get("output_type") == "stream")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom(path):
    notebook = executed(path)
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.get("output_type") == "error"]
    assert not errors


@pytest.mark.slow
def test_lesson_1_draws_the_partial_sums_on_log_axes():
    """a = 1 (divergent, like log k) and a = 1.5 (convergent) must not lie flat next to a = 0.5 (like sqrt k)."""
    axes = json.loads(probe_output(NOTEBOOKS[0], "partial-sums"))
    (partial_sums,) = [axis for axis in axes if axis[0].startswith("partial sums")]
    assert partial_sums[1:] == ["log", "log"]
