"""`gonogo` command line: argument parsing and exit codes; the work is in the library."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

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
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gonogo", description="Production-readiness gates as code. Evidence, not claims."
    )
    parser.add_argument("--version", action="version", version=f"gonogo {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(COMMANDS[name]).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list in (["--version"], ["-V"]):
        print(f"gonogo {__version__}")
        return 0
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    from gonogo.errors import GonogoError

    try:
        code: int = args.handler(args)
        return code
    except GonogoError as exc:
        print(f"gonogo: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("gonogo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"gonogo: internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 3


def run() -> None:
    sys.exit(main())
