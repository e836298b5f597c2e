"""The auto-detected default plan runs the artifact checks."""

from __future__ import annotations

import json

from gonogo.packs import default_plan_dict

COMPOSE = "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: Pw-1234-abcd\n"
MANIFEST = "{'name': 'x', 'version': '1', 'license': 'LGPL-3', 'depends': [], 'data': []}\n"


def test_default_plan_includes_secrets_odoo_compose_and_dockerfile(make_repo, cli) -> None:
    root = make_repo(
        {
            "README.md": "shop\n",
            "Dockerfile": "FROM python:3.12-slim\nUSER app\nHEALTHCHECK CMD true\n",
            "docker-compose.yml": COMPOSE,
            "addons/shop_sales/__manifest__.py": MANIFEST,
        }
    )
    gates = {g["id"]: [c["kind"] for c in g["checks"]] for g in default_plan_dict(root)["gates"]}
    assert gates["secrets"] == ["secrets"]
    assert gates["odoo"] == ["odoo.module"]
    assert "compose" in gates["compose"]
    assert "dockerfile" in gates["docker"]
    result = cli("check", str(root), "--format", "json", "--no-history")
    report = json.loads(result.stdout)
    status = {c["id"]: c["status"] for c in report["checks"]}
    assert status["odoo-shop_sales"] == "pass"
    assert status["dockerfile"] == "pass"
    assert status["compose-env"] == "fail"
    assert status["no-secrets"] == "fail"
    assert "Pw-1234-abcd" not in result.stdout
