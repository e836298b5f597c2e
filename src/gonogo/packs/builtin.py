"""The built-in packs: each a list of ordinary checks, with the priority a reviewer
would give it and a `why` its fail message says.

P0 is kept for what blocks a release by itself: a committed secret. Checks find their
files anywhere in the tree (the listing honours .gitignore) and leave out vendored code
and test data; artifact checks report per file.
"""

from __future__ import annotations

import re
from typing import Any

from gonogo.fs.index import FileIndex
from gonogo.git import github_owner
from gonogo.packs.signals import TEST_DATA, TEST_DIRS, VENDORED, Repository
from gonogo.probes.composebuilds import COMPOSE_GLOB

CheckDict = dict[str, Any]

COMPOSE_FILES = COMPOSE_GLOB
DOCKERFILES = "**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile,Containerfile,Containerfile.*}"
WORKFLOWS = ".github/workflows/*.{yml,yaml}"
CI_FILES = (
    "{.github/workflows/*.{yml,yaml},.gitlab-ci.yml,.circleci/config.yml,Jenkinsfile,"
    "azure-pipelines.yml,.travis.yml,bitbucket-pipelines.yml,.drone.yml,.woodpecker.yml,"
    ".woodpecker/*.{yml,yaml},.buildkite/pipeline.{yml,yaml},appveyor.yml,.appveyor.yml,"
    ".cirrus.yml,cloudbuild.yaml}"
)
NOT_FOR_RELEASE = (
    *VENDORED,
    *TEST_DATA,
    *TEST_DIRS,
    "**/.devcontainer/**",
    "**/{local,dev,development}/**",  # compose/local/django/Dockerfile: the dev stack's images
    "**/{Dockerfile,Containerfile}.{dev,debug,develop,development,test,tests,testing,local,ci,"
    "e2e,playwright,cypress}",
    "**/{,*[-_.]}{dev,debug,test,tests,e2e,ci}.Dockerfile",  # portal_ci.Dockerfile: a CI image
    "**/{compose,docker-compose}{.,-}{dev,test,tests,testing,local,ci,e2e}.{yml,yaml}",
)


def ops(files: FileIndex, repo: Repository) -> list[CheckDict]:
    checks: list[CheckDict] = [
        {
            "id": "readme",
            "kind": "file.exists",
            "path": "{README,readme,Readme}*",
            "priority": "P2",
            "why": "a README tells users and operators what the project is and how to run it",
        },
        {
            "id": "ci-workflow",
            "kind": "file.exists",
            "path": CI_FILES,
            "priority": "P2",
            "why": "without CI nothing re-checks a change before it ships",
        },
    ]
    if repo.public:
        checks.append(
            {
                "id": "license",
                "kind": "file.exists",
                "path": "{LICEN[CS]E,[Ll]icen[cs]e,COPYING,UNLICENSE}*",
                "priority": "P1",
                "why": "a public project without a LICENSE file may not legally be used "
                f"(published: {', '.join(repo.public[:3])})",
            }
        )
    if repo.git and (repo.sources or repo.declared):  # a toolchain writes output to ignore
        checks.append(
            {
                "id": "gitignore",
                "kind": "file.exists",
                "path": "**/.gitignore",
                "priority": "P3",
                "why": "without a .gitignore, build output, caches and .env files get committed",
            }
        )
    checks.append(
        {
            "id": "no-dotenv",
            "kind": "dotenv",
            "path": "**/.env",
            "exclude": list(VENDORED),
            "priority": "P1",
            "why": "a committed .env sets a secret: it is copied to every checkout and server; "
            "commit a .env.example with placeholders instead",
        }
    )
    return checks


def python(files: FileIndex, repo: Repository) -> list[CheckDict]:
    checks: list[CheckDict] = [
        {
            "id": "python-syntax",
            "kind": "python.syntax",
            "path": "**/*.py",
            "exclude": [*VENDORED, *TEST_DATA],
            "priority": "P1",
        },
        {
            "id": "no-breakpoints",
            "kind": "file.not_contains",
            "path": "**/*.py",
            "exclude": list(VENDORED),
            "pattern": r"^[ \t]*(breakpoint\(\)|import pdb\b|from pdb import|pdb\.set_trace\(\))",
            "priority": "P1",
            "why": "a breakpoint left in the code stops the process, waiting for a debugger",
        },
    ]
    if files.glob("**/pyproject.toml"):
        checks.insert(
            0,
            {
                "id": "pyproject-valid",
                "kind": "file.valid",
                "path": "**/pyproject.toml",
                "exclude": list(VENDORED),
                "format": "toml",
                "priority": "P1",
                "why": "pip, uv and every build tool refuse a pyproject.toml that does not parse",
            },
        )
    if repo.primary("python"):
        checks.append(
            {
                "id": "python-tests",
                "kind": "file.exists",
                "path": "{**/test_*.py,**/*_test.py,**/tests/**/*.py,**/test/**/*.py,"
                "**/conftest.py}",
                "exclude": list(VENDORED),
                "priority": "P2",
                "why": "a Python project without tests ships code nothing has exercised",
            }
        )
    return checks


def docker(files: FileIndex, repo: Repository) -> list[CheckDict]:
    check: CheckDict = {
        "id": "dockerfile",
        "kind": "dockerfile",
        "file": DOCKERFILES,
        "exclude": list(NOT_FOR_RELEASE),
        "priority": "P1",
    }
    if repo.kubernetes_probes:  # Kubernetes runs its probes and ignores HEALTHCHECK
        check["healthcheck"] = False
    elif repo.kubernetes_workloads:  # only what compose runs would use a HEALTHCHECK
        check["healthcheck"] = "compose"
    if repo.kubernetes_nonroot:  # the deployment sets a non-root user itself
        check["root_user"] = "off"
    return [check]


def compose(files: FileIndex, repo: Repository) -> list[CheckDict]:
    return [
        {
            "id": "compose-env",
            "kind": "compose",
            "file": COMPOSE_FILES,
            "exclude": list(NOT_FOR_RELEASE),
            "undeployed": False,
            "images": False,
            "priority": "P0",
        },
        {
            "id": "compose-images",
            "kind": "compose",
            "file": COMPOSE_FILES,
            "exclude": list(NOT_FOR_RELEASE),
            "undeployed": False,
            "secrets": False,
            "priority": "P2",
        },
    ]


def kubernetes(files: FileIndex, repo: Repository) -> list[CheckDict]:
    return [
        {
            "id": "kubernetes-images",
            "kind": "kubernetes",
            "file": "**/*.{yaml,yml}",
            "exclude": list(NOT_FOR_RELEASE),
            "priority": "P2",
        }
    ]


def actions(files: FileIndex, repo: Repository) -> list[CheckDict]:
    pinned: CheckDict = {
        "id": "actions-pinned",
        "kind": "file.not_contains",
        "priority": "P2",
        "path": WORKFLOWS,
        "pattern": r"uses:\s*['\"]?[^\s@#'\"]+@(master|main)\b",
        "why": "an action pinned to a moving branch runs whatever its owner pushes next, "
        "with this repository's secrets; pin a tag or a commit",
    }
    owner = github_owner(files.root)
    if owner:  # the organisation's own actions and reusable workflows are not third-party
        pinned["allow"] = rf"(?i)uses:\s*['\"]?{re.escape(owner)}/"
    return [
        {
            "id": "workflows-valid",
            "kind": "file.valid",
            "path": WORKFLOWS,
            "format": "yaml",
            "priority": "P1",
            "why": "GitHub skips a workflow file it cannot parse: its checks silently stop",
        },
        pinned,
    ]


def secrets(files: FileIndex, repo: Repository) -> list[CheckDict]:
    return [
        {
            "id": "no-secrets",
            "kind": "secrets",
            "exclude": list(VENDORED),
            "in_tests_and_docs": "count",
            "priority": "P0",
        }
    ]


def odoo(files: FileIndex, repo: Repository) -> list[CheckDict]:
    return [
        {
            "id": "odoo-modules",
            "kind": "odoo.module",
            "path": "**",
            "exclude": [*VENDORED, *TEST_DATA],
            "priority": "P1",
        }
    ]
