"""Generated requests against the team server's published OpenAPI spec (schemathesis,
bounded examples): whatever the input, no answer is a 5xx. Pushes use the project's
ingest token, everything else an admin's user token, so the handlers behind the auth
checks see the generated input too."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from server_helpers import body, run, seed

from gonogo.models import Status
from gonogo.server.app import create_app
from gonogo.server.config import Settings

_DIR = Path(tempfile.mkdtemp(prefix="gonogo-schemathesis-"))
_URL = f"sqlite:///{_DIR}/server.db"
_SEEDED = seed(_URL)
APP = create_app(Settings(_URL))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


def _prime() -> None:
    from fastapi.testclient import TestClient

    with TestClient(APP, base_url="https://testserver") as client:
        report = run({"a": Status.PASS, "b": Status.FAIL}, approvals=("devops",))
        client.post(
            "/api/v1/projects/shop/runs",
            content=body(report),
            headers={"Authorization": f"Bearer {_SEEDED.tokens['shop']}"},
        )


_prime()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_input_makes_the_server_fail(case: schemathesis.Case) -> None:
    token = (
        _SEEDED.tokens["shop"]
        if case.path.endswith("/runs") and case.method == "POST"
        else _SEEDED.user_tokens["admin"]
    )
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )
