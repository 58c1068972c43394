"""The status words of momcert's results, each set defined here and nowhere else.

Both sides use them: the symbolic one (``momcert check``, ``momcert nesterov``) for conditions, hypotheses and theorem
verdicts, the numeric one (``momcert verify``) for claims and runs. A member *is* its word: it compares equal to the
plain string, hashes like it, prints and formats as it, and serializes to it in JSON. So the JSON, the text tables,
the Markdown summaries and the code all spell a status the same way, and a word from outside a set (say
``ClaimStatus("consistent")``) raises ``ValueError``.
"""

from __future__ import annotations

from enum import Enum


class Words(str, Enum):
    """A set of status words (the base of every set below; ``enum.StrEnum`` needs Python 3.11)."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @classmethod
    def _missing_(cls, value):
        raise ValueError(f"{value!r} is not a {cls.__name__}: one of {', '.join(cls)}")


class ConditionStatus(Words):
    """A condition of ``momcert check`` or a hypothesis of ``momcert nesterov``, over the allowed parameters.

    ``holds``/``fails``: for every allowed value; ``depends``: exactly on the region ``when``; ``unknown``: not
    decided (within the time budget, or for numbers SymPy cannot compare); ``when`` is then where it was proven.
    """

    HOLDS = "holds"
    FAILS = "fails"
    DEPENDS = "depends"
    UNKNOWN = "unknown"


class Coverage(Words):
    """A theorem's verdict on a schedule: every hypothesis holds (``covered``), one fails (``not_covered``: the
    theorem says nothing), covered exactly on the region ``when`` (``depends``), or a hypothesis is undecided
    (``inconclusive``)."""

    COVERED = "covered"
    NOT_COVERED = "not_covered"
    DEPENDS = "depends"
    INCONCLUSIVE = "inconclusive"


class ClaimStatus(Words):
    """A claim of ``momcert verify`` against real runs: the observation agrees with the prediction (``pass``), it
    does not (``fail``), or the claim's hypotheses are not met on the run (``not_applicable``: the theorem says
    nothing). For a claim of kind ``hypothesis``: the hypothesis holds on the instances, fails, or cannot be decided
    from them. A finite run can agree with a theorem, never prove it."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


class ClaimKind(Words):
    """What a claim compares: a theorem's conclusion with the run (``prediction``), or whether one of its hypotheses
    holds on the instances (``hypothesis``; a failed hypothesis means the theorem says nothing, not that the run
    contradicts it), or a statement resting on a constant the paper leaves unspecified (``conditional``: it reports
    the implied constant, the smallest value for which the statement holds on the run)."""

    PREDICTION = "prediction"
    HYPOTHESIS = "hypothesis"
    CONDITIONAL = "conditional"


class RunStatus(Words):
    """How a numeric run ended: ``completed``, or ``diverged`` (a NaN or an overflow at a named step)."""

    COMPLETED = "completed"
    DIVERGED = "diverged"
