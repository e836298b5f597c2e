"""A fleet run from start to summary: the local pool (the default) or Celery.

Local: up to `jobs` repositories at a time, each one's git and `gonogo check` in child
processes of their own (the parent only waits on them, so its threads are a pool of
child processes). Celery: one task per repository on the broker; the dispatcher then
follows the store until every repository has its item, or until nothing has finished
for longer than one repository may take.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from gonogo.errors import GonogoError
from gonogo.fleet.results import FleetStore, Item
from gonogo.fleet.spec import Fleet
from gonogo.fleet.summary import Summary
from gonogo.fleet.work import Job, now, run_repository, stop_all

OnItem = Callable[[Item], None]


class BrokerError(GonogoError):
    """The broker cannot be reached or refuses the tasks."""


@dataclass(frozen=True, slots=True)
class Options:
    store_url: str
    cache: Path
    jobs: int = 2
    broker: str | None = None
    queue: str = "gonogo-fleet"
    poll_s: float = 0.5


def run_fleet(fleet: Fleet, options: Options, on_item: OnItem) -> Summary:
    store = FleetStore.open(options.store_url)
    try:
        started, clock = now(), time.monotonic()
        mode = "celery" if options.broker else "local"
        run = store.start_run(fleet.name, mode, len(fleet.repositories), started)
        job = Job(run, fleet.limits, fleet.shared_plan_path, fleet.shared_plan_digest)
        if options.broker:
            _celery(fleet, job, store, options, on_item)
        else:
            _local(fleet, job, store, options, on_item)
        finished = now()
        store.finish_run(run, finished)
        items = store.items(run)
        previous = store.previous_verdicts(fleet.name, run)
        elapsed = time.monotonic() - clock
        return Summary.build(
            fleet,
            items,
            previous,
            fleet_run=run,
            mode=mode,
            started_at=started,
            finished_at=finished,
            duration_s=elapsed,
        )
    finally:
        store.close()


def _local(fleet: Fleet, job: Job, store: FleetStore, options: Options, on_item: OnItem) -> None:
    pool = ThreadPoolExecutor(max_workers=max(1, options.jobs), thread_name_prefix="fleet")
    try:
        futures = [
            pool.submit(run_repository, repo, job, store, options.cache)
            for repo in fleet.repositories
        ]
        for future in as_completed(futures):
            on_item(future.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        stop_all()
        raise
    pool.shutdown()


def _celery(fleet: Fleet, job: Job, store: FleetStore, options: Options, on_item: OnItem) -> None:
    from gonogo.fleet.checkout import scrub
    from gonogo.fleet.tasks import TASK, attempt_bound, make_app

    assert options.broker is not None
    app = make_app(options.broker)
    # Workers use their own --store / GONOGO_STORE; an SQLite path is passed along
    # (a database URL with a password never travels through the broker).
    store_for_workers = options.store_url if options.store_url.startswith("sqlite") else None
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=3)
            for repo in fleet.repositories:
                app.send_task(
                    TASK,
                    args=[job.to_task(), repo.to_task(), store_for_workers],
                    queue=options.queue,
                    time_limit=attempt_bound(repo, job),
                    connection=conn,
                )
    except Exception as exc:  # kombu raises its own OperationalError family
        raise BrokerError(f"cannot send tasks to {scrub(options.broker)}: {exc}") from None
    _follow(fleet, job, store, options, on_item)


def _follow(fleet: Fleet, job: Job, store: FleetStore, options: Options, on_item: OnItem) -> None:
    """Report items as workers record them; stop waiting when nothing has finished for
    longer than the slowest repository may take with all its retries."""
    from gonogo.fleet.tasks import attempt_bound

    longest = max(attempt_bound(r, job) for r in fleet.repositories)
    waits = sum(job.limits.retry_backoff * 2**i for i in range(job.limits.retries))
    stall = longest * (job.limits.retries + 1) + waits + 60
    seen: set[str] = set()
    last = time.monotonic()
    while len(seen) < len(fleet.repositories):
        if store.count(job.fleet_run) > len(seen):
            for item in store.items(job.fleet_run):
                if item.repo not in seen:
                    seen.add(item.repo)
                    on_item(item)
            last = time.monotonic()
        elif time.monotonic() - last > stall:
            return  # the summary lists the rest as unfinished
        else:
            time.sleep(options.poll_s)
