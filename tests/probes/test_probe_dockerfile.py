"""`dockerfile`: every stage of every matching Dockerfile, each rule with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.dockerfile import PROBE
from repo_helpers import write

GOOD = """\
ARG PY=3.12
FROM python:${PY}-slim AS build
RUN pip wheel -w /w .
FROM python:3.12-slim@sha256:abcdef0123456789 AS runtime
COPY --from=build /w /w
RUN useradd -r app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s CMD \\
    python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["python", "-m", "app"]
"""


def test_good_multi_stage_dockerfile_passes(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(GOOD)
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.PASS, out.message
    assert out.findings == ()


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("FROM python\nUSER app\n", [("dockerfile.unpinned-base", 1, "error")]),
        ("FROM node:latest\nUSER node\n", [("dockerfile.unpinned-base", 1, "error")]),
        ("FROM node:lts-alpine\nUSER node\n", [("dockerfile.unpinned-base", 1, "error")]),
        ("FROM debian:bookworm-slim\nUSER nobody\n", []),
        ("FROM alpine:3.20\n", [("dockerfile.root-user", 1, "error")]),
        # Windows images have no root (ContainerAdministrator is another rule's matter)
        ("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n", []),
        ("FROM microsoft/aspnet:windowsservercore-10.0.14393.953\n", []),
        ("FROM alpine:3.20\nUSER root\n", [("dockerfile.root-user", 2, "error")]),
        ("FROM gcr.io/distroless/static:nonroot\n", []),
        # a service (EXPOSE) without HEALTHCHECK is advice; a tool without EXPOSE is not
        ("FROM alpine:3.20\nUSER app\nEXPOSE 80\n", [("dockerfile.no-healthcheck", 1, "warning")]),
        (
            "FROM alpine:3.20 AS base\nUSER app\nHEALTHCHECK CMD true\nFROM debian:12\nUSER 0\n",
            [("dockerfile.root-user", 5, "error")],
        ),
        # a final stage built FROM an earlier stage inherits its USER and HEALTHCHECK
        ("FROM alpine:3.20 AS base\nEXPOSE 80\nHEALTHCHECK CMD true\nUSER app\nFROM base\n", []),
        # every stage's base is judged, not only the final one
        (
            "FROM golang AS build\nFROM node:lts AS assets\nFROM alpine:3.20\nUSER app\n",
            [("dockerfile.unpinned-base", 1, "error"), ("dockerfile.unpinned-base", 2, "error")],
        ),
        # ARG defaults expand in FROM; an ARG without one is given at build time
        (
            "ARG TAG=latest\nFROM nginx:${TAG}\nUSER nginx\n",
            [("dockerfile.unpinned-base", 2, "error")],
        ),
        ("ARG BASE\nFROM ${BASE}\nUSER app\n", []),
        (
            "FROM alpine:3.20\nENV API_TOKEN=s3cr3t-Tok3n-42 LOG=info\nUSER app\n",
            [("dockerfile.hardcoded-secret", 2, "error")],
        ),
        (
            "ARG NPM_TOKEN\nFROM node:20\nARG GITHUB_TOKEN=ghp_realLooking1234\nUSER node\n",
            [
                ("dockerfile.secret-in-arg", 1, "warning"),
                ("dockerfile.hardcoded-secret", 3, "error"),
            ],
        ),
        (
            "FROM alpine:3.20\nARG DB_PASSWORD\nENV DB_PASSWORD=$DB_PASSWORD\nUSER app\n",
            [
                ("dockerfile.secret-in-arg", 2, "warning"),
                ("dockerfile.secret-in-env", 3, "warning"),
            ],
        ),
        ("FROM alpine:3.20\nENV PASSWORD_FILE=/run/secrets/db\nUSER app\n", []),
        # a placeholder default is replaced when the container starts: nothing is baked
        ("FROM alpine:3.20\nENV API_TOKEN=changeme\nENV DB_PASSWORD password\nUSER app\n", []),
        (
            "FROM alpine:3.20\nADD https://example.com/tool.tgz /opt/\n"
            "ADD --checksum=sha256:abc https://example.com/ok.tgz /opt/\nUSER app\n",
            [("dockerfile.add-url", 2, "warning")],
        ),
        # heredoc bodies are not instructions; comments inside continuations are dropped
        (
            "FROM alpine:3.20\nRUN <<EOF\nFROM nginx\nUSER root\nEOF\nRUN apk add \\\n"
            "# a comment\n    curl\nUSER app\n",
            [],
        ),
        (
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            "RUN dir `\n  c:\\\nUSER app\n",
            [],
        ),
        ("# just a comment\n", [("dockerfile.no-from", None, "error")]),
        # images that run unprivileged by their own build, or drop to the server's user
        ('FROM grafana/k6:0.52.0\nCOPY t.js .\nENTRYPOINT ["k6", "run", "t.js"]\n', []),
        ("FROM docker.io/library/postgres:16.4\nCOPY init.sql /docker-entrypoint-initdb.d/\n", []),
        # the base's tag an ARG: the repository still says who it runs as
        (
            "ARG ELASTIC_VERSION\n"
            "FROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION:-9.5.1}\n",
            [],
        ),
        ("ARG V\nFROM docker.elastic.co/beats/filebeat:${V}\n", []),
        (
            "ARG V=3.20\nFROM alpine:${V}\nEXPOSE 80\n",
            [("dockerfile.root-user", 2, "error"), ("dockerfile.no-healthcheck", 2, "warning")],
        ),
        (
            'FROM postgres:16.4\nCOPY run.sh /\nENTRYPOINT ["/run.sh"]\n',
            [("dockerfile.root-user", 1, "error")],
        ),
        (
            "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n",
            [("dockerfile.root-user", 1, "error")],
        ),
        # no shell in the final image: nothing could run a HEALTHCHECK
        (
            "FROM golang:1.23 AS build\nRUN go build -o /app .\n"
            "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /\n"
            'EXPOSE 8080\nENTRYPOINT ["/app"]\n',
            [],
        ),
        (
            "FROM golang:1.23 AS build\nFROM scratch\nCOPY --from=build /app /\nEXPOSE 80\n"
            'ENTRYPOINT ["/app"]\n',
            [("dockerfile.root-user", 2, "error")],
        ),
        (
            "FROM gcr.io/distroless/base-debian12:debug-nonroot\nEXPOSE 80\n",
            [("dockerfile.no-healthcheck", 1, "warning")],
        ),
    ],
)
def test_rules(tmp_path: Path, text: str, rules: list[tuple[str, int | None, str]]) -> None:
    (tmp_path / "Dockerfile").write_text(text)
    out = run_probe(PROBE, tmp_path, dockerignore=False)
    got = sorted((f.rule, f.line, f.severity) for f in out.findings)
    assert got == sorted(rules, key=lambda r: (r[0], r[1] or 0))
    failing = any(severity == "error" for _, _, severity in rules)
    assert out.status is (Status.FAIL if failing else Status.PASS)


def test_every_dockerfile_in_the_tree_is_reported_on_its_own(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "services/api/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nUSER app\n",
            "services/api/.dockerignore": ".git\n.env\n",
            "services/web/Dockerfile": "FROM node:lts\nCOPY . .\n",
            "tools/build.Dockerfile": "FROM golang:1.22\nCOPY go.mod .\nUSER 1000\n",
            "docs/Dockerfile.dockerignore": "*\n",
        },
    )
    pattern = "**/{Dockerfile,Dockerfile.*,*.Dockerfile}"
    out = run_probe(PROBE, tmp_path, file=pattern)
    assert out.status is Status.FAIL
    assert out.evidence["files"] == [
        "services/api/Dockerfile",
        "services/web/Dockerfile",
        "tools/build.Dockerfile",
    ]
    assert [(f.rule, f.path, f.line, f.severity) for f in out.findings] == [
        ("dockerfile.unpinned-base", "services/web/Dockerfile", 1, "error"),
        ("dockerfile.root-user", "services/web/Dockerfile", 1, "error"),
        ("dockerfile.no-dockerignore", "services/web/Dockerfile", 2, "warning"),
    ]
    assert out.message.startswith(
        "3 Dockerfiles: 2 problem(s); 1 warning(s); first services/web/Dockerfile:1"
    )


def test_a_dockerignore_above_the_dockerfile_or_beside_it_by_name_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".dockerignore": ".git\n",
            "a/Dockerfile": "FROM alpine:3.20\nCOPY . .\nUSER app\n",
            "b/x/app.Dockerfile": "FROM alpine:3.20\nCOPY . .\nUSER app\n",
            "b/x/app.Dockerfile.dockerignore": ".git\n",
        },
    )
    out = run_probe(PROBE, tmp_path, file="**/{Dockerfile,*.Dockerfile}")
    assert out.status is Status.PASS
    assert out.findings == ()


def test_the_deployment_can_soften_root_and_skip_healthchecks(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nEXPOSE 80\n")
    out = run_probe(PROBE, tmp_path, root_user="warning", healthcheck=False)
    assert out.status is Status.PASS
    assert [(f.rule, f.severity) for f in out.findings] == [("dockerfile.root-user", "warning")]
    assert out.findings[0].message.endswith("(a warning: the deployment runs it as non-root)")


def test_no_match_fails_naming_the_glob(tmp_path: Path) -> None:
    out = run_probe(PROBE, tmp_path, file="**/Dockerfile")
    assert out.status is Status.FAIL
    assert out.message == "no Dockerfile matches **/Dockerfile"


def test_what_compose_sets_for_the_containers_it_builds_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "api/Dockerfile": "FROM python:3.12-slim\nEXPOSE 8000\n",
            "worker/Dockerfile.worker": "FROM python:3.12-slim\nEXPOSE 9000\n",
            "web/Dockerfile": "FROM nginx:1.27\nEXPOSE 80\n",
            "deploy/compose.yaml": "services:\n  api:\n    build: ../api\n    user: '1000'\n"
            "    healthcheck:\n      test: [CMD, curl, -f, http://localhost:8000/]\n"
            "  worker:\n    build: {context: ../worker, dockerfile: Dockerfile.worker}\n"
            "    healthcheck: {test: [CMD, 'true'], disable: true}\n"
            "  web:\n    build: ../web\n    user: root\n",
        },
    )
    out = run_probe(PROBE, tmp_path, file="**/Dockerfile*")
    assert [(f.rule, f.path, f.severity) for f in out.findings] == [
        ("dockerfile.root-user", "web/Dockerfile", "error"),
        ("dockerfile.root-user", "worker/Dockerfile.worker", "error"),
        ("dockerfile.no-healthcheck", "web/Dockerfile", "warning"),
        ("dockerfile.no-healthcheck", "worker/Dockerfile.worker", "warning"),
    ]


def test_compose_build_paths_are_interpolated_from_the_dotenv_beside_them(tmp_path: Path) -> None:
    # `${AD_DOCKERFILE}` comes from the .env; `${UNSET}` is given at deploy time, so the
    # Dockerfile it would name is not known and nothing is assumed about it.
    write(
        tmp_path,
        {
            "src/ad/Dockerfile": "FROM python:3.12-slim\nEXPOSE 80\nUSER app\n",
            "src/cart/Dockerfile": "FROM python:3.12-slim\nEXPOSE 80\nUSER app\n",
            ".env": "AD_DOCKERFILE=./src/ad/Dockerfile\nCTX=.\n",
            "compose.yaml": "services:\n  ad:\n    build:\n      context: ${CTX:-x}\n"
            "      dockerfile: ${AD_DOCKERFILE}\n    healthcheck: {test: [CMD, probe]}\n"
            "  cart:\n    build: {context: ., dockerfile: '${UNSET}'}\n"
            "    healthcheck: {test: [CMD, probe]}\n",
        },
    )
    out = run_probe(PROBE, tmp_path, file="**/Dockerfile", dockerignore=False)
    assert [(f.rule, f.path, f.line) for f in out.findings] == [
        ("dockerfile.no-healthcheck", "src/cart/Dockerfile", 1),
    ]


def test_an_image_only_opt_in_compose_profiles_run_is_a_tool(tmp_path: Path) -> None:
    # `seed` runs only with `docker compose --profile seed up`; `loadgen` is built by an
    # opt-in service in one file and by a default service in another: still a service.
    write(
        tmp_path,
        {
            "seed/Dockerfile": 'FROM python:3.12-slim\nCOPY . .\nEXPOSE 80\nCMD ["./go"]\n',
            "loadgen/Dockerfile": 'FROM python:3.12-slim\nCOPY . .\nCMD ["./go"]\n',
            "compose.yaml": "services:\n  seed:\n    build: ./seed\n    profiles: [seed]\n"
            "    restart: 'no'\n  load:\n    build: ./loadgen\n    profiles: [load]\n",
            "ci/compose.yaml": "services:\n  load:\n    build: ../loadgen\n",
        },
    )
    out = run_probe(PROBE, tmp_path, file="**/Dockerfile")
    assert [(f.rule, f.path, f.line) for f in out.findings] == [
        ("dockerfile.root-user", "loadgen/Dockerfile", 1),
        ("dockerfile.no-dockerignore", "loadgen/Dockerfile", 2),
    ]


def test_images_of_stacks_that_are_never_deployed_are_not_shipped(tmp_path: Path) -> None:
    """`docker-compose.yml` beside a standalone `docker-compose.prod.yml` is the
    development stack, and a file with a `sut` service is a CI test harness: the images
    only they build are not shipped. The production file's image still is."""
    write(
        tmp_path,
        {
            "app/Dockerfile": "FROM python:3.12-slim\nCOPY . .\nEXPOSE 8000\n",
            "app/Dockerfile.prod": "FROM python:3.12-slim\nCOPY . .\nEXPOSE 8000\n",
            "docker-compose.yml": "services:\n  web:\n    build: ./app\n",
            "docker-compose.prod.yml": "services:\n  web:\n"
            "    build: {context: ./app, dockerfile: Dockerfile.prod}\n"
            "  db:\n    image: postgres:16.4\n",
            "ui/Dockerfile": "FROM nginx:1.27\nEXPOSE 80\n",
            "build-bin/docker-compose-ui.yml": "services:\n  sut:\n    build: ../ui\n",
        },
    )
    out = run_probe(PROBE, tmp_path, file="**/Dockerfile*")
    assert [(f.rule, f.path, f.line) for f in out.findings] == [
        ("dockerfile.root-user", "app/Dockerfile.prod", 1),
        ("dockerfile.no-healthcheck", "app/Dockerfile.prod", 1),
        ("dockerfile.no-dockerignore", "app/Dockerfile.prod", 2),
    ]


def test_an_overlay_builds_from_the_folder_of_the_file_it_is_added_to(tmp_path: Path) -> None:
    """An overlay's build context is relative to the project folder (the root file's),
    so what it sets for its service reaches the Dockerfile it really builds."""
    write(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  es:\n    image: es:9.5.1\n",
            "extensions/beat/Dockerfile": "FROM alpine:3.20\nEXPOSE 5066\n",
            "extensions/beat/beat-compose.yml": "services:\n  beat:\n"
            "    build: {context: extensions/beat/}\n    user: '1000'\n"
            "    healthcheck: {test: [CMD, beat, test]}\n    depends_on: [es]\n",
        },
    )
    out = run_probe(PROBE, tmp_path, file="**/Dockerfile")
    assert out.status is Status.PASS, out.message
    assert out.findings == ()


def test_images_the_scripts_export_or_run_to_completion_are_tools(tmp_path: Path) -> None:
    """`docker build --output` exports files and runs nothing; `docker run --rm` (or `-it`)
    with no port, not detached and never pushed runs a tool or a session on the checkout.
    A pushed image, or one run with a published port, is still a service."""
    root_image = "FROM golang:1.23-alpine\nRUN apk add protobuf-dev\nCOPY . .\n"
    write(
        tmp_path,
        {
            "docker-gen-proto.sh": '#!/bin/sh\ngen() {\n  docker build -f "src/$1/genproto/'
            'Dockerfile" -t "$1-genproto" .\n  docker run --rm -v $(pwd):/build "$1-genproto" \\\n'
            "    protoc -I /build/pb\n}\ngen checkout\n",
            "src/checkout/genproto/Dockerfile": root_image,
            "src/cart/genproto/Dockerfile": root_image,
            "Makefile": "apk:\n\t$(DOCKER_CMD) build -f src/app/android.Dockerfile "
            "--output=. src/app\nup:\n\t$(DOCKER_COMPOSE_FILES) build web\n",
            "src/app/android.Dockerfile": "FROM node:22.11 AS builder\nRUN npm ci\n"
            'FROM scratch\nCOPY --from=builder /app.apk /\nENTRYPOINT ["/app.apk"]\n',
            "release.sh": "docker build -t shop/api:1 services/api\n"
            "docker run --rm shop/api:1 --version\ndocker push shop/api:1\n",
            "services/api/Dockerfile": root_image,
            "scripts/run-local.sh": "docker build -t web ../services/web && "
            "docker run --rm -p 8080:80 web\n",
            "services/web/Dockerfile": root_image,
            "test/Makefile": "docker-test:\n\tdocker build -t runner ../tools/runner\n"
            "\tdocker run -it runner\nshell:\n\tdocker build -t dev ../tools/dev\n"
            "\tdocker run -it -p 3000:3000 dev\n",
            "tools/runner/Dockerfile": root_image,
            "tools/dev/Dockerfile": root_image,
        },
    )
    out = run_probe(PROBE, tmp_path, file="**/*Dockerfile", dockerignore=False)
    assert [(f.rule, f.path, f.line) for f in out.findings] == [
        ("dockerfile.root-user", "services/api/Dockerfile", 1),
        ("dockerfile.root-user", "services/web/Dockerfile", 1),
        ("dockerfile.root-user", "tools/dev/Dockerfile", 1),  # -it, but it publishes a port
    ]
