"""PLACEHOLDER: replaced by the module that implements `momcert check`."""


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("check", help="(not built yet)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from theory.errors import InputError

    raise InputError("momcert check is not built yet")
