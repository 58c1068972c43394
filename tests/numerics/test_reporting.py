"""Reports: claims, JSON conversion, atomic writes; the Python entry point of ``momcert verify``."""

from __future__ import annotations

import json
import math
import os
import stat

import numpy as np
import pytest
import sympy

from momcert.numerics.reporting import Claim, Report, atomic_write_text, json_ready
from momcert.numerics.verify import verify
from momcert.theory.errors import InputError
from momcert.theory.vocabulary import ClaimKind, ClaimStatus


@pytest.mark.parametrize("word", ["proven", "consistent", "inconsistent", "not applicable", "undecided_", "held"])
def test_a_claim_status_is_one_of_the_json_words(word):
    with pytest.raises(ValueError, match="is not a ClaimStatus: one of pass, fail, not_applicable, holds, fails, "
                                         "undecided, pass_if"):
        Claim(id="x", status=word, predicted=1, observed=1)


def test_json_ready_converts_numpy_sympy_and_non_finite_values():
    value = {"a": np.float64(1.5), "b": np.arange(3), "c": sympy.Rational(1, 4), "d": float("inf"),
             "e": [float("nan"), np.int64(7)], 3: None}
    converted = json_ready(value)
    assert converted == {"a": 1.5, "b": [0, 1, 2], "c": 0.25, "d": "inf", "e": ["nan", 7], "3": None}
    json.dumps(converted, allow_nan=False)  # strict JSON: raises on any remaining nan/inf


def test_report_json_and_summary_carry_every_claim(tmp_path):
    report = Report(scenario="demo", claims=[Claim("bound", "pass", "f_k <= 2", 1.0, statement="the bound"),
                                             Claim("rate", "fail", 10.0, 2.5)],
                    constants={"kappa": 100.0}, wall_time_s=1.25)
    data = json.loads(report.to_json())
    assert [(c["id"], c["status"], c["kind"]) for c in data["claims"]] == [
        ("bound", "pass", "prediction"), ("rate", "fail", "prediction")]
    assert data["constants"] == {"kappa": 100.0} and data["wall_time_s"] == 1.25
    summary = report.summary_markdown()
    assert "Predictions: 1 pass, 1 fail, 0 not_applicable." in summary
    assert "`bound` the bound | prediction | pass |" in summary
    path = report.write(tmp_path / "out")
    assert json.loads(path.read_text()) == data
    assert (tmp_path / "out" / "summary.md").read_text() == summary


def test_the_summary_and_the_json_use_the_same_words_for_every_claim():
    claims = [Claim(f"{kind}-{status}", status, 0, 0, kind=kind) for kind in ClaimKind for status in kind.statuses]
    report = Report(scenario="demo", claims=claims)
    data = json.loads(report.to_json())
    rows = [line.split(" | ") for line in report.summary_markdown().splitlines() if line.startswith("| `")]
    assert [(row[0].strip("| `"), row[1], row[2]) for row in rows] == [
        (claim["id"], claim["kind"], claim["status"]) for claim in data["claims"]]
    assert {claim["status"] for claim in data["claims"]} == set(ClaimStatus)
    assert set(data["claims"][0]) == {"id", "status", "predicted", "observed", "statement", "statistic",
                                      "provenance", "kind"}  # one word per claim: no second wording beside status
    assert report.headline() == ("Predictions: 1 pass, 1 fail, 1 not_applicable. "
                                 "Hypotheses: 1 holds, 1 fails, 1 undecided. "
                                 "Conditional statements (on constants [LK] leaves unspecified): 1 pass_if, 1 fail.")


def test_atomic_write_replaces_whole_files_with_ordinary_permissions(tmp_path):
    path = tmp_path / "nested" / "file.txt"
    atomic_write_text(path, "first")
    atomic_write_text(path, "second")
    assert path.read_text() == "second"
    assert [p.name for p in path.parent.iterdir()] == ["file.txt"]  # no temporary file left behind
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_verify_rejects_bad_options_with_one_line():
    with pytest.raises(InputError, match=r"^'bogus' is not an option of momcert verify additive; see momcert verify "
                                         r"additive --help$"):
        verify("additive", bogus=3)
    with pytest.raises(InputError, match=r"^'kapa' is not an option of momcert verify additive; did you mean "
                                         r"'kappa'\?$"):
        verify("additive", kapa=3)
    with pytest.raises(InputError, match=r"^unknown scenario 'additve'; did you mean additive\?$"):
        verify("additve")


def test_verify_runs_a_scenario_and_writes_its_report(tmp_path):
    report = verify("artificial-critical", quick=True, out=tmp_path, no_progress=True, device="cpu")
    assert report.scenario == "artificial-critical" and report.device == "cpu"
    assert report.wall_time_s > 0 and math.isfinite(report.wall_time_s)
    assert json.loads((tmp_path / "report.json").read_text())["claims"] == report.to_dict()["claims"]


def test_a_cpu_run_uses_the_requested_threads_and_restores_the_previous_number(tmp_path, monkeypatch):
    import torch

    from momcert.numerics.scenarios import artificial_critical

    seen = []
    real_run = artificial_critical.run
    monkeypatch.setattr(artificial_critical, "run",
                        lambda options, config: seen.append(torch.get_num_threads()) or real_run(options, config))
    before = torch.get_num_threads()
    report = verify("artificial-critical", quick=True, out=tmp_path, no_progress=True, device="cpu", threads=3)
    assert seen == [3] and report.options["threads"] == 3
    assert torch.get_num_threads() == before


def test_the_three_kinds_are_counted_apart():
    report = Report(scenario="demo", claims=[Claim("bound", "pass", 1, 1),
                                             Claim("thm6-hypotheses", "fails", 1, 2, kind="hypothesis"),
                                             Claim("thm7-hypotheses", "undecided", 1, 2, kind="hypothesis"),
                                             Claim("thm7-bound", "fail", 1, 2, kind="conditional")])
    assert report.counts() == {"pass": 1, "fail": 0, "not_applicable": 0}
    assert report.counts(ClaimKind.HYPOTHESIS) == {"holds": 0, "fails": 1, "undecided": 1}
    assert report.counts(ClaimKind.CONDITIONAL) == {"pass_if": 0, "fail": 1}
    assert report.headline() == ("Predictions: 1 pass, 0 fail, 0 not_applicable. Hypotheses: 0 holds, 1 fails, "
                                 "1 undecided. Conditional statements (on constants [LK] leaves unspecified): "
                                 "0 pass_if, 1 fail.")
    assert report.to_dict()["counts"] == {"prediction": {"pass": 1, "fail": 0, "not_applicable": 0},
                                          "hypothesis": {"holds": 0, "fails": 1, "undecided": 1},
                                          "conditional": {"pass_if": 0, "fail": 1}}
    assert Report(scenario="demo", claims=report.claims[:1]).headline() == "Predictions: 1 pass, 0 fail, 0 " \
                                                                            "not_applicable."
    with pytest.raises(ValueError, match="is not a ClaimKind"):
        Claim("x", "pass", 0, 0, kind="guess")


@pytest.mark.parametrize(("kind", "word"), [("hypothesis", "pass"), ("prediction", "holds"),
                                            ("conditional", "not_applicable")])
def test_a_claim_takes_only_the_words_of_its_kind(kind, word):
    with pytest.raises(ValueError, match=f"'{word}' is not a status of a {kind}: one of"):
        Claim("x", word, 0, 0, kind=kind)


def test_a_report_keeps_its_first_divergence():
    report = Report(scenario="demo")
    report.record_divergence(None)
    assert report.status == "completed" and report.diverged_at is None
    report.record_divergence({"step": 3})
    report.record_divergence({"step": 9})
    assert report.status == "diverged" and report.diverged_at == {"step": 3}
    with pytest.raises(ValueError, match="is not a RunStatus"):
        Report(scenario="demo", status="stopped")
