"""`gonogo` command line: argument parsing and exit codes; the work is in the library."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from gonogo import __version__

# name -> module with add_parser(subparsers) that sets `handler`; imported at start-up,
# so each keeps its heavy imports inside its handler.
COMMANDS: dict[str, str] = {
    "check": "gonogo.cli.check",
    "init": "gonogo.cli.init",
    "explain": "gonogo.cli.explain",
    "schema": "gonogo.cli.schema",
    "secrets": "gonogo.cli.secrets",
    "orchestrate": "gonogo.cli.orchestrate",
    "history": "gonogo.cli.history",
    "diff": "gonogo.cli.diff",
    "approve": "gonogo.cli.approve",
    "approvals": "gonogo.cli.approvals",
    "audit": "gonogo.cli.audit",
    "serve": "gonogo.cli.serve",
    "push": "gonogo.cli.push",
    "completion": "gonogo.cli.completion",
    "fleet": "gonogo.cli.fleet",
}


def _add_global(p: argparse.ArgumentParser, *, top: bool) -> None:
    """Flags every command takes, before or after its name (`gonogo check --debug`)."""
    default: Any = None if top else argparse.SUPPRESS
    have = p._option_string_actions
    g = p.add_argument_group("global options") if not top else p
    g.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show tracebacks of internal errors",
    )
    g.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default=default,
        help="colour in terminal output (default: auto; NO_COLOR and FORCE_COLOR are honoured)",
    )
    g.add_argument(
        "--no-color",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="the same as --color never",
    )
    if "-q" not in have:
        g.add_argument(
            "-q",
            "--quiet",
            action="count",
            default=0 if top else argparse.SUPPRESS,
            help="less output: no status lines on stderr",
        )
    if "-v" not in have:
        g.add_argument(
            "-v",
            "--verbose",
            action="count",
            default=0 if top else argparse.SUPPRESS,
            help="more output",
        )


# Global flags that take no value: what may come before a command's name.
_BARE_GLOBALS = frozenset(("--debug", "--quiet", "--verbose", "--no-color"))


def named_command(args: Sequence[str]) -> str | None:
    """The command `args` name when only value-less global flags come before it (`gonogo
    -q secrets .`); None when it cannot be told without the whole parser."""
    for arg in args:
        if arg in COMMANDS:
            return arg
        bare = arg in _BARE_GLOBALS or arg.startswith("--color=")
        if not bare and not (len(arg) > 1 and arg[0] == "-" and set(arg[1:]) <= {"q", "v"}):
            return None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with `only` one command's (its module alone is imported: a
    command starts without the others' imports)."""
    parser = argparse.ArgumentParser(
        prog="gonogo", description="Production-readiness gates as code. Evidence, not claims."
    )
    parser.add_argument("--version", action="version", version=f"gonogo {__version__}")
    _add_global(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [only] if only else COMMANDS:
        importlib.import_module(COMMANDS[name]).add_parser(sub)
    for command in sub.choices.values():
        _add_global_tree(command)
    return parser


def _add_global_tree(p: argparse.ArgumentParser) -> None:
    """A command's global flags, and its own subcommands' (`gonogo fleet run -q`)."""
    _add_global(p, top=False)
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_global_tree(child)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list in (["--version"], ["-V"]):
        print(f"gonogo {__version__}")
        return 0
    parser = build_parser(named_command(args_list))
    args, extra = parser.parse_known_args(args_list)
    if extra:
        return _unknown(parser, args, extra)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return _dispatch(args)


def _unknown(parser: argparse.ArgumentParser, args: argparse.Namespace, extra: list[str]) -> int:
    """The command's own usage, what was not understood, and the nearest flag it has."""
    import difflib

    command = _subparsers(parser).get(getattr(args, "command", None) or "", parser)
    command.print_usage(sys.stderr)
    flags = [f for f in command._option_string_actions if f.startswith("--")]
    first = extra[0].split("=", 1)[0]
    close = difflib.get_close_matches(first, flags, n=1, cutoff=0.6) if first[:1] == "-" else []
    hint = f"; did you mean {close[0]}?" if close else ""
    what = "unrecognized argument" + ("s" if len(extra) > 1 else "")
    print(f"{command.prog}: error: {what}: {' '.join(extra)}{hint}", file=sys.stderr)
    return 2


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _dispatch(args: argparse.Namespace) -> int:
    from gonogo.errors import GonogoError
    from gonogo.safetext import printable

    try:
        code: int = args.handler(args)
        return code
    except GonogoError as exc:
        print(f"gonogo: error: {printable(str(exc))}", file=sys.stderr)
        return 2  # every GonogoError is something the user can fix
    except KeyboardInterrupt:
        print("gonogo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"gonogo: internal error: {type(exc).__name__}: {printable(str(exc))} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 3


def run() -> None:
    sys.exit(main())
