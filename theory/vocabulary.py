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
    """The status of a claim of ``momcert verify`` against real runs; which words a claim may take depends on its
    :class:`ClaimKind` (:attr:`ClaimKind.statuses`), so that the three kinds are never counted together.

    - a *hypothesis* checked on the run: ``holds``, ``fails`` (the theorem resting on it then says nothing, which is no
      contradiction) or ``undecided`` (it rests on a constant the paper leaves unspecified and no value was given);
    - a *prediction*, a theorem's conclusion whose checked hypotheses hold: ``pass`` (the run agrees) or ``fail`` (it
      does not); ``not_applicable`` only when a named checked hypothesis ``fails``;
    - a *conditional* statement, resting on a constant the paper leaves unspecified (C1, C2 of [LK]): ``pass_if``
      (true on the run for every value of the constant at least the implied one it reports) or ``fail`` (false on the
      run whatever the constant: the prediction it makes for every value that makes it apply is violated).

    A finite run can agree with a theorem, never prove it."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    HOLDS = "holds"
    FAILS = "fails"
    UNDECIDED = "undecided"
    PASS_IF = "pass_if"


class ClaimKind(Words):
    """What a claim compares: a theorem's conclusion with the run (``prediction``), whether one of its hypotheses
    holds on the run (``hypothesis``), or a statement resting on a constant the paper leaves unspecified
    (``conditional``: it reports the implied constant, the smallest value for which the statement applies on the run).
    """

    PREDICTION = "prediction"
    HYPOTHESIS = "hypothesis"
    CONDITIONAL = "conditional"

    @property
    def statuses(self) -> tuple[ClaimStatus, ...]:
        """The status words a claim of this kind may take, in the order reports count them."""
        return KIND_STATUSES[self]


#: The statuses of each kind of claim (see :class:`ClaimStatus`).
KIND_STATUSES: dict[ClaimKind, tuple[ClaimStatus, ...]] = {
    ClaimKind.PREDICTION: (ClaimStatus.PASS, ClaimStatus.FAIL, ClaimStatus.NOT_APPLICABLE),
    ClaimKind.HYPOTHESIS: (ClaimStatus.HOLDS, ClaimStatus.FAILS, ClaimStatus.UNDECIDED),
    ClaimKind.CONDITIONAL: (ClaimStatus.PASS_IF, ClaimStatus.FAIL),
}


class RunStatus(Words):
    """How a numeric run ended: ``completed``, or ``diverged`` (a NaN or an overflow at a named step)."""

    COMPLETED = "completed"
    DIVERGED = "diverged"
