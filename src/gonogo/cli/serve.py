"""`gonogo serve`: run the team server, or manage what it keeps: ingest and user tokens,
users, webhooks and project settings (`gonogo serve token add PROJECT`, …)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEFAULT_DB = ".gonogo/server.db"


def add_parser(sub: Any) -> None:
    from gonogo.cli.common import add_project

    p = sub.add_parser("serve", help="the team server: runs from CI, fleet overview, sign-offs")
    _store(p)
    add_project(p, positional=False)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    p.add_argument(
        "--public-read", action="store_true", help="pages and read API without logging in"
    )
    p.add_argument(
        "--insecure-cookies",
        action="store_true",
        help="session cookies without the Secure flag (plain HTTP off localhost)",
    )
    p.add_argument(
        "--max-body",
        type=int,
        default=None,
        metavar="BYTES",
        help="largest report accepted (default: 8 MiB)",
    )
    p.add_argument(
        "--stale-days",
        type=float,
        default=7.0,
        metavar="N",
        help="flag projects with no run for N days (default: 7)",
    )
    p.add_argument(
        "--in-process",
        action="store_true",
        help="validate and store pushed runs in the server's own process (default: in a "
        "child process, which does not share its interpreter lock)",
    )
    p.set_defaults(handler=run_server)
    cmds = p.add_subparsers(dest="serve_command", metavar="COMMAND")
    _token_parsers(cmds)
    _user_parsers(cmds)
    _webhook_parsers(cmds)
    _project_parsers(cmds)


def _store(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=f"sqlite:///PATH or postgresql://… (default: $GONOGO_STORE, else {DEFAULT_DB})",
    )


def _token_parsers(cmds: Any) -> None:
    t = cmds.add_parser(
        "token", help="ingest tokens for CI, user tokens for scripts"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    add = t.add_parser("add", help="a new token, printed once on the last line of stdout")
    add.add_argument(
        "project", nargs="?", metavar="PROJECT", help="the project it may push runs to"
    )
    add.add_argument("--user", metavar="NAME", help="a token acting as this user instead")
    add.set_defaults(handler=token_add)
    rev = t.add_parser("revoke", help="revoke a token by its id (`token list`) or the token itself")
    rev.add_argument("ref", metavar="ID|TOKEN")
    rev.set_defaults(handler=token_revoke)
    t.add_parser("list", help="tokens: id, kind, subject, first characters").set_defaults(
        handler=token_list
    )
    for sp in t.choices.values():
        _store(sp)


def _user_parsers(cmds: Any) -> None:
    from gonogo.server.config import ROLES

    u = cmds.add_parser("user", help="local accounts").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add = u.add_parser("add", help="a new user; the password is read from stdin")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument(
        "--signs",
        metavar="ROLES",
        default="",
        help="approval roles this user may sign as, comma-separated (default: any)",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from stdin (else it is asked for)",
    )
    add.set_defaults(handler=user_add)
    pw = u.add_parser("password", help="set a user's password (from stdin); ends their sessions")
    pw.add_argument("name", metavar="NAME")
    pw.add_argument("--password-stdin", action="store_true")
    pw.set_defaults(handler=user_password)
    dis = u.add_parser("disable", help="disable a user; ends their sessions")
    dis.add_argument("name", metavar="NAME")
    dis.set_defaults(handler=user_disable)
    u.add_parser("list", help="users and roles").set_defaults(handler=user_list)
    for sp in u.choices.values():
        _store(sp)


def _webhook_parsers(cmds: Any) -> None:
    from gonogo.server.config import EVENTS

    w = cmds.add_parser(
        "webhook", help="signed webhooks on verdict flips, P0 blockers, expiring waivers"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    add = w.add_parser("add", help="POST events to URL, signed with the secret in $VAR")
    add.add_argument("url", metavar="URL")
    add.add_argument(
        "--secret-env",
        required=True,
        metavar="VAR",
        help="environment variable of the server holding the HMAC secret",
    )
    add.add_argument(
        "--event", action="append", default=[], choices=EVENTS, help="repeatable (default: all)"
    )
    add.add_argument("--project", metavar="PROJECT", help="only this project's events")
    add.set_defaults(handler=webhook_add)
    w.add_parser("list", help="webhooks").set_defaults(handler=webhook_list)
    for sp in w.choices.values():
        _store(sp)


def _project_parsers(cmds: Any) -> None:
    pr = cmds.add_parser("project", help="project settings").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    s = pr.add_parser("set", help="owner, tags and default branch of a project")
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("--owner")
    s.add_argument("--tag", action="append", default=None, help="repeatable; replaces the tags")
    s.add_argument("--default-branch", metavar="BRANCH")
    s.set_defaults(handler=project_set)
    _store(s)


# -- handlers -------------------------------------------------------------------------


def _url(args: argparse.Namespace) -> str:
    from gonogo.cli.common import project_path
    from gonogo.store import store_url

    root = project_path(args) if hasattr(args, "chdir") else Path.cwd()
    given = getattr(args, "store", None)
    if not given and not os.environ.get("GONOGO_STORE"):
        given = str(root / DEFAULT_DB)
    return store_url(given, os.environ, root)


def _db(args: argparse.Namespace) -> Any:
    from gonogo.server.db import ServerDB

    return ServerDB.open(_url(args))


@contextlib.contextmanager
def _conn(args: argparse.Namespace, *, write: bool) -> Iterator[Any]:
    """A connection to the server's store: one write transaction, or a reader."""
    db = _db(args)
    try:
        with db.write() if write else db.read() as conn:
            yield conn
    finally:
        db.close()


def _actor() -> str:
    return "cli:" + (os.environ.get("USER") or os.environ.get("USERNAME") or "unknown")


def _now() -> str:
    import time

    from gonogo.server.config import iso

    return iso(time.time())


def run_server(args: argparse.Namespace) -> int:
    from gonogo.cli.common import say
    from gonogo.server.app import run
    from gonogo.server.config import MAX_BODY, Settings
    from gonogo.store import redact_url

    url = _url(args)
    settings = Settings(
        store_url=url,
        max_body=args.max_body or MAX_BODY,
        public_read=args.public_read,
        secure_cookies=not args.insecure_cookies,
        stale_days=args.stale_days,
        ingest_process=not args.in_process,
    )
    _db(args).close()  # create or migrate the schema before the first request
    say(args, f"serving on http://{args.host}:{args.port}/ with {redact_url(url)}")
    run(settings, args.host, args.port)
    return 0


def token_add(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError
    from gonogo.server import tokens, users

    if bool(args.project) == bool(args.user):
        raise UsageError("give PROJECT (an ingest token) or --user NAME (a user token), not both")
    with _conn(args, write=True) as conn:
        if args.user and users.get(conn, args.user) is None:
            raise UsageError(f"no user {args.user!r}; add one with `gonogo serve user add`")
        kind, subject = ("user", args.user) if args.user else ("ingest", args.project)
        token = tokens.add(conn, kind, subject, by=_actor(), at=_now())
    what = f"pushes runs of project {subject}" if kind == "ingest" else f"acts as user {subject}"
    print(
        f"new {kind} token; it {what}. It is shown once: store it as a CI secret (GONOGO_TOKEN).",
        file=sys.stderr,
    )
    print(token)
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError
    from gonogo.server import tokens

    with _conn(args, write=True) as conn:
        done = tokens.revoke(conn, args.ref, by=_actor(), at=_now())
    if not done:
        raise UsageError(f"no active token {args.ref[:10]}… (see `gonogo serve token list`)")
    for r in done:
        print(f"revoked {r['kind']} token {r['id']} ({r['hint']}…) of {r['subject']}")
    return 0


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    print("\t".join(columns))
    for r in rows:
        print("\t".join("" if r.get(c) is None else str(r[c]) for c in columns))


def token_list(args: argparse.Namespace) -> int:
    from gonogo.server import tokens

    with _conn(args, write=False) as conn:
        _table(
            tokens.listing(conn),
            ("id", "kind", "subject", "hint", "created_at", "created_by", "revoked_at"),
        )
    return 0


def _password(args: argparse.Namespace) -> str:
    import getpass

    from gonogo.errors import UsageError

    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise UsageError("the two passwords differ")
    if len(password) < 8:
        raise UsageError("the password must have at least 8 characters")
    return password


def user_add(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError
    from gonogo.server import users

    if not users.valid_name(args.name):
        raise UsageError(f"user name {args.name!r}: use 1-64 letters, digits, '.', '_', '-' or '@'")
    signs = tuple(s.strip() for s in args.signs.split(",") if s.strip())
    password = _password(args)
    with _conn(args, write=True) as conn:
        if users.get(conn, args.name) is not None:
            raise UsageError(
                f"user {args.name} exists (`gonogo serve user password` changes the password)"
            )
        users.add(conn, args.name, args.role, password, signs=signs, by=_actor(), at=_now())
    print(
        f"added user {args.name} ({args.role}{'; signs as ' + ', '.join(signs) if signs else ''})"
    )
    return 0


def user_password(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError
    from gonogo.server import users

    password = _password(args)
    with _conn(args, write=True) as conn:
        if not users.set_password(conn, args.name, password, by=_actor(), at=_now()):
            raise UsageError(f"no user {args.name}")
    print(f"password of {args.name} changed; their sessions are ended")
    return 0


def user_disable(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError
    from gonogo.server import users

    with _conn(args, write=True) as conn:
        if not users.disable(conn, args.name, by=_actor(), at=_now()):
            raise UsageError(f"no active user {args.name}")
    print(f"disabled user {args.name}")
    return 0


def user_list(args: argparse.Namespace) -> int:
    from gonogo.server import users

    with _conn(args, write=False) as conn:
        _table(users.listing(conn), ("name", "role", "signs", "created_at", "disabled_at"))
    return 0


def webhook_add(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError
    from gonogo.server import webhooks

    if not args.url.startswith(("http://", "https://")):
        raise UsageError(f"webhook URL {args.url}: expected http:// or https://")
    with _conn(args, write=True) as conn:
        hook = webhooks.add(
            conn, args.url, args.secret_env, args.event, args.project, by=_actor(), at=_now()
        )
    if args.secret_env not in os.environ:
        print(
            f"gonogo: warning: ${args.secret_env} is not set here; the server needs it to sign",
            file=sys.stderr,
        )
    print(f"added webhook {hook} → {args.url}")
    return 0


def webhook_list(args: argparse.Namespace) -> int:
    from gonogo.server import webhooks

    with _conn(args, write=False) as conn:
        _table(
            webhooks.listing(conn),
            ("id", "url", "secret_env", "events", "project", "created_at", "disabled_at"),
        )
    return 0


def project_set(args: argparse.Namespace) -> int:
    import json

    from sqlalchemy import update

    from gonogo.errors import UsageError
    from gonogo.server import audit
    from gonogo.store import server_tables as st

    changes: dict[str, Any] = {}
    if args.owner is not None:
        changes["owner"] = args.owner
    if args.tag is not None:
        changes["tags"] = json.dumps(sorted(set(args.tag)))
    if args.default_branch is not None:
        changes["default_branch"] = args.default_branch
    if not changes:
        raise UsageError("nothing to set: give --owner, --tag or --default-branch")
    with _conn(args, write=True) as conn:
        where = st.projects.c.project == args.project
        if not conn.execute(update(st.projects).where(where).values(**changes)).rowcount:
            conn.execute(
                st.projects.insert().values(
                    project=args.project, created_at=_now(), **{"tags": "[]", **changes}
                )
            )
        audit.record(
            conn,
            at=_now(),
            actor=_actor(),
            action="project.update",
            target=args.project,
            project=args.project,
            detail=changes,
        )
    print(f"project {args.project}: set {', '.join(sorted(changes))}")
    return 0
