"""The read API and the writes beside ingest: filters, CSV, diffs, flaky checks, the
fleet summary, OpenAPI; sessions, CSRF, the login rate limit, roles, approvals that
`gonogo check` sees, and the append-only audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from server_helpers import PASSWORD, Clock, app_client, bearer, body, login, run, seed

from gonogo.models import Status
from gonogo.server.config import Settings

PASS, FAIL, ERROR = Status.PASS, Status.FAIL, Status.ERROR
C1 = "c0ffee0000000000000000000000000000000001"
C2 = "c0ffee0000000000000000000000000000000002"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/server.db"


def _push(client: Any, token: str, *reports: Any, project: str = "shop") -> None:
    for r in reports:
        resp = client.post(
            f"/api/v1/projects/{project}/runs", content=body(r), headers=bearer(token)
        )
        assert resp.status_code == 201, resp.text


def test_runs_filter_by_since_limit_commit_and_branch(url: str) -> None:
    s = seed(url)
    a = run({"x": PASS}, n=1, commit=C1)
    b = run({"x": FAIL}, n=2, commit=C2, branch="feature")
    c = run({"x": PASS}, n=3, commit=C2)
    with app_client(Settings(url)) as client:
        _push(client, s.tokens["shop"], a, b, c)
        viewer = bearer(s.user_tokens["viewer"])

        def get(q: str) -> list[str]:
            found = client.get("/api/v1/projects/shop/runs" + q, headers=viewer).json()
            return [r["run_id"] for r in found["runs"]]

        assert get("") == [c.run_id, b.run_id, a.run_id]
        assert get("?limit=1") == [c.run_id]
        assert get("?commit=c0ffee0000000000000000000000000000000002") == [c.run_id, b.run_id]
        assert get("?commit=c0ffee") == [c.run_id, b.run_id, a.run_id]
        assert get("?branch=feature") == [b.run_id]
        assert get("?since=2026-01-01T00:00:02Z") == [c.run_id, b.run_id]
        latest = client.get(
            "/api/v1/projects/shop/latest", headers=bearer(s.user_tokens["viewer"])
        ).json()
        bad = client.get(
            "/api/v1/projects/shop/runs?limit=0", headers=bearer(s.user_tokens["viewer"])
        )
    assert sorted((x["branch"], x["run_id"]) for x in latest["branches"]) == [
        ("feature", b.run_id),
        ("main", c.run_id),
    ]
    assert bad.status_code == 422
    assert bad.json()["detail"] == "query.limit: Input should be greater than or equal to 1"


def test_lists_come_as_csv_too(url: str) -> None:
    s = seed(url)
    r = run(
        {"=cmd|calc": FAIL},
        n=1,
        commit=C1,
        priorities={"=cmd|calc": "P0"},
        owners={"=cmd|calc": "ops"},
    )
    with app_client(Settings(url)) as client:
        _push(client, s.tokens["shop"], r)
        runs = client.get(
            "/api/v1/projects/shop/runs?format=csv", headers=bearer(s.user_tokens["viewer"])
        )
        fleet = client.get(
            "/api/v1/fleet", headers={**bearer(s.user_tokens["viewer"]), "Accept": "text/csv"}
        )
    assert runs.headers["content-type"] == "text/csv; charset=utf-8"
    assert runs.text.splitlines() == [
        "run_id,started_at,commit,branch,dirty,verdict,pass_rate,checks,duration_s,plan_hash",
        f"{r.run_id},2026-01-01T00:00:01Z,{C1},main,False,NO-GO,0.0,1,0.5,planhash0001",
    ]
    assert fleet.text.splitlines() == [
        "project,check,gate,owner,status,message",
        "shop,'=cmd|calc,infra,ops,fail,'=cmd|calc is fail",
    ]


def test_diff_flaky_and_fleet_summary(url: str) -> None:
    s = seed(url)
    runs = [
        run({"a": st, "b": PASS}, n=i, commit=C1) for i, st in enumerate((PASS, FAIL, PASS, FAIL))
    ]
    other = run(
        {"q": FAIL}, project="billing", n=9, priorities={"q": "P0"}, owners={"q": "payments"}
    )
    with app_client(Settings(url)) as client:
        _push(client, s.tokens["shop"], *runs)
        _push(client, s.tokens["billing"], other, project="billing")
        v = bearer(s.user_tokens["viewer"])
        diff = client.get(
            f"/api/v1/projects/shop/diff?a={runs[0].run_id}&b={runs[1].run_id}", headers=v
        ).json()
        flaky = client.get("/api/v1/projects/shop/flaky", headers=v).json()
        fleet = client.get("/api/v1/fleet", headers=v).json()
        cross = client.get(f"/api/v1/projects/billing/runs/{runs[0].run_id}", headers=v)
    assert [(c["check_id"], c["before"], c["after"]) for c in diff["newly_failing"]] == [
        ("a", "pass", "fail")
    ]
    assert flaky["flaky"] == [
        {"check": "a", "commit": C1, "flips": 3, "statuses": ["pass", "fail", "pass", "fail"]}
    ]
    assert (fleet["projects"], fleet["go"], fleet["no_go"]) == (2, 0, 2)
    assert fleet["p0_blockers"] == [
        {
            "project": "billing",
            "check": "q",
            "gate": "infra",
            "owner": "payments",
            "status": "fail",
            "message": "q is fail",
        }
    ]
    assert (cross.status_code, cross.json()["detail"]) == (
        404,
        f"project billing has no run {runs[0].run_id}",
    )


def test_openapi_is_published_with_every_endpoint(url: str) -> None:
    with app_client(Settings(url)) as client:
        spec = client.get("/api/v1/openapi.json").json()
    assert sorted(spec["paths"]) == [
        "/api/v1/fleet",
        "/api/v1/projects",
        "/api/v1/projects/{project}",
        "/api/v1/projects/{project}/approvals",
        "/api/v1/projects/{project}/approvals/revoke",
        "/api/v1/projects/{project}/diff",
        "/api/v1/projects/{project}/flaky",
        "/api/v1/projects/{project}/latest",
        "/api/v1/projects/{project}/runs",
        "/api/v1/projects/{project}/runs/{run_id}",
        "/api/v1/session",
        "/badge/{project}.svg",
        "/badge/{project}/{gate}.svg",
    ]
    push = spec["paths"]["/api/v1/projects/{project}/runs"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReportIn"
    }
    assert "CheckIn" in spec["components"]["schemas"]


def test_reads_need_a_login_unless_public(url: str) -> None:
    seed(url)
    with app_client(Settings(url)) as client:
        closed = client.get("/api/v1/projects")
        page = client.get("/", follow_redirects=False)
    with app_client(Settings(url, public_read=True)) as client:
        open_ = client.get("/api/v1/projects")
    assert (closed.status_code, closed.json()["detail"]) == (
        401,
        "log in first (a session cookie or a user token)",
    )
    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/")
    assert open_.status_code == 200


# -- sign-offs ----------------------------------------------------------------------------


def _gated(commit: str = C1) -> Any:
    return run({"a": PASS}, commit=commit, approvals=("devops",))


WRITES = [
    ("post", "/api/v1/projects/shop/approvals", {"gate": "infra", "role": "devops"}, "approver"),
    (
        "post",
        "/api/v1/projects/shop/approvals/revoke",
        {"gate": "infra", "role": "devops"},
        "approver",
    ),
    ("patch", "/api/v1/projects/shop", {"owner": "team-a"}, "maintainer"),
]


@pytest.mark.parametrize(
    ("method", "path", "payload", "needs"), WRITES, ids=[w[1] + ":" + w[0] for w in WRITES]
)
def test_auth_matrix_for_every_write(
    url: str, method: str, path: str, payload: dict[str, Any], needs: str
) -> None:
    s = seed(url)
    with app_client(Settings(url)) as client:
        _push(client, s.tokens["shop"], _gated())
        call = lambda headers: getattr(client, method)(path, json=payload, headers=headers)  # noqa: E731
        got = {
            "no token": call({}).status_code,
            "ingest token": call(bearer(s.tokens["shop"])).status_code,
            "other project's token": call(bearer(s.tokens["billing"])).status_code,
            "viewer": call(bearer(s.user_tokens["viewer"])).status_code,
        }
        csrf = login(client, "admin")
        got["session without csrf"] = call({}).status_code
        if "revoke" in path:  # something to revoke
            client.post(
                "/api/v1/projects/shop/approvals", json=payload, headers={"X-CSRF-Token": csrf}
            )
        got["session with csrf"] = call({"X-CSRF-Token": csrf}).status_code
        client.delete("/api/v1/session")
        got[needs] = call(bearer(s.user_tokens[needs])).status_code
    ok = 201 if path.endswith("approvals") else 200
    assert got == {
        "no token": 401,
        "ingest token": 403,
        "other project's token": 403,
        "viewer": 403,
        "session without csrf": 403,
        "session with csrf": ok,
        needs: 200 if ok == 201 or "revoke" not in path else 404,
    }


def test_an_approval_counts_for_its_commit_and_role_only(url: str) -> None:
    s = seed(url)
    with app_client(Settings(url)) as client:
        _push(client, s.tokens["shop"], _gated(C1))
        h = bearer(s.user_tokens["approver"])
        wrong_role = client.post(
            "/api/v1/projects/shop/approvals", json={"gate": "infra", "role": "vp"}, headers=h
        )
        unknown_commit = client.post(
            "/api/v1/projects/shop/approvals",
            json={"gate": "infra", "role": "devops", "commit": C2},
            headers=h,
        )
        done = client.post(
            "/api/v1/projects/shop/approvals",
            json={"gate": "infra", "role": "devops", "note": "looked"},
            headers=h,
        )
        _push(client, s.tokens["shop"], _gated(C2))
        now = client.get("/api/v1/projects/shop/approvals", headers=h).json()
        before = client.get(f"/api/v1/projects/shop/approvals?commit={C1}", headers=h).json()
    assert (wrong_role.status_code, wrong_role.json()["detail"]) == (
        422,
        "gate infra does not ask for approval by 'vp'; it asks for: devops",
    )
    assert unknown_commit.status_code == 404
    assert (
        unknown_commit.json()["detail"]
        == "project shop has no run of commit c0ffee000000 with plan planhash0001 "
        "that judged gate 'infra'"
    )
    assert done.status_code == 201
    assert (now["commit"], now["approvals"]) == (C2, [])
    assert [
        (a["gate_id"], a["role"], a["approver"], a["commit"], a["note"])
        for a in before["approvals"]
    ] == [("infra", "devops", "approver", C1, "looked")]


def test_a_ci_check_sees_the_servers_approval(cli, make_repo, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/server.db"
    s = seed(url)
    repo = make_repo({"README.md": "hi\n", "gonogo.yaml": GATED_PLAN})
    first = cli("check", str(repo), "--store", url, "--format", "json")
    assert first.code == 1, first.stderr
    import json

    report = json.loads(first.stdout)
    with app_client(Settings(url)) as client:
        resp = client.post(
            "/api/v1/projects/shop/runs",
            content=first.stdout.encode(),
            headers=bearer(s.tokens["shop"]),
        )
        assert resp.status_code == 200  # the CI run recorded itself in the same store already
        approved = client.post(
            "/api/v1/projects/shop/approvals",
            json={"gate": "release", "role": "devops"},
            headers=bearer(s.user_tokens["approver"]),
        )
    assert approved.status_code == 201, approved.text
    assert approved.json()["approval"]["commit"] == report["git"]["commit"]
    second = cli("check", str(repo), "--store", url, "--format", "json")
    (repo / "CHANGELOG").write_text("x\n")
    from repo_helpers import git

    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "next")
    third = cli("check", str(repo), "--store", url, "--format", "json")
    assert (second.code, third.code) == (0, 1)
    given = [json.loads(r.stdout)["gates"][0]["approvals"] for r in (second, third)]
    assert given == [
        {"required": ["devops"], "given": ["devops"]},
        {"required": ["devops"], "given": []},
    ]


GATED_PLAN = """\
version: 1
project: shop
gates:
  - id: release
    approvals: [devops]
    checks:
      - {id: readme, kind: file.exists, path: README.md}
"""


def test_logins_are_rate_limited_on_the_clock(url: str) -> None:
    seed(url)
    clock = Clock()
    with app_client(Settings(url, login_attempts=3, login_window_s=60, clock=clock)) as client:
        bad = [
            client.post("/api/v1/session", json={"name": "admin", "password": "nope"}).status_code
            for _ in range(4)
        ]
        right_but_limited = client.post(
            "/api/v1/session", json={"name": "admin", "password": PASSWORD}
        )
        clock.now += 61
        later = client.post("/api/v1/session", json={"name": "admin", "password": PASSWORD})
    assert bad == [401, 401, 401, 429]
    assert right_but_limited.status_code == 429
    assert (
        right_but_limited.json()["detail"] == "too many failed logins for admin; try again in 60s"
    )
    assert later.status_code == 200
    cookie = later.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie


def test_the_audit_log_records_changes_and_refuses_edits(url: str) -> None:
    s = seed(url)
    with app_client(Settings(url)) as client:
        _push(client, s.tokens["shop"], _gated())
        h = bearer(s.user_tokens["approver"])
        client.post(
            "/api/v1/projects/shop/approvals", json={"gate": "infra", "role": "devops"}, headers=h
        )
        client.post(
            "/api/v1/projects/shop/approvals/revoke",
            json={"gate": "infra", "role": "devops"},
            headers=h,
        )
        client.patch(
            "/api/v1/projects/shop",
            json={"owner": "team-a", "tags": ["py"]},
            headers=bearer(s.user_tokens["maintainer"]),
        )
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        actions = [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT actor, action, target FROM gonogo_server_audit ORDER BY id"
            )
        ]
    assert actions[-4:] == [
        ("ingest", "project.add", "shop"),
        ("approver", "approval.add", "infra"),
        ("approver", "approval.revoke", "infra"),
        ("maintainer", "project.update", "shop"),
    ]
    assert [a[1] for a in actions[:2]] == ["token.ingest.add", "token.ingest.add"]
    for sql in ("UPDATE gonogo_server_audit SET actor = 'x'", "DELETE FROM gonogo_server_audit"):
        with (
            pytest.raises(sqlalchemy.exc.IntegrityError, match="append-only"),
            engine.begin() as conn,
        ):
            conn.exec_driver_sql(sql)
    engine.dispose()
