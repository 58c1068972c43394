"""``momcert check``: which SGD-type theorems [XHT]/[SA] cover a stepsize schedule, with exact parameter regions
(``momcert explain ID`` states each condition and theorem).

Contract (DESIGN.md): ``momcert check --eta EXPR [--theta EXPR] [--method NAME] [--noise bounded|l2]
[--random-scale A:B] [--assume REL ...] [--json]``, or ``--from torch-sgd|lion|xht-reference`` with that library's
hyperparameters (``--lr``, ``--momentum``, ``--dampening``, ``--nesterov``, ``--betas``, ``--beta``, ``--s``); the
translation is printed. Only the standard library is imported at module level (never torch).
"""

from __future__ import annotations

import argparse

SOURCES = ("torch-sgd", "lion", "xht-reference")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="decide which convergence theorems cover a stepsize schedule (exact, symbolic)",
        description="Decide the stepsize conditions and the SGD-type theorems for a schedule (momcert explain ID "
                    "states each). "
                    "Expressions use k = 0, 1, 2, ...; any other name is a positive real parameter.")
    parser.add_argument("--eta", metavar="EXPR", help="stepsize of the variables, e.g. '0.1/(k+1)**0.6'")
    parser.add_argument("--theta", metavar="EXPR", help="momentum stepsize in (0, 1] (default 1: plain SGD)")
    parser.add_argument("--method", default=None,
                        help="direction map: heavy-ball (default), sign, normalized, clip, clip-coord, lion")
    parser.add_argument("--noise", default="bounded", help="noise model: bounded (default) or l2")
    parser.add_argument("--random-scale", metavar="A:B", help="eta_k times a random scalar with a density on [A, B]")
    parser.add_argument("--assume", metavar="REL", action="append", default=[],
                        help="a relation on the parameters, e.g. 'a <= 1' (repeatable)")
    parser.add_argument("--from", dest="source", choices=SOURCES, help="translate a library optimizer's settings")
    parser.add_argument("--lr", metavar="EXPR", help="learning rate (schedule) for --from")
    parser.add_argument("--momentum", default="0", help="torch-sgd momentum")
    parser.add_argument("--dampening", default="0", help="torch-sgd dampening")
    parser.add_argument("--nesterov", action="store_true", help="torch-sgd nesterov=True")
    parser.add_argument("--betas", default="0.9,0.99", metavar="B1,B2", help="lion betas")
    parser.add_argument("--beta", metavar="V", help="xht-reference momentum beta")
    parser.add_argument("--s", metavar="V", help="xht-reference scaling s (default 1/lr at k = 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def _translation(args: argparse.Namespace):
    from momcert.theory import translations
    from momcert.theory.errors import InputError

    if args.lr is None:
        raise InputError(f"--from {args.source} needs --lr EXPR")
    if args.eta is not None or args.theta is not None:
        raise InputError("--from replaces --eta/--theta: give the library's settings only")
    if args.source == "torch-sgd":
        return translations.from_torch_sgd(args.lr, momentum=args.momentum, dampening=args.dampening,
                                           nesterov=args.nesterov)
    if args.source == "lion":
        betas = args.betas.split(",")
        if len(betas) != 2:
            raise InputError(f"--betas must be B1,B2, got {args.betas!r}")
        return translations.from_lion(args.lr, betas=(betas[0].strip(), betas[1].strip()))
    if args.beta is None:
        raise InputError("--from xht-reference needs --beta V")
    return translations.from_xht_reference(args.lr, args.beta, args.s, method=args.method or "heavy-ball")


def run(args: argparse.Namespace) -> int:
    import json

    from momcert.theory.checker import check
    from momcert.theory.errors import InputError

    translation = None
    if args.source is not None:
        translation = _translation(args)
        eta, theta, method, rho = translation.eta, translation.theta, translation.method, translation.rho
        if args.method is not None and args.method != method:
            raise InputError(f"--from {args.source} fixes the method to {method!r}, got --method {args.method}")
    else:
        if args.eta is None:
            raise InputError("give --eta EXPR (or --from with --lr)")
        eta, theta, method, rho = args.eta, args.theta, args.method or "heavy-ball", None
    report = check(eta, theta, method=method, noise=args.noise, random_scale=args.random_scale,
                   assume=args.assume, rho=rho, translation=translation)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report)
    return 0
