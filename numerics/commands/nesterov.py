"""PLACEHOLDER: replaced by the module that implements `momcert nesterov`."""


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("nesterov", help="(not built yet)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from theory.errors import InputError

    raise InputError("momcert nesterov is not built yet")
