"""The specification registry (momcert.theory.registry): built from the checkers' own sources, complete, well formed,
and equal to the README section "What momcert encodes"."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from momcert.theory import check, explain, registry
from momcert.theory.conditions import CONDITIONS, NOISE_CONDITIONS, Condition
from momcert.theory.entries import KINDS
from momcert.theory.errors import InputError
from momcert.theory.methods import METHOD_NAMES
from momcert.theory.nesterov import ASSUMPTIONS, nesterov_analysis
from momcert.theory.theorems import THEOREMS

README = Path(__file__).resolve().parents[2] / "README.md"
LK_NUMBERED = ("Theorem 3", "Lemma 4", "Lemma 8", "Lemma 9", "Lemma 10", "Theorem 6", "Theorem 7", "Theorem 13",
               "Lemma 14", "Theorem 15")


def _of_kind(kind: str) -> list[str]:
    return [i for i, entry in registry.entries().items() if entry.kind == kind]


@pytest.fixture
def fresh_registry():
    """The registry rebuilt from whatever the sources hold during the test, and again afterwards."""
    registry.entries.cache_clear()
    yield
    registry.entries.cache_clear()


def test_condition_entries_are_exactly_the_checkers_conditions():
    assert _of_kind("condition") == list(CONDITIONS)
    for identifier, condition in CONDITIONS.items():
        entry = explain(identifier)
        assert entry.latex == condition.statement and entry.provenance == condition.provenance


def test_a_condition_added_to_the_catalogue_is_explained_without_touching_the_registry(fresh_registry, monkeypatch):
    extra = Condition("theta_is_one", r"\theta_k = 1 \text{ for every } k \ge 0", "[SA]",
                      lambda schedule: None)
    monkeypatch.setitem(CONDITIONS, extra.id, extra)
    entry = explain("theta_is_one")
    assert entry.kind == "condition" and entry.statement == "theta_k = 1 for every k >= 0"
    assert entry.title == entry.statement  # no title written for it: its statement stands in


def test_theorem_hypotheses_are_those_the_checker_reports_under_every_noise_model():
    for noise in NOISE_CONDITIONS:
        report = check("c/(k+1)**a", "d/(k+1)**b", noise=noise)
        for identifier in THEOREMS:
            assert explain(identifier).hypotheses_by_noise[noise] == report.theorems[identifier].hypotheses, noise
    default = check("c/(k+1)**a", "d/(k+1)**b")
    assert {i: explain(i).hypotheses for i in THEOREMS} == {i: t.hypotheses for i, t in default.theorems.items()}
    assert set(THEOREMS) <= set(_of_kind("theorem"))


def test_theorem_statements_are_composed_from_the_condition_statements():
    entry = explain("xht-two")
    for identifier in entry.hypotheses:
        assert CONDITIONS[identifier].statement in entry.latex
    assert THEOREMS["xht-two"].conclusion_latex in entry.latex
    assert explain("xht-single").statement.startswith("If eta_k > 0 for every k >= 0; 0 < theta_k <= 1")
    assert "one of xht-single, xht-two covers the schedule" in explain("xht-clarke").statement


def test_lk_hypotheses_are_the_statements_momcert_nesterov_reports():
    report = nesterov_analysis(1, 100, L2=1, G1=0.01, G2=0.1, delta0=1, Rx="inf", Ru=3000)
    assert set(report.conditions) == set(_of_kind("hypothesis"))
    for identifier, hypothesis in report.conditions.items():
        entry = explain(identifier)
        assert entry.statement == hypothesis.statement
        assert entry.numbering == f"{hypothesis.provenance} (PMLR numbering)"
    assert [a.id for a in ASSUMPTIONS] == [i for i in _of_kind("assumption") if i.startswith("lk_")]
    assert set(explain("lk-theorem-7").hypotheses) == {"lk_c_range", "thm7_G1", "thm7_G1G2", "thm7_Rx", "thm7_Ru"}
    assert set(explain("lk-theorem-6").hypotheses) == {i for i in report.conditions if i.startswith("thm6_")}


@pytest.mark.parametrize("number", LK_NUMBERED)
def test_every_lk_result_momcert_uses_has_an_entry_with_its_pmlr_number(number):
    identifier = "lk-" + number.lower().replace(" ", "-")
    entry = explain(identifier)
    assert entry.provenance == "[LK]" and entry.numbering.startswith(f"[LK] {number}")
    assert entry.numbering.endswith("(PMLR numbering)")


def test_baselines_definitions_and_assumptions_are_present():
    assert set(_of_kind("baseline")) == {"txt-gd-pl", "txt-nesterov", "txt-heavy-ball", "txt-pep"}
    assert {"framework", "lk-nesterov", "lk-setting"} == set(_of_kind("definition"))
    for theorem in THEOREMS.values():
        assert set(theorem.assumed) <= set(_of_kind("assumption"))
        assert explain(theorem.id).assumed == theorem.assumed
    framework = explain("framework").statement
    assert all(re.search(rf"\b{re.escape(name)}\b", framework) for name in METHOD_NAMES)


def test_every_entry_is_well_formed():
    entries = registry.entries()
    assert [entry.kind for entry in entries.values()] == sorted((e.kind for e in entries.values()), key=KINDS.index)
    for identifier, entry in entries.items():
        assert entry.id == identifier and entry.title and entry.statement and entry.latex, identifier
        assert re.fullmatch(r"\[[A-Z]+\](/\[[A-Z]+\])*", entry.provenance), identifier
        assert entry.numbering.startswith(entry.provenance), identifier
        _assert_balanced(entry.latex, identifier)
        for field in dataclasses.fields(entry):
            assert "THEORY" not in str(getattr(entry, field.name)), (identifier, field.name)
        for referenced in (*entry.hypotheses, *entry.assumed):
            assert referenced in entries and referenced in entry.references, (identifier, referenced)
            assert identifier in entries[referenced].used_by


def _assert_balanced(latex: str, identifier: str) -> None:
    """Braces balance (escaped \\{ \\} are delimiters, not groups), and so do \\left and \\right."""
    depth = 0
    for brace in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(brace, 0)
        assert depth >= 0, identifier
    assert depth == 0, identifier
    assert len(re.findall(r"\\left\b", latex)) == len(re.findall(r"\\right\b", latex)), identifier


@pytest.mark.parametrize("latex", ["{", "a}{", r"\left( x"])
def test_the_balance_check_rejects_unbalanced_latex(latex):
    with pytest.raises(AssertionError):
        _assert_balanced(latex, "bad")


def test_plain_text_of_latex():
    ratio = registry.plain(r"\theta_k / \eta_k \to \tau,\ 0 < \tau < \infty")
    assert ratio == "theta_k / eta_k -> tau, 0 < tau < infinity"
    assert registry.plain(r"\eta_k > 0 \text{ for every } k \ge 0") == "eta_k > 0 for every k >= 0"
    assert registry.plain(r"\tfrac{1}{51} \le c") == "(1)/(51) <= c"
    for identifier in CONDITIONS:
        assert "\\" not in explain(identifier).statement, identifier


def test_a_reference_to_an_unknown_id_or_a_repeated_id_fails_the_build(fresh_registry, monkeypatch):
    lemma = explain("lk-lemma-9")
    monkeypatch.setattr(registry, "LK_RESULTS", (dataclasses.replace(lemma, assumed=("no_such_id",)),))
    registry.entries.cache_clear()
    with pytest.raises(ValueError, match="'lk-lemma-9' refers to the unknown id 'no_such_id'"):
        registry.entries()
    monkeypatch.setattr(registry, "LK_RESULTS", (dataclasses.replace(lemma, id="xht-two", used_by=()),))
    registry.entries.cache_clear()
    with pytest.raises(ValueError, match="two registry entries have the id 'xht-two'"):
        registry.entries()


def test_unknown_id_raises_naming_the_nearest():
    with pytest.raises(InputError, match=r"unknown id 'xht-tow'; did you mean 'xht-two'\?"):
        explain("xht-tow")
    with pytest.raises(InputError, match="did you mean 'lk-theorem-7'"):
        explain("lk_theorem_7")


def test_notebook_forms():
    entry = explain("lk-theorem-7")
    assert entry._repr_latex_() == f"$\\displaystyle {entry.latex}$"
    markdown = entry._repr_markdown_()
    assert markdown.startswith("**`lk-theorem-7`** (theorem, [LK] Theorem 7 (PMLR numbering))")
    assert f"$${entry.latex}$$" in markdown and "- thm7_G1: G1^4 <= C1" in markdown
    text = str(explain("xht-two"))
    assert "with --noise l2: noise_l2 in place of noise_bounded" in text and "f_path_differentiable: " in text


def test_readme_section_equals_the_registry():
    section = registry.readme_section(README.read_text(encoding="utf-8"))
    assert section, "README.md has no section 'What momcert encodes'"
    assert section == registry.markdown_section(), (
        "README section out of date: run python -m momcert.theory.registry --update README.md")
    for identifier in registry.entries():
        assert f"| `{identifier}` |" in section, identifier


def test_readme_section_is_found_between_its_neighbours():
    text = "# t\n\n## What momcert encodes\n\nbody\n\n## Next\n\nmore\n"
    assert registry.readme_section(text) == "## What momcert encodes\n\nbody\n"
    assert registry.readme_section("# t\n") == ""


def test_update_rewrites_only_the_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# t\n\n## What momcert encodes\n\nstale\n\n## Next\n\nmore\n", encoding="utf-8")
    assert registry.main(["--update", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == "# t\n\n" + registry.markdown_section() + "\n## Next\n\nmore\n"


def test_update_without_the_section_exits_2_with_one_line(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# t\n", encoding="utf-8")
    assert registry.main(["--update", str(readme)]) == 2
    assert capsys.readouterr().err.count("\n") == 1 and readme.read_text(encoding="utf-8") == "# t\n"


def test_an_entry_of_an_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="entry kind must be one of"):
        dataclasses.replace(explain("xht-two"), kind="corollary")
