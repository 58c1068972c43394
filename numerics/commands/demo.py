"""PLACEHOLDER: replaced by the module that implements `momcert demo`."""


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="(not built yet)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from theory.errors import InputError

    raise InputError("momcert demo is not built yet")
