"""`gonogo fleet run` and `gonogo fleet worker`: readiness across many repositories."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import IO, Any

FORMATS = ("term", "json", "md", "html")
LOCK_FILE = "fleet.lock"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fleet", help="readiness across many repositories (local pool or Celery)")
    fleet_sub = p.add_subparsers(dest="fleet_command", metavar="COMMAND")
    _add_run(fleet_sub)
    _add_worker(fleet_sub)
    p.set_defaults(handler=lambda args: _usage(p))


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def _add_run(sub: Any) -> None:
    from gonogo.cli.common import add_store_option

    p = sub.add_parser("run", help="judge every repository of a fleet file (or --from-dir)")
    p.add_argument("fleet", nargs="?", metavar="FLEET", help="fleet file (e.g. fleet.yaml)")
    p.add_argument(
        "--from-dir", metavar="DIR", help="every git repository below DIR, instead of a file"
    )
    p.add_argument(
        "-j", "--jobs", type=_positive, default=2, metavar="N", help="repositories at once (local)"
    )
    p.add_argument(
        "--broker",
        metavar="URL",
        help="send one Celery task per repository (amqp://… or redis://…); default: run locally",
    )
    p.add_argument("--queue", default="gonogo-fleet", help="Celery queue (default: gonogo-fleet)")
    add_store_option(p)
    p.add_argument("--cache", metavar="DIR", help="clones kept between runs (local mode)")
    p.add_argument("--format", choices=FORMATS, default="term", help="summary format")
    p.add_argument("-o", "--output", metavar="FILE", help="write the summary here")
    p.set_defaults(handler=run)


def _add_worker(sub: Any) -> None:
    from gonogo.cli.common import add_store_option

    p = sub.add_parser("worker", help="a Celery worker for `gonogo fleet run --broker`")
    p.add_argument("--broker", required=True, metavar="URL", help="amqp://… or redis://…")
    add_store_option(p)
    p.add_argument("--queue", default="gonogo-fleet", help="Celery queue (default: gonogo-fleet)")
    p.add_argument(
        "-c", "--concurrency", type=_positive, default=2, metavar="N", help="pool processes"
    )
    p.add_argument("--cache", metavar="DIR", help="clones kept between tasks")
    p.set_defaults(handler=worker)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    from gonogo.cli.common import emit, say
    from gonogo.errors import UsageError
    from gonogo.fleet.runner import Options, run_fleet
    from gonogo.fleet.spec import from_dir, load_fleet
    from gonogo.fleet.summary import headline, render
    from gonogo.fleet.tasks import cache_dir
    from gonogo.orchestrate.lock import OrchestratorLock
    from gonogo.store import store_url

    if (args.fleet is None) == (args.from_dir is None):
        raise UsageError("give a fleet file or --from-dir DIR (one of them)")
    fleet = load_fleet(Path(args.fleet)) if args.fleet else from_dir(Path(args.from_dir))
    state = Path.cwd()
    url = store_url(args.store, os.environ, state)
    cache = Path(args.cache) if args.cache else cache_dir()
    options = Options(url, cache, args.jobs, args.broker, args.queue)
    lock = OrchestratorLock(state / ".gonogo" / LOCK_FILE, command="gonogo fleet run")
    with lock:
        lock.acquire(time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        progress = Progress(len(fleet.repositories), sys.stderr, quiet=bool(args.quiet))
        summary = run_fleet(fleet, options, progress.done)
        progress.finish()
    written = emit(render(summary, args.format), args.output)
    say(args, headline(summary) + (f"; summary in {written}" if written else ""))
    return 0 if summary.all_go else 1


def worker(args: argparse.Namespace) -> int:
    """Celery's own worker, with gonogo's app and settings."""
    from gonogo.fleet.tasks import make_app

    if args.store:
        os.environ["GONOGO_STORE"] = args.store
    if args.cache:
        os.environ["GONOGO_FLEET_CACHE"] = args.cache
    app = make_app(args.broker)
    argv = [
        "worker",
        "--loglevel=INFO",
        f"--concurrency={args.concurrency}",
        "--pool=prefork",
        f"--queues={args.queue}",
        "--without-gossip",
        "--without-mingle",
        f"--hostname=gonogo-fleet-{os.getpid()}@%h",
    ]
    app.worker_main(argv=argv)
    return 0


class Progress:
    """done/total, errors and ETA on stderr: one rewritten line on a terminal, one line
    per finished repository otherwise (CI logs)."""

    def __init__(self, total: int, stream: IO[str], *, quiet: bool = False) -> None:
        self.total = total
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.count = 0
        self.errors = 0
        self.started = time.monotonic()

    def done(self, item: Any) -> None:
        from gonogo.durations import format_duration

        self.count += 1
        self.errors += item.verdict == "error"
        if self.quiet:
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.count * (self.total - self.count)
        state = f"{self.count}/{self.total} done, {self.errors} error(s)"
        state += f", ETA {format_duration(eta)}"
        if self.tty:
            width = 24
            filled = width * self.count // max(1, self.total)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {state}  ")
        else:
            note = " (unchanged)" if item.skipped else ""
            self.stream.write(f"gonogo: fleet: {item.repo}: {item.verdict}{note} [{state}]\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and not self.quiet and self.count:
            self.stream.write("\n")
            self.stream.flush()
