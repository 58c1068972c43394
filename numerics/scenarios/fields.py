"""The configuration of a ``momcert verify`` scenario: a frozen dataclass whose fields are its options.

Each field (:func:`option`) carries in its metadata the help text, the metavar and the parser of
:mod:`momcert.numerics.scenarios.arguments` that turns a value (the command line's text, or a Python value, spelled as
the command line would: lists comma-joined) into the field's typed value, raising the one-wording
:class:`~momcert.theory.errors.InputError` ``--FLAG: <what is wrong> (got VALUE)``. The flag of a field is its name
with dashes (``dim_x`` -> ``--dim-x``, ``s_max_A2`` -> ``--s-max-A2``).

Constructing a config validates it: every field through its parser, then the scenario's cross-field checks
(:meth:`ScenarioConfig.validate`, e.g. the sizes against the machine). A field whose default differs under ``quick``
(``--quick``: small sizes, for tests and the demo) holds ``None`` until construction resolves it: ``Config()`` has the
full sizes, ``Config(quick=True)`` the quick ones, and a value given explicitly wins in both. Only the standard library
is imported, so a bad option costs nothing before torch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

from .arguments import flag


def option(default: Any, parse: Callable[[Any, str], Any], help: str, metavar: str = "V", *,
           quick: Any = dataclasses.MISSING, shown: str | None = None, hidden: bool = False, join: str = ",") -> Any:
    """A config field: its ``default`` (a typed value; ``None``: not given, decided by :meth:`ScenarioConfig.validate`),
    ``parse(value, flag)`` (the validated value), the ``help`` text and ``metavar`` of its flag, ``quick`` (the default
    under ``quick``, when it differs), ``shown`` (the default as the help states it, when it depends on other fields),
    ``hidden`` (a testing aid the help does not list) and ``join`` (how a tuple value is spelled as text)."""
    metadata = {"parse": parse, "help": help, "metavar": metavar, "quick": quick, "full": default, "shown": shown,
                "hidden": hidden, "join": join}
    return dataclasses.field(default=None if quick is not dataclasses.MISSING else default, metadata=metadata)


def text(value: Any, join: str = ",", spell: Callable[[Any], str] = str) -> str:
    """A value spelled as on the command line (exactly: ``str``), a list or tuple joined by ``join``; ``spell`` spells
    each item (``"{:g}".format`` for a help text)."""
    if isinstance(value, (list, tuple)):
        return join.join(text(item, spell=spell) for item in value)
    return spell(value)


def _short(value: Any) -> str:
    return format(value, "g") if isinstance(value, float) else str(value)


@dataclasses.dataclass(frozen=True)
class ScenarioConfig:
    """The base of every scenario's configuration; ``quick`` selects the quick defaults."""

    #: The scenario's one-line description (its ``--help`` line).
    HELP: ClassVar[str] = ""

    quick: bool = False

    def __post_init__(self):
        for item in options(type(self)):
            value = getattr(self, item.name)
            if value is None and item.metadata["quick"] is not dataclasses.MISSING:
                value = item.metadata["quick"] if self.quick else item.metadata["full"]
            if value is not None:
                value = item.metadata["parse"](text(value, item.metadata["join"]), flag(item.name))
            object.__setattr__(self, item.name, value)
        self.validate()

    def validate(self) -> None:
        """The checks across fields (overridden by scenarios); raise :class:`~momcert.theory.errors.InputError`."""

    def settle(self, **values: Any) -> None:
        """Set derived values during :meth:`validate` (the config is frozen afterwards)."""
        for name, value in values.items():
            object.__setattr__(self, name, value)


def options(config: type[ScenarioConfig]) -> tuple[dataclasses.Field, ...]:
    """The fields of ``config`` that are options (every field but ``quick``), in the order of their flags."""
    return tuple(item for item in dataclasses.fields(config) if "parse" in item.metadata)


def shown_default(item: dataclasses.Field) -> str:
    """The default of an option as its help states it: ``shown``, or the default with the quick one."""
    meta = item.metadata
    if meta["shown"] is not None:
        return meta["shown"]
    full = text(meta["full"], meta["join"], _short)
    if meta["quick"] is dataclasses.MISSING:
        return full
    return f"{full}, quick {text(meta['quick'], meta['join'], _short)}"
