"""Which Dockerfiles the compose files of the tree build, and what compose adds to the
containers it runs from them: a `healthcheck:` or a `user:` replaces the image's own, and
a service behind `profiles:` is opt-in (`docker compose up` leaves it out): a seed job, a
load generator, a debugging tool, not a part of the deployed stack. So is a service of a
compose file that is never deployed (`gonogo.probes.composeroles`): a test harness, or
the development stack beside a standalone production file."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gonogo.fs.index import FileIndex
from gonogo.probes import composevars as cv
from gonogo.probes.composeroles import not_deployed, project_folders
from gonogo.yamlread import YamlError, load

# compose.yaml, docker-compose.prod.yml, and the files `-f` adds: filebeat-compose.yml
COMPOSE_GLOB = "**/{{compose,docker-compose}*,*[-_.]compose}.{yml,yaml}"
_ROOT = {"root", "0", "0:0", "root:root"}
_MAX_BYTES = 4 * 1024 * 1024


@dataclass
class Built:
    healthcheck: str = ""  # the compose file whose service checks its health
    user: str = ""  # the compose file that runs it as a non-root user
    services: int = 0  # compose services built from it
    opt_in: int = 0  # of which behind `profiles:` or in a file that is never deployed

    @property
    def tool(self) -> bool:
        """Every service built from it is opt-in or never deployed: a tool run by hand,
        a test or a development image, not a shipped service."""
        return self.services > 0 and self.opt_in == self.services


def built(files: FileIndex) -> dict[str, Built]:
    """Dockerfile path -> what compose sets for the containers built from it."""
    out: dict[str, Built] = {}
    docs: dict[str, Any] = {}
    for rel in files.glob(COMPOSE_GLOB)[:200]:
        try:
            docs[rel] = load(files.read_bytes(rel, _MAX_BYTES), max_bytes=_MAX_BYTES).data
        except (YamlError, OSError):
            continue
    undeployed = not_deployed(docs)
    folders = project_folders(docs)
    for rel, data in docs.items():
        services = data.get("services") if isinstance(data, dict) else None
        env = _dotenv(files, folders[rel])
        for body in (services or {}).values() if isinstance(services, dict) else ():
            build = body.get("build") if isinstance(body, dict) else None
            dockerfile = _dockerfile(folders[rel], build, env)
            if dockerfile is None:
                continue
            entry = out.setdefault(dockerfile, Built())
            entry.services += 1
            if (isinstance(body.get("profiles"), list) and body["profiles"]) or rel in undeployed:
                entry.opt_in += 1
            health = body.get("healthcheck")
            if isinstance(health, dict) and health.get("test") and not health.get("disable"):
                entry.healthcheck = entry.healthcheck or rel
            user = str(body.get("user") or "")
            if user and user.lower() not in _ROOT:
                entry.user = entry.user or rel
    return out


def _dotenv(files: FileIndex, folder: str) -> dict[str, str]:
    """The `.env` of a compose project's folder: compose interpolates its files with it."""
    rel = posixpath.join(folder, ".env").removeprefix("./")
    if not files.in_listing(rel):
        return {}
    try:
        return {e.key: e.value for e in cv.read_env_file(files.read_text(rel, _MAX_BYTES))}
    except OSError:
        return {}


def _dockerfile(folder: str, build: object, env: Mapping[str, str]) -> str | None:
    """The Dockerfile a service's `build:` names, from the project folder, with `${VAR}`
    interpolated from the `.env`; None when it is built from a URL or depends on a
    variable set elsewhere."""
    if isinstance(build, str):
        raw_context, raw_name = build, "Dockerfile"
    elif isinstance(build, dict) and isinstance(build.get("context", "."), str):
        raw_context, raw_name = (
            build.get("context", "."),
            str(build.get("dockerfile") or "Dockerfile"),
        )
    else:
        return None
    context = cv.evaluate(cv.parse(raw_context), env)
    name = cv.evaluate(cv.parse(raw_name), env)
    if context is None or name is None:
        return None
    if "://" in context or context.startswith("git@"):
        return None
    return posixpath.normpath(posixpath.join(folder, context, name))
