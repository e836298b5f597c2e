"""Ingest: CI pushes runs with a project's token; validation, size cap, idempotency,
secret redaction, concurrent writers and a killed server, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

import httpx
import pytest
from server_helpers import (
    app_client,
    bearer,
    body,
    kill,
    renamed,
    run,
    seed,
    server,
    start_server,
)

import store_helpers
from gonogo.models import Status
from gonogo.server.config import Settings
from gonogo.store import open_store
from secret_corpus import crc_token

pg_store_db = store_helpers.pg_store_db
store_url = store_helpers.store_url
PASS, FAIL = Status.PASS, Status.FAIL
PUSH = "/api/v1/projects/shop/runs"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/server.db"


def test_a_pushed_run_is_stored_once_and_listed_with_its_id(store_url: str) -> None:
    s = seed(store_url)
    report = run({"a": PASS, "b": FAIL})
    with app_client(Settings(store_url)) as client:
        first = client.post(PUSH, content=body(report), headers=bearer(s.tokens["shop"]))
        again = client.post(PUSH, content=body(report), headers=bearer(s.tokens["shop"]))
        listed = client.get(PUSH, headers=bearer(s.user_tokens["viewer"]))
    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (again.status_code, again.json()["created"]) == (200, False)
    assert [r["run_id"] for r in listed.json()["runs"]] == [report.run_id]
    stored = open_store(store_url)
    try:
        assert stored.get(report.run_id).to_dict() == report.to_dict()
    finally:
        stored.close()


def test_a_late_run_pushed_again_is_counted_once(url: str) -> None:
    s = seed(url)
    newer, older = run({"a": PASS}, n=2), run({"a": FAIL}, n=1)
    with app_client(Settings(url)) as client:
        answers = [
            client.post(PUSH, content=body(r), headers=bearer(s.tokens["shop"])).status_code
            for r in (newer, older, older, newer)
        ]
        latest = client.get("/api/v1/projects/shop/latest", headers=bearer(s.user_tokens["viewer"]))
    assert answers == [201, 201, 200, 200]
    assert [(b["branch"], b["run_id"], b["runs"]) for b in latest.json()["branches"]] == [
        ("main", newer.run_id, 2)
    ]


@pytest.mark.parametrize(
    ("token", "status", "detail"),
    [
        (None, 401, "an ingest token is required (Authorization: Bearer …)"),
        ("billing", 403, "this token writes to project 'billing' only, not 'shop'"),
        ("ggo_not-a-real-token", 401, "unknown or revoked token"),
        ("user:approver", 403, "runs are pushed with the project's ingest token, not a user login"),
    ],
)
def test_only_the_projects_own_token_may_push(
    url: str, token: str | None, status: int, detail: str
) -> None:
    s = seed(url)
    if token in ("billing",):
        token = s.tokens["billing"]
    elif token == "user:approver":
        token = s.user_tokens["approver"]
    headers = bearer(token) if token else {}
    with app_client(Settings(url)) as client:
        resp = client.post(PUSH, content=body(run({"a": PASS})), headers=headers)
    assert (resp.status_code, resp.json()["detail"]) == (status, detail)


def test_a_revoked_token_no_longer_pushes(url: str, cli, tmp_path: Path) -> None:
    s = seed(url)
    listed = cli("serve", "--store", url, "token", "list")
    token_id = next(
        line.split("\t")[0] for line in listed.stdout.splitlines() if "\tingest\tshop\t" in line
    )
    done = cli("serve", "--store", url, "token", "revoke", token_id)
    assert done.code == 0, done.stderr
    assert done.stdout.startswith(f"revoked ingest token {token_id} (ggo_")
    with app_client(Settings(url)) as client:
        resp = client.post(PUSH, content=body(run({"a": PASS})), headers=bearer(s.tokens["shop"]))
    assert (resp.status_code, resp.json()["detail"]) == (401, "unknown or revoked token")


def _broken(change: dict[str, object]) -> bytes:
    data = run({"a": PASS, "b": FAIL}).to_dict()
    for path, value in change.items():
        target: object = data
        *parents, last = path.split(".")
        for p in parents:
            target = target[int(p)] if isinstance(target, list) else target[p]  # type: ignore[index]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value  # type: ignore[index]
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        (
            b"{not json",
            "the body is not JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
        (b"[1, 2]", "the body must be a JSON object (a gonogo.report/v1 run), not list"),
        (
            _broken({"schema": "gonogo.report/v9"}),
            "schema: expected 'gonogo.report/v1', got 'gonogo.report/v9'",
        ),
        (
            _broken({"checks.1.status": "nope"}),
            "not a gonogo.report/v1 run: checks[1].status: Input should be 'pass', 'fail', "
            "'error', 'blocked', 'skip' or 'waived' (got 'nope')",
        ),
        (
            _broken({"run_id": "../etc"}),
            "not a gonogo.report/v1 run: run_id: String should match pattern "
            "'^[0-9a-f][0-9a-f-]{7,63}$' (got '../etc')",
        ),
        (
            _broken({"checks.1.id": "a"}),
            "not a gonogo.report/v1 run: checks[1].id 'a' appears twice in one run",
        ),
        (
            _broken({"project": "billing"}),
            "project: the report is for 'billing' but was pushed to 'shop'",
        ),
        (
            _broken({"checks.0.message": "nul \u0000 byte"}),
            "the report contains a NUL character (\\u0000), which no field may hold",
        ),
        (
            _broken({"checks.0.evidence": {"stderr": "lone \udc80 surrogate"}}),
            "the report holds text that is not valid Unicode (a lone surrogate escape)",
        ),
    ],
)
def test_a_malformed_report_is_refused_with_the_field_named(
    url: str, payload: bytes, detail: str
) -> None:
    s = seed(url)
    with app_client(Settings(url)) as client:
        resp = client.post(PUSH, content=payload, headers=bearer(s.tokens["shop"]))
        listed = client.get(PUSH, headers=bearer(s.user_tokens["viewer"]))
    assert (resp.status_code, resp.json()["detail"]) == (422, detail)
    assert listed.status_code == 404  # nothing was stored, not even the project


def test_a_body_the_fast_reader_refuses_is_judged_by_the_json_module(url: str) -> None:
    """Validation reads the bytes with pydantic's JSON reader and, where that refuses,
    with the `json` module: what the server accepts did not change (a UTF-16 body, as
    json.loads reads it, is stored like any other)."""
    s = seed(url)
    report = run({"a": PASS, "b": FAIL})
    utf16 = json.dumps(report.to_dict()).encode("utf-16")
    with app_client(Settings(url)) as client:
        resp = client.post(PUSH, content=utf16, headers=bearer(s.tokens["shop"]))
        got = client.get(f"{PUSH}/{report.run_id}", headers=bearer(s.user_tokens["viewer"]))
    assert (resp.status_code, resp.json()["created"]) == (201, True)
    assert got.json() == report.to_dict()


def test_a_report_over_the_size_cap_is_413(url: str) -> None:
    s = seed(url)
    payload = body(run({"a": PASS}))
    with app_client(Settings(url, max_body=len(payload) - 1)) as client:
        resp = client.post(PUSH, content=payload, headers=bearer(s.tokens["shop"]))
        chunked = client.post(
            PUSH, content=iter([payload[:100], payload[100:]]), headers=bearer(s.tokens["shop"])
        )
    assert resp.status_code == 413
    assert (
        resp.json()["detail"]
        == f"the report is {len(payload)} bytes; this server takes at most {len(payload) - 1}"
    )
    assert chunked.status_code == 413
    assert (
        chunked.json()["detail"]
        == f"the report is over {len(payload) - 1} bytes, the most this server takes"
    )


def test_secret_values_in_a_report_are_replaced_before_storing(url: str) -> None:
    s = seed(url)
    secret = crc_token("ghp_")(random.Random(3))  # a valid checksum, as GitHub issues them
    data = run({"a": FAIL}).to_dict()
    data["checks"][0]["message"] = f"curl -H 'token {secret}' failed"
    data["checks"][0]["evidence"] = {"stderr_tail": f"auth {secret}"}
    with app_client(Settings(url)) as client:
        client.post(PUSH, content=json.dumps(data).encode(), headers=bearer(s.tokens["shop"]))
        got = client.get(f"{PUSH}/{data['run_id']}", headers=bearer(s.user_tokens["viewer"])).json()
    assert got["checks"][0]["message"] == "curl -H 'token ***' failed"
    assert got["checks"][0]["evidence"] == {"stderr_tail": "auth ***"}
    raw = Path(url.removeprefix("sqlite:///")).read_bytes()
    assert secret.encode() not in raw


def test_twenty_concurrent_pushes_lose_nothing(store_url: str, tmp_path: Path) -> None:
    s = seed(store_url)
    reports = [
        run({f"c{j}": PASS if (i + j) % 3 else FAIL for j in range(50)}, n=i) for i in range(20)
    ]
    barrier = threading.Barrier(20)
    answers: list[int] = []
    with server(store_url, tmp_path) as srv:

        def push(i: int) -> None:
            barrier.wait()
            resp = httpx.post(
                srv.url + PUSH,
                content=body(reports[i]),
                headers=bearer(s.tokens["shop"]),
                timeout=60,
            )
            answers.append(resp.status_code)

        threads = [threading.Thread(target=push, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        listed = httpx.get(
            srv.url + PUSH + "?limit=100", headers=bearer(s.user_tokens["viewer"])
        ).json()
        latest = httpx.get(
            srv.url + "/api/v1/projects/shop/latest", headers=bearer(s.user_tokens["viewer"])
        ).json()
    assert sorted(answers) == [201] * 20
    assert sorted(r["run_id"] for r in listed["runs"]) == sorted(r.run_id for r in reports)
    assert [(b["branch"], b["runs"]) for b in latest["branches"]] == [("main", 20)]
    assert all(r["checks"] == 50 for r in listed["runs"])


def test_a_killed_server_loses_nothing_it_answered(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/server.db"
    s = seed(url)
    report = run({"a": PASS})
    srv = start_server(url, tmp_path / "serve.log")
    resp = httpx.post(srv.url + PUSH, content=body(report), headers=bearer(s.tokens["shop"]))
    kill(srv)
    assert resp.status_code == 201
    with server(url, tmp_path) as again:
        got = httpx.get(
            f"{again.url}{PUSH}/{report.run_id}", headers=bearer(s.user_tokens["viewer"])
        )
    assert got.json() == report.to_dict()


def test_concurrent_pushes_with_bad_ones_are_answered_each_and_survive_a_kill(
    store_url: str, tmp_path: Path
) -> None:
    """20 pushes at once, four of them not plain: the same run twice, a run id that is
    another project's, a malformed body. Each gets its own answer; every run answered
    201 or 200 is there after the server is killed and started again."""
    s = seed(store_url)
    good = [
        run({f"c{j}": PASS if (i + j) % 4 else FAIL for j in range(20)}, n=i) for i in range(17)
    ]
    taken = run({"a": PASS}, project="billing")
    conflict = renamed(run({"a": FAIL}, n=50), run_id=taken.run_id)
    pushes = [body(r) for r in good] + [body(good[0]), body(conflict), b'{"schema": 1}']
    random.Random(7).shuffle(pushes)
    barrier = threading.Barrier(len(pushes))
    answers: list[int] = []
    srv = start_server(store_url, tmp_path / "serve.log")
    try:
        first = httpx.post(
            srv.url + "/api/v1/projects/billing/runs",
            content=body(taken),
            headers=bearer(s.tokens["billing"]),
        )

        def push(payload: bytes) -> None:
            barrier.wait()
            resp = httpx.post(
                srv.url + PUSH, content=payload, headers=bearer(s.tokens["shop"]), timeout=60
            )
            answers.append(resp.status_code)

        threads = [threading.Thread(target=push, args=(p,)) for p in pushes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        kill(srv)
    assert first.status_code == 201
    assert sorted(answers) == [200] + [201] * 17 + [409, 422]
    with server(store_url, tmp_path) as again:
        viewer = bearer(s.user_tokens["viewer"])
        listed = httpx.get(again.url + PUSH + "?limit=100", headers=viewer).json()
        latest = httpx.get(again.url + "/api/v1/projects/shop/latest", headers=viewer).json()
        billing = httpx.get(again.url + "/api/v1/projects/billing/runs", headers=viewer).json()
    assert sorted(r["run_id"] for r in listed["runs"]) == sorted(r.run_id for r in good)
    assert [(b["branch"], b["runs"]) for b in latest["branches"]] == [("main", 17)]
    assert [r["run_id"] for r in billing["runs"]] == [taken.run_id]


def test_token_add_prints_the_token_alone_on_the_last_line(cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/server.db"
    done = cli("serve", "--store", url, "token", "add", "shop")
    assert done.code == 0, done.stderr
    token = done.stdout.splitlines()[-1]
    assert token.startswith("ggo_") and len(token) == 47
    assert done.stdout == token + "\n"
    assert token.encode() not in Path(tmp_path / "server.db").read_bytes()
    with app_client(Settings(url)) as client:
        resp = client.post(PUSH, content=body(run({"a": PASS})), headers=bearer(token))
    assert resp.status_code == 201


def test_push_and_check_push_send_runs(cli, make_repo, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/server.db"
    s = seed(url)
    repo = make_repo({"README.md": "hi\n", "gonogo.yaml": PLAN})
    env = {"GONOGO_TOKEN": s.tokens["shop"]}
    with server(url, tmp_path) as srv:
        checked = cli("check", str(repo), "--push", "--server", srv.url, "--no-history", env=env)
        pushed = cli("push", str(repo / ".gonogo/last.json"), "--server", srv.url, env=env)
        wrong = cli(
            "push",
            str(repo / ".gonogo/last.json"),
            "--server",
            srv.url,
            env={"GONOGO_TOKEN": s.tokens["billing"]},
        )
        notoken = cli(
            "push", str(repo / ".gonogo/last.json"), "--server", srv.url, env={"GONOGO_TOKEN": ""}
        )
        runs = httpx.get(srv.url + PUSH, headers=bearer(s.user_tokens["viewer"])).json()["runs"]
    run_id = json.loads((repo / ".gonogo/last.json").read_text())["run_id"]
    assert checked.code == 0, checked.stderr
    assert (
        f"gonogo: pushed run {run_id[:12]} to {srv.url}/projects/shop/runs/{run_id} (stored)"
        in checked.stderr
    )
    assert (pushed.code, pushed.stdout) == (
        0,
        f"pushed run {run_id[:12]} to {srv.url}/projects/shop/runs/{run_id} "
        "(already stored, unchanged)\n",
    )
    assert wrong.code == 2
    assert (
        wrong.stderr == f"gonogo: error: {srv.url} refused the run (403): "
        "this token writes to project 'billing' only, not 'shop'\n"
    )
    assert (notoken.code, notoken.stderr) == (
        2,
        "gonogo: error: no ingest token: set $GONOGO_TOKEN "
        "(`gonogo serve token add PROJECT` prints one)\n",
    )
    assert [r["run_id"] for r in runs] == [run_id]


PLAN = """\
version: 1
project: shop
gates:
  - id: docs
    checks:
      - {id: readme, kind: file.exists, path: README.md}
"""
