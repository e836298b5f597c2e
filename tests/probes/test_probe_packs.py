"""The default plan on fixture repositories, one per class of wrong verdict seen on real
ones: each asserts the checks that apply and their exact findings (file, line, rule)."""

from __future__ import annotations

import json
from pathlib import Path

from gonogo.packs import default_plan_dict
from gonogo.packs.builtin import CI_FILES
from repo_helpers import git, write


def _check(cli, root: Path) -> tuple[int, dict[str, dict]]:
    result = cli("check", str(root), "--format", "json", "--no-history")
    assert result.code in (0, 1), result.stderr
    return result.code, {c["id"]: c for c in json.loads(result.stdout)["checks"]}


def _findings(check: dict) -> list[tuple[str, str | None, int | None, str]]:
    return [(f["rule"], f["path"], f["line"], f["severity"]) for f in check["findings"]]


def _plan(root: Path) -> dict[str, dict[str, dict]]:
    return {g["id"]: {c["id"]: c for c in g["checks"]} for g in default_plan_dict(root)["gates"]}


def test_scope_every_file_anywhere_in_the_tree_and_not_ignored_ones(make_repo, cli) -> None:
    root = make_repo(
        {
            "README.md": "# shop\n",
            ".gitignore": "local/\n",
            "LICENSE": "MIT\n",
            "services/api/Dockerfile": "FROM python:3.12-slim\nUSER app\n",
            "services/web/web.Dockerfile": "FROM node:lts\nCOPY . .\n",
            "services/web/Dockerfile.dev": "FROM node\n",  # a dev image: not shipped
            "deploy/compose.yaml": "services:\n  db:\n    image: postgres\n"
            "    environment:\n      POSTGRES_PASSWORD: Pg-R3al-Secret\n",
            "deploy/prod/docker-compose.override.yml": (
                "services:\n  api:\n    image: shop/api:2.1\n"
            ),
            "tests/docker-compose.yml": "services:\n  db:\n    environment:\n"
            "      POSTGRES_PASSWORD: test-only-pw\n",
        }
    )
    write(root, {"local/compose.yaml": "services:\n  x:\n    image: nginx\n"})  # gitignored
    _, checks = _check(cli, root)
    assert _findings(checks["compose-env"]) == [
        ("compose.hardcoded-secret", "deploy/compose.yaml", 5, "error")
    ]
    assert checks["compose-env"]["priority"] == "P0"
    assert _findings(checks["compose-images"]) == [
        ("compose.unpinned-image", "deploy/compose.yaml", 3, "error")
    ]
    assert checks["compose-images"]["evidence"]["files"] == [
        "deploy/compose.yaml",
        "deploy/prod/docker-compose.override.yml",
    ]
    assert _findings(checks["dockerfile"]) == [
        ("dockerfile.unpinned-base", "services/web/web.Dockerfile", 1, "error"),
        ("dockerfile.root-user", "services/web/web.Dockerfile", 1, "error"),
        ("dockerfile.no-dockerignore", "services/web/web.Dockerfile", 2, "warning"),
    ]
    assert checks["dockerfile"]["evidence"]["files"] == [
        "services/api/Dockerfile",
        "services/web/web.Dockerfile",
    ]


def test_languages_apply_only_when_they_are_the_projects(make_repo) -> None:
    go_tool = make_repo(
        {
            "go.mod": "module github.com/acme/tool\n\ngo 1.22\n",
            "main.go": "package main\n",
            "cmd/run.go": "package cmd\n",
            "internal/scan.go": "package internal\n",
            "scripts/release.py": "print('tag')\n",  # one stray script
        },
        name="go-tool",
    )
    assert "python" not in _plan(go_tool)
    python_service = make_repo(
        {
            "services/api/pyproject.toml": '[project]\nname = "api"\n',
            "services/api/api/main.py": "x = 1\n",
            "web/app.js": "x\n",
            "web/b.js": "x\n",
            "web/c.js": "x\n",
            "web/d.js": "x\n",
        },
        name="monorepo",
    )
    python = _plan(python_service)["python"]
    assert sorted(python) == [
        "no-breakpoints",
        "pyproject-valid",
        "python-syntax",
    ]  # no tests check
    library = make_repo({"pyproject.toml": '[project]\nname = "lib"\n', "lib/x.py": ""}, name="lib")
    assert "python-tests" in _plan(library)["python"]
    charts = make_repo(
        {
            "charts/stack/Chart.yaml": "apiVersion: v2\nname: stack\nversion: 1.0.0\n",
            "charts/stack/values.yaml": "replicas: 1\n",
            "charts/stack/hack/sync_dashboards.py": "print('sync')\n",
            "charts/stack/hack/sync_rules.py": "print('sync')\n",
        },
        name="charts",
    )
    assert "python" not in _plan(charts)  # maintenance scripts: not the project's language


def test_defaults_say_why_and_keep_p0_for_committed_secrets(make_repo, cli) -> None:
    root = make_repo(
        {
            "package.json": '{"name": "shop-ui", "version": "1.0.0"}\n',
            "index.js": "x\n",
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
            ".github/workflows/release.yaml": "on: push\njobs:\n  r:\n    steps:\n"
            "      - uses: acme/deploy@main\n",
            ".env": "PLEX_MEDIA_PATH=/media/your/plex/path\nDEBUG=1\n",
            "config/.env": "API_TOKEN=changeme\nSTRIPE_SECRET_KEY=sk9-liveRealValue42\n",
        }
    )
    code, checks = _check(cli, root)
    assert code == 1
    priorities = {cid: c["priority"] for cid, c in checks.items()}
    assert [cid for cid, p in priorities.items() if p == "P0"] == ["no-secrets"]
    assert checks["readme"]["message"] == (
        "no file matches {README,readme,Readme}*: a README tells users and operators what the "
        "project is and how to run it"
    )
    assert checks["license"]["status"] == "fail"
    assert checks["license"]["message"].endswith(
        "a public project without a LICENSE file may not legally be used (published: package.json)"
    )
    assert checks["ci-workflow"]["status"] == "pass"
    assert checks["ci-workflow"]["message"] == (
        f"2 files match {CI_FILES}: .github/workflows/ci.yml, .github/workflows/release.yaml"
    )
    assert checks["ci-workflow"]["evidence"]["files"] == [
        ".github/workflows/ci.yml",
        ".github/workflows/release.yaml",
    ]
    assert _findings(checks["no-dotenv"]) == [
        ("dotenv.committed-secret", "config/.env", 2, "error")
    ]
    assert checks["no-dotenv"]["priority"] == "P1"
    assert checks["no-dotenv"]["findings"][0]["message"] == (
        "STRIPE_SECRET_KEY is set (19 chars): a committed .env sets a secret: it is copied to "
        "every checkout and server; commit a .env.example with placeholders instead"
    )
    assert _findings(checks["actions-pinned"]) == [
        ("file.forbidden-pattern", ".github/workflows/release.yaml", 5, "error")
    ]
    private = make_repo({"package.json": '{"name": "x", "private": true}\n'}, name="private")
    assert "license" not in _plan(private)["ops"]


def test_odoo_pack_is_one_check_over_every_module(make_repo) -> None:
    root = make_repo(
        {
            f"addon_{i}/__manifest__.py": f"{{'name': 'A{i}', 'license': 'LGPL-3'}}\n"
            for i in range(60)
        }
    )
    odoo = _plan(root)["odoo"]
    assert list(odoo) == ["odoo-modules"]
    assert odoo["odoo-modules"]["path"] == "**"


def test_kubernetes_deployments_shape_the_dockerfile_check(make_repo) -> None:
    root = make_repo(
        {
            "Dockerfile": "FROM alpine:3.20\nEXPOSE 80\n",
            "k8s/deploy.yaml": "kind: Deployment\nspec:\n  template:\n    spec:\n"
            "      securityContext:\n        runAsNonRoot: true\n      containers:\n"
            "        - name: app\n          readinessProbe:\n            httpGet: {path: /}\n",
        }
    )
    check = _plan(root)["docker"]["dockerfile"]
    assert check["healthcheck"] is False
    assert check["root_user"] == "off"


def test_an_empty_plan_is_a_plan_error(make_repo, cli) -> None:
    root = make_repo({"gonogo.yaml": "# gates to come\n"})
    result = cli("check", str(root), "--no-history")
    assert result.code == 2
    assert f"{root / 'gonogo.yaml'}: the plan is empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_code_the_default_plan_emits_is_in_the_rule_catalogue(make_repo, cli) -> None:
    from gonogo.probes.registry import BUILTIN
    from gonogo.rules import catalogue, undeclared

    root = make_repo(
        {
            "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.8"\n',
            "x/bad.py": "match = (\n",
            "x/debug.py": "import pdb\n",
            "Dockerfile": "FROM node\nENV API_TOKEN=Abc-123-Def-456\nARG NPM_TOKEN\n"
            "ADD https://x.example/t.tgz /t\nCOPY . .\nEXPOSE 80\n",
            "compose.yaml": "services:\n  a:\n    image: nginx\n    environment:\n"
            "      A_PASSWORD: ${A:-Dflt-Pw-123}\n      B_TOKEN: ${B}\n",
            "broken/compose.yml": "services: [\n",
            "odoo_mod/__manifest__.py": "{'name': 'm', 'version': '1', 'license': 'MIT', "
            "'data': ['gone.xml', 'gone.xml'], 'development_status': 'x'}\n",
            "odoo_mod/models/m.py": "from odoo import models\nclass M(models.Model):\n"
            "    _name = 'm.m'\n",
            "odoo_mod/security/ir.model.access.csv": "id,model_id:id,perm_read\nx,,2\n",
            "odoo_bad/__manifest__.py": "{'name': ",
        }
    )
    result = cli("check", str(root), "--format", "json", "--no-history")
    report = json.loads(result.stdout)
    rules = catalogue(BUILTIN)
    emitted = {
        (c["kind"], f["rule"])
        for c in report["checks"]
        for f in c["findings"]
        if c["kind"] != "secrets"  # the secrets scanner declares its own
    }
    assert sorted(code for _, code in emitted) == [
        "compose.invalid-yaml",
        "compose.optional-secret",
        "compose.secret-default",
        "compose.unpinned-image",
        "dockerfile.add-url",
        "dockerfile.hardcoded-secret",
        "dockerfile.no-dockerignore",
        "dockerfile.no-healthcheck",
        "dockerfile.root-user",
        "dockerfile.secret-in-arg",
        "dockerfile.unpinned-base",
        "file.forbidden-pattern",
        "odoo.access-not-loaded",
        "odoo.development-status",
        "odoo.duplicate-data",
        "odoo.invalid-manifest",
        "odoo.license",
        "odoo.missing-data",
        "odoo.no-access-rule",
        "odoo.version-format",
        "python.syntax-error",
    ]
    for kind, code in sorted(emitted):
        assert undeclared([code], rules, kind) == [], code


def test_actions_of_the_repositorys_own_owner_may_follow_a_branch(
    make_repo, cli, monkeypatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    workflow = (
        "on: push\njobs:\n  build:\n    uses: Acme/shared/.github/workflows/build.yml@main\n"
        "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: other/setup@main\n"
        "      - uses: acme/deploy@master\n"
    )
    root = make_repo({".github/workflows/ci.yml": workflow, "README.md": "x\n"})
    git(root, "remote", "add", "origin", "git@github.com:acme/service.git")
    _, checks = _check(cli, root)
    assert _findings(checks["actions-pinned"]) == [
        ("file.forbidden-pattern", ".github/workflows/ci.yml", 8, "error")
    ]
    git(root, "remote", "remove", "origin")  # no owner known: every branch pin is a finding
    _, checks = _check(cli, root)
    assert [f[2] for f in _findings(checks["actions-pinned"])] == [4, 8, 9]
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/service")  # as GitHub Actions sets it
    _, checks = _check(cli, root)
    assert [f[2] for f in _findings(checks["actions-pinned"])] == [8]


def test_a_project_template_is_judged_once_rendered(make_repo, cli) -> None:
    """A cookiecutter repository: YAML, TOML and Python under `{{cookiecutter.…}}/` hold
    Jinja and parse only once rendered, so their parse errors are not findings; a file
    outside the template that does not parse still is, and Dockerfiles are still read."""
    slug = "{{cookiecutter.project_slug}}"
    root = make_repo(
        {
            "README.md": "# template\n",
            "pyproject.toml": '[project]\nname = "tmpl"\nrequires-python = ">=3.10"\n',
            "hooks/post_gen_project.py": "print('done')\n",
            "tests/test_bake.py": "def test_bake():\n    assert True\n",
            f"{slug}/pyproject.toml": '[project]\nname = "{{ cookiecutter.project_slug }}"\n'
            'dependencies = [\n  {# an indent for uv #}\n  "django",\n]\n',
            f"{slug}/docker-compose.production.yml": "services:\n  django:\n"
            "    image: {{ cookiecutter.project_slug }}_production_django\n",
            f"{slug}/{slug}/users/tasks.py": "{% if cookiecutter.use_celery == 'y' %}\n"
            "from celery import shared_task\n{% endif %}\n",
            f"{slug}/compose/production/nginx/Dockerfile": "FROM nginx:1.27\nCOPY x /x\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ${{ matrix.os }}\n"
            "    steps: [unclosed\n",
        }
    )
    _, checks = _check(cli, root)
    assert checks["pyproject-valid"]["status"] == "pass"
    assert checks["pyproject-valid"]["message"] == (
        f"pyproject.toml: valid toml; 1 template(s) not parsed, judged once rendered "
        f"({slug}/pyproject.toml)"
    )
    assert checks["python-syntax"]["status"] == "pass"
    assert checks["python-syntax"]["evidence"]["templates"] == [f"{slug}/{slug}/users/tasks.py"]
    assert checks["compose-env"]["status"] == "skip"
    assert checks["compose-env"]["message"] == (
        f"{slug}/docker-compose.production.yml: only templates, judged once rendered "
        f"({slug}/docker-compose.production.yml)"
    )
    assert _findings(checks["dockerfile"]) == [
        ("dockerfile.root-user", f"{slug}/compose/production/nginx/Dockerfile", 1, "error")
    ]
    assert _findings(checks["workflows-valid"]) == [
        ("file.invalid-yaml", ".github/workflows/ci.yml", 6, "error")
    ]


def test_test_and_development_folders_hold_no_release_images(make_repo, cli) -> None:
    """Images under a test folder however it is named (`docker/test-images/`,
    `load-tests/`) or a development one (`compose/local/`), and a Dockerfile named for
    CI (`portal_ci.Dockerfile`), are not shipped; a folder or name that only contains the
    letters (`latest/`, `contest/`, `epic.Dockerfile`) is not one of them."""
    service = "FROM alpine:3.20\nEXPOSE 80\n"
    root = make_repo(
        {
            "docker/test-images/zipkin-mysql/Dockerfile": service,
            "load-tests/Dockerfile": service,
            "compose/local/django/Dockerfile": service,
            "compose/local/docker-compose.yml": "services:\n  db:\n    image: postgres\n",
            "compose/production/django/Dockerfile": service,
            "latest/Dockerfile": service,
            "contest/Dockerfile": service,
            "dockerfiles/portal_ci.Dockerfile": service,
            "dockerfiles/epic.Dockerfile": service,
        }
    )
    _, checks = _check(cli, root)
    assert checks["dockerfile"]["evidence"]["files"] == [
        "compose/production/django/Dockerfile",
        "contest/Dockerfile",
        "dockerfiles/epic.Dockerfile",
        "latest/Dockerfile",
    ]
    assert [f[1] for f in _findings(checks["dockerfile"]) if f[0] == "dockerfile.root-user"] == [
        "compose/production/django/Dockerfile",
        "contest/Dockerfile",
        "dockerfiles/epic.Dockerfile",
        "latest/Dockerfile",
    ]
    assert "compose" not in _plan(root)


def test_end_to_end_test_stacks_are_not_release_files(make_repo, cli) -> None:
    """A compose stack under an end-to-end test framework's folder (`cypress/`,
    `playwright/`) runs the tests, not the product: its test login is no finding."""
    stack = "services:\n  db:\n    image: postgres:16.4\n    environment:\n"
    root = make_repo(
        {
            "cypress/docker-compose.yml": stack + "      POSTGRES_PASSWORD: umami-e2e-42\n",
            "e2e/playwright/compose.yaml": stack + "      POSTGRES_PASSWORD: pw-e2e-4242\n",
            "docker-compose.yml": stack + "      POSTGRES_PASSWORD: umami-prod-42\n",
        }
    )
    _, checks = _check(cli, root)
    assert _findings(checks["compose-env"]) == [
        ("compose.hardcoded-secret", "docker-compose.yml", 5, "error")
    ]


def test_images_kubernetes_runs_are_not_asked_for_a_healthcheck(make_repo, cli) -> None:
    """Manifests that run containers without probes: Kubernetes ignores HEALTHCHECK, so
    only the image a compose file runs is asked for one."""
    service = 'FROM node:22.11-slim\nUSER node\nEXPOSE 3000\nCMD ["node", "app.js"]\n'
    root = make_repo(
        {
            "tutorial/node/Dockerfile": service,
            "tutorial/deploy/node.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n"
            "  template:\n    spec:\n      containers:\n        - name: node\n"
            "          image: ghcr.io/acme/node:1.0\n",
            "stack/api/Dockerfile": service,
            "stack/compose.yaml": "services:\n  api:\n    build: ./api\n",
        }
    )
    assert _plan(root)["docker"]["dockerfile"]["healthcheck"] == "compose"
    _, checks = _check(cli, root)
    assert _findings(checks["dockerfile"]) == [
        ("dockerfile.no-healthcheck", "stack/api/Dockerfile", 1, "warning")
    ]
    assert checks["kubernetes-images"]["priority"] == "P2"
    assert checks["kubernetes-images"]["status"] == "pass"
    assert checks["kubernetes-images"]["evidence"]["files"] == ["tutorial/deploy/node.yaml"]


def test_a_gitignore_is_asked_of_repositories_with_a_toolchain(make_repo, cli) -> None:
    """Build output and caches come from a language's tools: a repository of compose
    files, configuration and shell scripts has none to leave out."""
    stack = {
        "README.md": "# stack\n",
        "docker-compose.yml": "services:\n  es:\n    image: elasticsearch:9.5.1\n",
        "setup/entrypoint.sh": "#!/bin/sh\necho setup\n",
        "config/kibana.yml": "server.name: kibana\n",
    }
    config_only = make_repo(stack, name="config-only")
    assert "gitignore" not in _plan(config_only)["ops"]
    mounted = make_repo(
        {**stack, "examples/privatebin/configs/config.php": "<?php\n$cfg = [];\n"},
        name="mounted-config",
    )  # configuration in a language's syntax, mounted into a container
    assert "gitignore" not in _plan(mounted)["ops"]
    service = make_repo({**stack, "app/main.go": "package main\n"}, name="service")
    _, checks = _check(cli, service)
    assert checks["gitignore"]["status"] == "fail"
    assert checks["gitignore"]["priority"] == "P3"


def test_a_placeholder_written_in_words_is_no_secret(make_repo, cli) -> None:
    """A compose collection's examples describe the secret to set (`MySecureDatabasePassword`,
    `SuperSecureRedisAuthPassword`) or repeat the variable's name (`ClientSecret`): no
    generated secret is made of such words. A product name or a passphrase of unrelated
    words is still a committed secret."""
    root = make_repo(
        {
            "examples/app/docker-compose.yml": "services:\n  db:\n    image: postgres:16.4\n"
            "    environment:\n"
            "      POSTGRES_PASSWORD: MySecureDatabasePassword # change this\n"
            "      OIDC_CLIENT_SECRET: ClientSecret\n"
            "      MYSQL_ROOT_PASSWORD: nextcloud-root-pw\n"
            "      SESSION_SECRET: unplug6-coherent-outlast-undergo-plow\n"
            "  cache:\n    image: redis:7.4\n"
            "    command: redis-server --requirepass SuperSecureRedisAuthPassword\n",
            "examples/app/Dockerfile": "FROM alpine:3.20\nENV API_TOKEN=My-HTTP-API-Token\n"
            "ENV ADMIN_PASSWORD=admin\nUSER nobody\n",
        }
    )
    _, checks = _check(cli, root)
    assert _findings(checks["compose-env"]) == [
        ("compose.hardcoded-secret", "examples/app/docker-compose.yml", 7, "error"),
        ("compose.hardcoded-secret", "examples/app/docker-compose.yml", 8, "error"),
    ]
    assert [f for f in _findings(checks["dockerfile"]) if "secret" in f[0]] == [
        ("dockerfile.hardcoded-secret", "examples/app/Dockerfile", 3, "error"),
    ]


def test_a_committed_env_file_is_judged_by_name_and_value(make_repo, cli) -> None:
    """`no-dotenv` reads each assignment as compose does and judges it by the compose
    check's rules: a null, a count, a path and a placeholder set no secret; a weak
    password under any secret name (`PG_PASS`) and a generated credential do."""
    root = make_repo(
        {
            "README.md": "# stack\n",
            "deploy/.env": "MAIL_PASSWORD=null\n"
            "CHATGPT_MAX_TOKENS=1000\n"
            "JWT_SECRET_KEY=%kernel.project_dir%/config/jwt/private.pem\n"
            "DB_PASSWORD=MySecureDatabasePassword # change this\n"
            "PG_PASS=nextcloud\n"
            "export TURN_SERVER_CREDENTIAL='uWdWNmkhvyqTEswO'\n"
            "API_KEY=${API_KEY:?set it}\n"
            "OIDC_CLIENT_SECRET=ClientSecret\n"  # the name said again: a placeholder
            "POSTGRES_ASTRONOMY_PASSWORD=astronomy_password\n",  # the account's password
        }
    )
    _, checks = _check(cli, root)
    assert checks["no-dotenv"]["kind"] == "dotenv"
    assert _findings(checks["no-dotenv"]) == [
        ("dotenv.committed-secret", "deploy/.env", 5, "error"),
        ("dotenv.committed-secret", "deploy/.env", 6, "error"),
        ("dotenv.committed-secret", "deploy/.env", 9, "error"),
    ]
    assert checks["no-dotenv"]["findings"][0]["message"].startswith("PG_PASS is set (9 chars): ")
    assert "uWdWNmkhvyqTEswO" not in json.dumps(checks["no-dotenv"])


def test_a_compose_image_of_one_of_the_repositorys_own_modules_is_its_build(make_repo, cli) -> None:
    """A Maven or Gradle multi-module build names each module's image after it
    (`-t prefix/${project.artifactId}`): compose runs what the checkout just built, so its
    tag is the build's. An image named after a folder with only a Dockerfile, or none,
    is pulled."""
    root = make_repo(
        {
            "pom.xml": "<project/>\n",
            "customers-service/pom.xml": "<project/>\n",
            "docker/Dockerfile": "FROM eclipse-temurin:17.0.12_7-jre\nUSER 1000\n",
            "docker/grafana/Dockerfile": "FROM grafana/grafana:11.2.0\n",
            "wikijs/README.md": "# wiki\n",
            "docker-compose.yml": "services:\n"
            "  customers:\n    image: springcommunity/customers-service\n"
            "  tracing:\n    image: openzipkin/zipkin\n"
            "  wiki:\n    image: linuxserver/wikijs:latest\n"
            "  grafana:\n    image: acme/grafana\n",
        }
    )
    _, checks = _check(cli, root)
    assert _findings(checks["compose-images"]) == [
        ("compose.unpinned-image", "docker-compose.yml", 5, "error"),
        ("compose.unpinned-image", "docker-compose.yml", 7, "error"),
        ("compose.unpinned-image", "docker-compose.yml", 9, "error"),
    ]


def test_a_compose_image_the_scripts_build_and_never_push_is_the_checkouts_own(
    make_repo, cli
) -> None:
    """`docker build -t atsea-db` in a build script (PowerShell here) makes the image the
    compose file runs; one the scripts push is a release pulled from the registry, and a
    name made of variables names none in particular."""
    root = make_repo(
        {
            "db/Dockerfile": "FROM postgres:16.4\n",
            "build.ps1": "docker build -t atsea-db db\n"
            "docker build -t acme/api:latest api\ndocker push acme/api:latest\n"
            "docker build -t ${group}/${app}:${version} .\n",
            "docker-compose.yml": "services:\n"
            "  db:\n    image: atsea-db\n"
            "  api:\n    image: acme/api:latest\n"
            "  cache:\n    image: minio/minio\n",
        }
    )
    _, checks = _check(cli, root)
    assert _findings(checks["compose-images"]) == [
        ("compose.unpinned-image", "docker-compose.yml", 5, "error"),
        ("compose.unpinned-image", "docker-compose.yml", 7, "error"),
    ]
