"""``momcert explain [ID] [--json]``: the specification momcert encodes, by id (:mod:`momcert.theory.registry`).

Without an id: every condition, theorem, assumption, hypothesis, lemma, baseline and definition with its provenance
and a one-line title, grouped by kind. With an id: the entry in full (statement in plain text and LaTeX, hypotheses,
conclusion, what is assumed, provenance and the paper's numbering); ``--json`` prints it as one object. An unknown id
exits with code 2, naming the nearest id. Imports only the standard library at module level (never torch).
"""

from __future__ import annotations

import argparse

EXAMPLES = """examples:
  momcert explain
  momcert explain xht-two
  momcert explain lk-theorem-7 --json"""


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "explain", help="print a condition, theorem, assumption, lemma or baseline by id (without an id: list them)",
        description="Print what momcert encodes. Without ID: every id, grouped by kind, with its provenance.\n"
                    "With ID: the entry in full (statement in text and LaTeX, hypotheses, conclusion, what is\n"
                    "assumed and cannot be checked from a schedule, provenance and the paper's numbering).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("id", nargs="?", metavar="ID", help="an id, e.g. xht-two, eta_to_zero or lk-theorem-7")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (without ID: the list of ids with kind, provenance and title)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from momcert.theory.registry import entries, explain, listing

    if args.id is None:
        if args.json:
            print(json.dumps([{"id": e.id, "kind": e.kind, "provenance": e.provenance, "title": e.title}
                              for e in entries().values()], indent=2))
        else:
            print(listing())
        return 0
    entry = explain(args.id)
    print(json.dumps(entry.to_dict(), indent=2) if args.json else entry)
    return 0
