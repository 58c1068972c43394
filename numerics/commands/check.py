"""``momcert check``: which SGD-type theorems [XHT]/[SA] cover a stepsize schedule, with exact parameter regions
(``momcert explain ID`` states each condition and theorem).

Usage: ``momcert check --eta EXPR [--theta EXPR] [--method NAME] [--noise bounded|l2]
[--random-scale A:B] [--assume REL ...] [--json]``, or ``--from torch-sgd|lion|xht-reference`` with that library's
hyperparameters (``--lr``, ``--momentum``, ``--dampening``, ``--nesterov``, ``--betas``, ``--beta``, ``--s``); the
translation is printed. With ``--from torch-sgd|lion``, ``--scheduler TEXT`` names a torch lr scheduler in the
whitelist form of :mod:`momcert.theory.schedulers` (``"CosineAnnealingLR(T_max=1000, eta_min=1e-5)"``); several
``--scheduler`` with ``--milestones M1,M2,...`` are a ``SequentialLR``, without ``--milestones`` a ``ChainedScheduler``;
the exact lr_k (and momentum_k) is printed before the translation. A flag that the chosen source does not read is an
error, not silently ignored; the defaults of the library flags are those of the translation functions
(:mod:`momcert.theory.translations`). Only the standard library is imported at module level (never torch).
"""

from __future__ import annotations

import argparse

SOURCES = ("torch-sgd", "lion", "xht-reference")

# Which flags each source reads (None: no --from, the schedule given directly). --noise, --random-scale, --assume and
# --json are read by all.
_READ_BY = {
    "eta": (None,), "theta": (None,), "method": (None, "xht-reference"),
    "lr": SOURCES, "momentum": ("torch-sgd",), "dampening": ("torch-sgd",), "nesterov": ("torch-sgd",),
    "betas": ("lion",), "beta": ("xht-reference",), "s": ("xht-reference",),
    "scheduler": ("torch-sgd", "lion"), "milestones": ("torch-sgd", "lion"),
}


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="decide which convergence theorems cover a stepsize schedule (exact, symbolic)",
        description="Decide the stepsize conditions and theorems of the SGD-type momentum framework for a schedule "
                    "(momcert explain ID states each). Expressions use k = 0, 1, 2, ...; any other name is a positive "
                    "real parameter.",
        examples=('momcert check --eta "0.1/(k+1)**0.6"',
                  'momcert check --eta "c/(k+1)**a" --theta "d/(k+1)**b" --noise l2 --json',
                  'momcert check --from torch-sgd --lr 0.1 --momentum 0.9 --scheduler "CosineAnnealingLR(T_max=1000, '
                  'eta_min=1e-5)"'))
    schedule = parser.add_argument_group("schedule (give --eta, or --from with --lr)")
    schedule.add_argument("--eta", metavar="EXPR",
                          help="stepsize of the variables, e.g. '0.1/(k+1)**0.6' (required unless --from)")
    schedule.add_argument("--theta", metavar="EXPR", help="momentum stepsize in (0, 1] (default 1: plain SGD)")
    schedule.add_argument("--method", default=None,
                          help="direction map: heavy-ball (default), sign, normalized, clip, clip-coord, lion")
    schedule.add_argument("--noise", default="bounded", help="noise model: bounded (default) or l2")
    schedule.add_argument("--random-scale", metavar="A:B",
                          help="eta_k times a random scalar with a density on [A, B]")
    schedule.add_argument("--assume", metavar="REL", action="append", default=[],
                          help="a relation on the parameters, e.g. 'a <= 1' (repeatable)")
    library = parser.add_argument_group("library settings (read only with --from; omitted: the library's default)")
    library.add_argument("--from", dest="source", choices=SOURCES, help="translate a library optimizer's settings")
    library.add_argument("--lr", metavar="EXPR", help="learning rate (schedule) of the library optimizer")
    library.add_argument("--momentum", metavar="V", help="--from torch-sgd: momentum")
    library.add_argument("--dampening", metavar="V", help="--from torch-sgd: dampening")
    library.add_argument("--nesterov", action="store_true", help="--from torch-sgd: nesterov=True")
    library.add_argument("--betas", metavar="B1,B2", help="--from lion: betas")
    library.add_argument("--beta", metavar="V", help="--from xht-reference: momentum beta (required there)")
    library.add_argument("--s", metavar="V", help="--from xht-reference: scaling s (default 1/lr at k = 0)")
    library.add_argument("--scheduler", metavar="TEXT", action="append",
                         help="--from torch-sgd or lion: a torch lr scheduler, e.g. 'StepLR(step_size=30, gamma=0.5)' "
                              "(repeatable: SequentialLR with --milestones, else ChainedScheduler); --lr is then the "
                              "optimizer's lr, a number")
    library.add_argument("--milestones", metavar="M1,M2", help="SequentialLR milestones for several --scheduler")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def _given(args: argparse.Namespace, dest: str) -> bool:
    """Whether the user gave the flag of ``dest`` (every flag of :data:`_READ_BY` defaults to None or False)."""
    return getattr(args, dest) not in (None, False)


def _reject_unread_flags(args: argparse.Namespace) -> None:
    """Exit 2 naming the first flag that was given but that ``args.source`` does not read."""
    from momcert.theory.errors import InputError

    for dest, readers in _READ_BY.items():
        if not _given(args, dest) or args.source in readers:
            continue
        raise InputError(f"--{dest} does nothing {_sources((args.source,))} (it applies {_sources(readers)})")


def _sources(readers: tuple[str | None, ...]) -> str:
    """``(None, "lion", "xht-reference")`` as "without --from or with --from lion or xht-reference"."""
    named = [reader for reader in readers if reader is not None]
    parts = ["without --from"] if None in readers else []
    if named:
        parts.append("with --from " + (f"{', '.join(named[:-1])} or {named[-1]}" if len(named) > 1 else named[0]))
    return " or ".join(parts)


def _translation(args: argparse.Namespace):
    from momcert.theory import translations
    from momcert.theory.errors import InputError

    if args.lr is None:
        raise InputError(f"--from {args.source} needs --lr EXPR")
    if args.source == "torch-sgd":
        settings = {name: getattr(args, name) for name in ("momentum", "dampening", "nesterov") if _given(args, name)}
        if args.scheduler:
            return _scheduled(args, **settings)
        return translations.from_torch_sgd(args.lr, **settings)
    if args.source == "lion":
        betas = None
        if args.betas is not None:
            betas = args.betas.split(",")
            if len(betas) != 2:
                raise InputError(f"--betas must be B1,B2, got {args.betas!r}")
            betas = (betas[0].strip(), betas[1].strip())
        if args.scheduler:
            return _scheduled(args, betas=None if betas is None else tuple(_number(b, "--betas") for b in betas))
        return translations.from_lion(args.lr) if betas is None else translations.from_lion(args.lr, betas=betas)
    if args.beta is None:
        raise InputError("--from xht-reference needs --beta V")
    method = "heavy-ball" if args.method is None else args.method  # an empty --method is an unknown method
    return translations.from_xht_reference(args.lr, args.beta, args.s, method=method)


def _number(text: str, flag: str):
    """A number given on the command line, exact (a scheduler's settings are numbers, never expressions)."""
    from momcert.theory.errors import InputError
    from momcert.theory.parse import as_expression

    value = as_expression(text, flag)
    if not value.is_number:
        raise InputError(f"{flag} must be a number with --scheduler, got {text!r}")
    return value


def _scheduled(args: argparse.Namespace, **settings):
    """The ScheduleTranslation of ``--scheduler`` (and ``--milestones``) on the ``--from`` optimizer."""
    from momcert.theory.errors import InputError
    from momcert.theory.schedulers import translate_scheduler

    if args.milestones is not None and len(args.scheduler) < 2:
        raise InputError("--milestones needs several --scheduler (SequentialLR)")
    milestones = None
    if args.milestones is not None:
        milestones = [_number(item.strip(), "--milestones") for item in args.milestones.split(",")]
    for name in ("momentum", "dampening"):
        if name in settings:
            settings[name] = _number(settings[name], f"--{name}")
    return translate_scheduler(args.scheduler, _number(args.lr, "--lr"), milestones=milestones,
                               optimizer=args.source, **settings)


def run(args: argparse.Namespace) -> int:
    _reject_unread_flags(args)  # before SymPy is imported: a wrong flag fails fast
    import json

    from momcert.theory.budget import within_ceiling
    from momcert.theory.checker import CHECK_SECONDS, check
    from momcert.theory.errors import InputError

    translation = scheduled = None
    if args.source is not None:
        translation = _translation(args)
        if args.scheduler:
            scheduled, translation = translation, translation.translation
        eta, theta, method, rho = translation.eta, translation.theta, translation.method, translation.rho
    else:
        if args.eta is None:
            raise InputError("give --eta EXPR (or --from with --lr)")
        eta, theta, method, rho = args.eta, args.theta, "heavy-ball" if args.method is None else args.method, None
    report = check(eta, theta, method=method, noise=args.noise, random_scale=args.random_scale,
                   assume=args.assume, rho=rho, translation=translation)

    def render() -> str:
        if args.json:
            return json.dumps(report.to_dict() | ({} if scheduled is None else scheduled.to_dict()), indent=2)
        lines = [] if scheduled is None else scheduled.schedule_lines()
        return "\n".join([*lines, str(report)])

    print(within_ceiling(render, CHECK_SECONDS, "printing the report"))
    return 0
