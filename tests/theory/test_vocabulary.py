"""One vocabulary: every set of status words is defined once, in :mod:`momcert.theory.vocabulary`, and the result
objects of both sides accept only its words."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import sympy

from momcert.numerics.reporting import Claim, Report
from momcert.theory.nesterov_report import Hypothesis
from momcert.theory.report import ConditionVerdict, TheoremVerdict
from momcert.theory.vocabulary import ClaimKind, ClaimStatus, ConditionStatus, Coverage, RunStatus

ROOT = Path(__file__).resolve().parents[2]
SETS = [ConditionStatus, Coverage, ClaimStatus, ClaimKind, RunStatus]


def test_the_sets_are_the_words_of_the_json_contract():
    assert [list(words) for words in SETS] == [
        ["holds", "fails", "depends", "unknown"], ["covered", "not_covered", "depends", "inconclusive"],
        ["pass", "fail", "not_applicable", "holds", "fails", "undecided", "pass_if"],
        ["prediction", "hypothesis", "conditional"], ["completed", "diverged"]]
    assert {kind: list(kind.statuses) for kind in ClaimKind} == {
        "prediction": ["pass", "fail", "not_applicable"], "hypothesis": ["holds", "fails", "undecided"],
        "conditional": ["pass_if", "fail"]}


@pytest.mark.parametrize("words", SETS)
def test_a_member_is_its_word_in_text_json_and_dictionaries(words):
    for member in words:
        word = member.value
        assert member == word and str(member) == word and f"{member:>14}" == f"{word:>14}"
        assert json.dumps({member: [member]}) == json.dumps({word: [word]})
        assert {word: 1}[member] == 1 and words(word) is member


@pytest.mark.parametrize(("build", "word", "name"), [
    (lambda word: Claim("x", word, 0, 0), "consistent", "ClaimStatus"),
    (lambda word: Claim("x", "pass", 0, 0, kind=word), "guess", "ClaimKind"),
    (lambda word: Report("x", status=word), "stopped", "RunStatus"),
    (lambda word: ConditionVerdict("c", word, sympy.true, "", "", ""), "pass", "ConditionStatus"),
    (lambda word: Hypothesis("h", "", "", word, sympy.true), "undecided", "ConditionStatus"),
    (lambda word: TheoremVerdict("t", word, sympy.true, [], "", (), "", ()), "holds", "Coverage"),
])
def test_a_result_accepts_only_the_words_of_its_set(build, word, name):
    with pytest.raises(ValueError, match=f"^{word!r} is not a {name}: one of "):
        build(word)


def _string_collections(tree: ast.AST):
    """The string constants of every tuple, list, set and dict (keys and values) literal in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [*node.keys, *node.values]
        else:
            continue
        yield node.lineno, {item.value for item in items if isinstance(item, ast.Constant) and
                            isinstance(item.value, str)}


def test_no_module_restates_a_set_of_status_words():
    sources = [path for folder in ("theory", "numerics") for path in (ROOT / folder).rglob("*.py")
               if path != ROOT / "theory" / "vocabulary.py"]
    assert len(sources) > 30
    restated = [f"{path.relative_to(ROOT)}:{line} restates {words.__name__}"
                for path in sources for line, strings in _string_collections(ast.parse(path.read_text()))
                for words in SETS if {member.value for member in words} <= strings]
    assert restated == []
