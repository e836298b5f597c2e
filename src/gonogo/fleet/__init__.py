"""`gonogo fleet`: readiness across many repositories.

One answer per repository each night: its commit, its verdict, what blocks it. Locally
with a pool of child processes (the embedded default: nothing to install), or on Celery
with RabbitMQ or Redis (`gonogo fleet worker`, or `celery -A gonogo.fleet worker`: the
app is built on first use from GONOGO_BROKER). Results go to the history store, the
database the team server reads.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # `celery -A gonogo.fleet` looks for `app`; building it imports Celery, so only then.
    if name == "app":
        import os

        from gonogo.fleet.tasks import DEFAULT_BROKER, make_app

        app = make_app(os.environ.get("GONOGO_BROKER") or DEFAULT_BROKER)
        globals()["app"] = app
        return app
    raise AttributeError(name)
