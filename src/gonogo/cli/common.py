"""What every command shares: the project folder, the plan it runs, the history store,
output and colour. Commands import this module, never one another."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gonogo.models import GitInfo
    from gonogo.plan.model import Plan
    from gonogo.report import Provenance
    from gonogo.store import HistoryReader

COLOR_CHOICES = ("auto", "always", "never")


# -- the project folder ---------------------------------------------------------------


def add_project(p: argparse.ArgumentParser, *, positional: bool = True) -> None:
    """`PATH` (positional, default `.`) where the command has no other positional, and
    `-C PATH` on every command, as git and make take it."""
    if positional:
        p.add_argument("path", nargs="?", default=None, help="project folder (default: .)")
    p.add_argument(
        "-C",
        dest="chdir",
        metavar="PATH",
        default=None,
        help="project folder (the same as PATH)" if positional else "project folder (default: .)",
    )


def project_path(args: argparse.Namespace) -> Path:
    """The folder named by PATH or -C (not both), which must be a directory."""
    from gonogo.errors import UsageError

    given, chdir = getattr(args, "path", None), getattr(args, "chdir", None)
    if given and chdir and Path(given).resolve() != Path(chdir).resolve():
        raise UsageError(f"PATH {given} and -C {chdir} name different folders; give one")
    text = given or chdir or "."
    root = Path(text).resolve()
    if not root.is_dir():
        raise UsageError(f"{text} is not a directory")
    return root


# -- the plan -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    plan: Plan
    root: Path  # the directory the plan's paths are relative to
    origin: str  # "plan: gonogo.yaml" or "no plan: default packs (ops, python)"


def add_plan_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-p",
        "--plan",
        metavar="FILE",
        help="plan file (default: gonogo.yaml or .gonogo.yaml found from PATH up to the git "
        "root, or [tool.gonogo] plan in pyproject.toml; else the default packs)",
    )


def resolve_plan(
    start: Path, plan_arg: str | None, probes: Mapping[str, Any] | None = None
) -> Resolved:
    from gonogo.errors import UsageError
    from gonogo.plan.discover import find_plan
    from gonogo.plan.loader import load_plan
    from gonogo.probes.registry import all_probes

    probes = all_probes() if probes is None else probes
    if plan_arg:
        path = Path(plan_arg)
        if not path.exists():
            raise UsageError(f"plan file {plan_arg} does not exist")
        return Resolved(load_plan(path, probes), start, f"plan: {_shown(path)}")
    found = find_plan(start)
    if found.plan is None:
        from gonogo.packs import default_plan

        plan = default_plan(start, probes)
        packs = ", ".join(g.id for g in plan.gates) or "none apply"
        return Resolved(plan, start, f"no plan: default packs ({packs})")
    via = f" (named in {found.via})" if found.via else ""
    return Resolved(load_plan(found.plan, probes), found.root, f"plan: {_shown(found.plan)}{via}")


def _shown(path: Path) -> str:
    """A path as the user would type it from here: relative when below the cwd."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def current(args: argparse.Namespace) -> tuple[Path, Plan, GitInfo]:
    """The project root, its plan and its commit; approvals need a commit to bind to."""
    from gonogo.errors import UsageError
    from gonogo.git import git_info

    resolved = resolve_plan(project_path(args), getattr(args, "plan", None))
    git = git_info(resolved.root)
    if not git.commit:
        raise UsageError(
            f"{resolved.root} is not a git work tree with a commit: approvals are bound to a commit"
        )
    return resolved.root, resolved.plan, git


def provenance(root: Path, plan: Plan) -> Provenance:
    """Repository root, project prefix, plan file and remote, for SARIF and annotations."""
    from gonogo.git import git_root, remote_uri
    from gonogo.plan.locate import check_lines
    from gonogo.report import Provenance

    top = git_root(root)
    if top is None:
        return Provenance()
    top = top.resolve()
    prefix = root.relative_to(top).as_posix() + "/" if root != top else ""
    plan_file = Path(plan.source) if plan.source and not plan.source.startswith("<") else None
    rel_plan = None
    if plan_file is not None and plan_file.resolve().is_relative_to(top):
        rel_plan = plan_file.resolve().relative_to(top).as_posix()
    return Provenance(
        root_uri=top.as_uri() + "/",
        prefix=prefix,
        plan=rel_plan,
        check_lines=check_lines(plan_file) if rel_plan and plan_file else {},
        repository_uri=remote_uri(top),
    )


# -- the history store ------------------------------------------------------------------


def add_store_option(p: argparse.ArgumentParser) -> None:
    from gonogo.store import ENV_VAR

    p.add_argument(
        "--store",
        metavar="URL",
        help=f"history database: sqlite:///PATH or postgresql://… (default: ${ENV_VAR}, "
        "else PATH/.gonogo/history.db)",
    )


def open_existing(args: argparse.Namespace, root: Path) -> HistoryReader | None:
    """The store named by the options, or None when the default SQLite file is absent."""
    from gonogo.store import exists, open_reader, store_url

    url = store_url(getattr(args, "store", None), os.environ, root)
    return open_reader(url) if exists(url) else None


# -- the team server ---------------------------------------------------------------------


def add_server_option(p: argparse.ArgumentParser) -> None:
    from gonogo.server.client import SERVER_ENV, TOKEN_ENV

    p.add_argument(
        "--server",
        metavar="URL",
        help=f"the team server (default: ${SERVER_ENV}); the ingest token comes from ${TOKEN_ENV}",
    )


def target(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[str, str]:
    """(server URL, token), or a usage error naming what is missing."""
    from gonogo.errors import UsageError
    from gonogo.server.client import SERVER_ENV, TOKEN_ENV

    server = getattr(args, "server", None) or environ.get(SERVER_ENV, "")
    if not server:
        raise UsageError(f"no team server: give --server URL or set ${SERVER_ENV}")
    token = environ.get(TOKEN_ENV, "")
    if not token:
        raise UsageError(
            f"no ingest token: set ${TOKEN_ENV} (`gonogo serve token add PROJECT` prints one)"
        )
    return server, token


def send(body: bytes, project: str, args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    """Push and say where the run is now."""
    from gonogo.server.client import push

    server, token = target(args, environ)
    done = push(server, project, body, token)
    state = "stored" if done.created else "already stored, unchanged"
    return f"pushed run {done.run_id[:12]} to {done.url} ({state})"


# -- output ---------------------------------------------------------------------------


def emit(text: str, output: str | None) -> Path | None:
    """The report to stdout (no -o, or `-o -`), else safely into the named file."""
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    from gonogo import atomic

    return atomic.write_output(output, text.encode("utf-8"))


def use_color(args: argparse.Namespace, stream: IO[str], environ: Mapping[str, str]) -> bool:
    """--color / --no-color first, then NO_COLOR, FORCE_COLOR, and whether STREAM is a TTY."""
    mode = getattr(args, "color", None) or "auto"
    if getattr(args, "no_color", False):
        mode = "never"
    if mode != "auto":
        return mode == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def say(args: argparse.Namespace, text: str) -> None:
    """A status line on stderr (the plan used, the verdict, where the report went);
    `-q` silences it."""
    if getattr(args, "quiet", 0):
        return
    from gonogo.safetext import printable

    print(f"gonogo: {printable(text)}", file=sys.stderr, flush=True)


def warn(text: str) -> None:
    from gonogo.safetext import printable

    print(f"gonogo: warning: {printable(text)}", file=sys.stderr, flush=True)
