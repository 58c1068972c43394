"""PLACEHOLDER: replaced by the module that implements this scenario."""

HELP = "(not built yet)"


def add_arguments(parser) -> None:
    pass


def run(options, args):
    from theory.errors import InputError

    raise InputError("this scenario is not built yet")
