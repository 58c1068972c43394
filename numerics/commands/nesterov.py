"""``momcert nesterov``: the [LK] Theorem 7 parameters, rates and hypotheses for a problem.

``momcert explain lk-theorem-7`` states the theorem.

Values are numbers or expressions with symbols (parsed by :mod:`momcert.theory.parse`, never evaluated as Python);
omitted quantities stay symbolic. ``--pep N`` adds PEPit's exact worst case for the smooth strongly convex case, which
needs numbers: symbolic ``--mu``, ``--L1`` or ``--c`` with ``--pep`` is an error. Imports only the standard library at
module level: this command never imports torch.
"""

from __future__ import annotations

import json

_REQUIRED = (
    ("--mu", "mu", "strong-convexity constant of f(., u) (Assumption 1)"),
    ("--L1", "L1", "smoothness constant of f(., u) (Assumption 2), L1 >= mu"),
)
_OPTIONAL = (
    ("--L2", "L2", "smoothness constant of the loss g (Assumption 3)"),
    ("--G1", "G1", "Lipschitz constant of the model in u (Assumption 4)"),
    ("--G2", "G2", "Lipschitz constant of grad_x f in u (Assumption 5)"),
    ("--c", "c", "the absolute constant c of eta = c/L1 (default 1/51, the largest the proof allows)"),
    ("--delta0", "delta0", "initial gap Delta0 = f(x0, u0) - f*"),
    ("--Rx", "Rx", "radius of the ball around x0 ('inf' for the whole space)"),
    ("--Ru", "Ru", "radius of the ball around u0 ('inf' for the whole space)"),
    ("--target", "target", "gap to reach: f_k - f* with --delta0, the relative gap (f_k - f*)/Delta0 without"),
)


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "nesterov",
        help="[LK] Nesterov parameters, rates and hypotheses (Liao & Kyrillidis 2024)",
        description="The [LK] Theorem 7 parameters eta = c/L1 and beta, the rate 1 - c/(4 sqrt(kappa)), the GD rate "
                    "of Theorem 6, iterations to a target gap, and each hypothesis with its status or implied "
                    "constant. Values may be numbers or expressions with symbols; omitted ones stay symbolic.",
        examples=("momcert nesterov --mu 1 --L1 100 --target 1e-6",
                  "momcert nesterov --mu mu --L1 L1 --json",
                  "momcert nesterov --mu 0.1 --L1 1 --pep 8"),
    )
    required = parser.add_argument_group("required arguments")
    for flag, dest, text in _REQUIRED:
        required.add_argument(flag, dest=dest, metavar="V", required=True, help=text)
    for flag, dest, text in _OPTIONAL:
        parser.add_argument(flag, dest=dest, metavar="V", help=text)
    parser.add_argument("--pep", type=int, metavar="N", default=None,
                        help="also compute PEPit's exact worst case up to N steps (needs numeric --mu, --L1 and --c, "
                             "and the optional extra: pip install 'momcert[pep]')")
    parser.add_argument("--allow-c", action="store_true", help="accept c > 1/51 (outside the range of the proof)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def run(args) -> int:
    from momcert.theory.nesterov import nesterov_analysis
    from momcert.theory.pep import horizons

    steps = None if args.pep is None else horizons(args.pep)  # checks --pep before any symbolic work
    report = nesterov_analysis(args.mu, args.L1, L2=args.L2, G1=args.G1, G2=args.G2,
                     c="1/51" if args.c is None else args.c, delta0=args.delta0, Rx=args.Rx, Ru=args.Ru,
                     target=args.target, allow_c=args.allow_c)
    if steps is not None:
        report.pep = _pep(report, steps)
    from momcert.theory.budget import within_ceiling
    from momcert.theory.nesterov import ANALYSIS_SECONDS

    text = within_ceiling(lambda: json.dumps(report.to_dict(), indent=2, allow_nan=False) if args.json
                          else str(report), ANALYSIS_SECONDS, "printing the report")
    print(text)
    return 0


def _pep(report, steps: list[int]):
    """The PEPit comparison at the horizons ``steps``, or the install hint when PEPit is missing; symbolic constants
    are an :class:`InputError` naming the flag."""
    from momcert.theory.errors import InputError
    from momcert.theory.pep import INSTALL_HINT, compare_with_pep, pep_available

    p = report.params
    symbolic = [f"{flag} {value}" for flag, value in (("--mu", p.mu), ("--L1", p.L1), ("--c", p.c))
                if not value.is_number]
    if symbolic:
        raise InputError(f"--pep needs numbers, got symbolic {', '.join(symbolic)}")
    if not pep_available():
        return INSTALL_HINT
    return compare_with_pep(float(p.mu), float(p.L1), float(p.eta), float(p.beta), float(p.rate), steps)
