"""The finding rules of `dockerfile`."""

from __future__ import annotations

from gonogo.rules import Rule

RULES = (
    Rule(
        "dockerfile.unpinned-base",
        "A stage's base image has no tag, `:latest` or a floating tag",
        remediation="Pin a version tag (`python:3.12-slim`) or a digest (`@sha256:…`).",
        docs="An unpinned base is whatever the registry serves on the day of the build: two "
        "builds of one commit differ, and a broken upstream release breaks yours.",
    ),
    Rule(
        "dockerfile.root-user",
        "The final stage runs as root",
        remediation="Create a user (`RUN useradd -r app`) and add `USER app` to the final stage.",
        docs="A process running as root in a container turns any code-execution bug into "
        "root in the container, one kernel bug away from the host. A base image whose own "
        "build sets a non-root USER (grafana/k6, prom/prometheus, distroless `:nonroot`, "
        "Bitnami, Chainguard, .NET chiseled, …) counts as that user, and an official server "
        "image that keeps its ENTRYPOINT (postgres, mysql, redis, mongo, rabbitmq, …) drops "
        "to the server's user itself; nginx and httpd keep a root master process. Images "
        "that are not services are not asked: those only opt-in compose profiles, a test "
        "harness or the development stack run, and those the repository's scripts export "
        "(`docker build --output`) or run to completion (`docker run --rm`, no port, never "
        "pushed).",
    ),
    Rule(
        "dockerfile.no-healthcheck",
        "A service's image declares no HEALTHCHECK",
        severity="warning",
        remediation="Add `HEALTHCHECK CMD …` that exercises the service, or rely on the "
        "orchestrator's probes and say so.",
        docs="Without a health check a hung process looks alive to Docker and compose. Asked "
        "of images that EXPOSE a port (services, not tools) and hold a program to run it "
        "with (not `scratch`, distroless or chiseled images); Kubernetes ignores "
        "HEALTHCHECK, so the default plan leaves it out when the repository deploys with "
        "probes, and asks it only of images compose runs when the repository deploys with "
        "Kubernetes manifests.",
    ),
    Rule(
        "dockerfile.hardcoded-secret",
        "A secret is written in an ENV or ARG of a Dockerfile",
        remediation="Remove and rotate the value; use `RUN --mount=type=secret` for builds "
        "and pass runtime secrets from the environment.",
        docs="The value is in the repository and in every image layer built from it.",
    ),
    Rule(
        "dockerfile.secret-in-arg",
        "A secret-named build argument",
        severity="warning",
        remediation="Use `RUN --mount=type=secret,id=…` instead of ARG for credentials.",
        docs="Build arguments are recorded in the image history (`docker history`).",
    ),
    Rule(
        "dockerfile.secret-in-env",
        "A secret-named ENV takes its value at build time",
        severity="warning",
        remediation="Pass the secret when the container starts, not when the image is built.",
        docs="ENV values are part of the image configuration, readable with `docker inspect`.",
    ),
    Rule(
        "dockerfile.add-url",
        "ADD downloads a URL without a checksum",
        severity="warning",
        remediation="Use `ADD --checksum=sha256:…` or download and verify in a RUN step.",
        docs="What the URL serves can change, or be replaced, between two builds.",
    ),
    Rule(
        "dockerfile.no-dockerignore",
        "A Dockerfile copies its whole build context, which has no .dockerignore",
        severity="warning",
        remediation="Add a .dockerignore listing .git, .env*, caches and build output.",
        docs="Without one, `docker build` sends the whole folder to the builder, and "
        "`COPY . .` copies secrets and the git history into the image.",
    ),
    Rule(
        "dockerfile.no-from",
        "A file matched as a Dockerfile has no FROM",
        remediation="Fix the file, or leave it out of the check's glob.",
    ),
)
