"""The fleet on Celery: one task per repository, on RabbitMQ or Redis.

Delivery is at least once and the writes are idempotent (see `results`), so each
repository's result is recorded exactly once. The settings, and why each one:

- `task_acks_late`: the message is acknowledged after the task returns, not before
  it starts (Celery's default), so a worker that dies mid-task loses nothing;
- `task_reject_on_worker_lost`: when the pool process running a task is killed
  (SIGKILL, the OOM killer), the message goes back to the queue instead of being
  acknowledged as failed;
- `worker_prefetch_multiplier = 1`: a worker reserves one message per pool process,
  so a slow repository never holds others hostage behind it;
- a hard time limit per task, from the repository's own limits, below the broker's
  consumer timeout (RabbitMQ closes the channel of a consumer that holds a message
  longer than `consumer_timeout`, 30 minutes by default) and, on Redis, below the
  visibility timeout (after which Redis hands an unacknowledged message to another
  worker while the first still runs it);
- `worker_cancel_long_running_tasks_on_connection_loss`: a task whose broker
  connection is gone cannot be acknowledged any more; it is stopped and redelivered;
- no result backend: results go to the history store, in the same transaction as the
  mark that the repository is done.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from celery import Celery

from gonogo.fleet.results import FleetStore
from gonogo.fleet.spec import Repository
from gonogo.fleet.work import Job, Transient, attempt, backoff, give_up

TASK = "gonogo.fleet.check_repository"
DEFAULT_QUEUE = "gonogo-fleet"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
VISIBILITY_TIMEOUT_S = 2 * 3600.0
RABBITMQ_CONSUMER_TIMEOUT_S = 30 * 60.0
_STORES: dict[str, FleetStore] = {}


def make_app(broker: str, *, visibility_timeout: float | None = None) -> Celery:
    visibility = visibility_timeout or float(
        os.environ.get("GONOGO_FLEET_VISIBILITY_TIMEOUT") or VISIBILITY_TIMEOUT_S
    )
    app = Celery("gonogo.fleet", broker=broker, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility,
            # Redis: look for messages whose worker vanished every few seconds (kombu's
            # default scans every tenth 10 s tick, so a redelivery could wait 100 s)
            "unacked_restore_interval": min(10.0, max(1.0, visibility / 4)),
            "unacked_restore_throttle": 1,
        },
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=DEFAULT_QUEUE,
        worker_max_tasks_per_child=200,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
    )
    app.task(name=TASK, bind=True)(check_repository)
    return app


def attempt_bound(repo: Repository, job: Job) -> float:
    """The hard time limit of one attempt: the check's timeout, the git calls' own
    timeouts (ls-remote, fetch, checkout, clean) and a margin for recording."""
    return repo.timeout + 4 * job.limits.clone_timeout + 60


def check_repository(
    self: Any, job: dict[str, Any], repo: dict[str, Any], store_url: str | None
) -> str:
    """The task: one attempt at the repository; a transient failure is retried with
    backoff (a new message), and recorded as an `error` once the retries are spent."""
    the_job, the_repo = Job.from_task(job), Repository.from_task(repo)
    store = _store(os.environ.get("GONOGO_STORE") or store_url)
    tries = int(self.request.retries) + 1
    try:
        item = attempt(the_repo, the_job, store, cache_dir(), tries)
    except Transient as exc:
        if self.request.retries < the_job.limits.retries:
            wait = backoff(the_job.limits, tries)
            raise self.retry(countdown=wait, max_retries=the_job.limits.retries) from exc
        item = give_up(the_repo, the_job, store, str(exc), tries)
    return item.verdict


def cache_dir() -> Path:
    given = os.environ.get("GONOGO_FLEET_CACHE")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gonogo" / "fleet"


def _store(url: str | None) -> FleetStore:
    if not url:
        raise RuntimeError("the worker has no store: start it with --store URL or set GONOGO_STORE")
    if url not in _STORES:
        _STORES[url] = FleetStore.open(url)
    return _STORES[url]
