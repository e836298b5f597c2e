"""How the compose files of a tree relate, read from the files themselves.

An overlay (`docker compose -f docker-compose.yml -f extensions/filebeat/filebeat-compose.yml`)
names services it does not define (`depends_on: [elasticsearch]`): compose reads it from
the project directory, the folder of the first file, so its `.env` and relative paths
come from the nearest folder above whose compose file defines those services.

Which compose files are never deployed:

- a test harness: a service named `sut` (the system under test, whose exit code is the
  result: the convention of Docker's automated tests), run by CI against an image just
  built;
- the development stack: a folder that holds a standalone production file
  (`docker-compose.prod.yml` whose every service names its `image`, `build` or
  `extends`) runs production from that file alone, so the other files beside it whose
  names name no deployment (`docker-compose.yml`, `compose.override.yaml`) are what
  developers start on their machines.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

_PRODUCTION = re.compile(r"(?i)(?:^|[-_.])(?:prod|production)(?:[-_.]|$)")
_DEPLOYED = re.compile(
    r"(?i)(?:^|[-_.])(?:prod|production|staging|stage|release|deploy|live|swarm|k8s|"
    r"kubernetes|cloud|aws|gcp|azure)(?:[-_.]|$)"
)


def not_deployed(docs: Mapping[str, Any]) -> dict[str, str]:
    """Compose file path -> why it is not deployed (the end of a sentence), for every
    file of `docs` (path -> parsed YAML) that is a test harness or a development stack."""
    out: dict[str, str] = {}
    folders: dict[str, list[str]] = {}
    for rel in docs:
        folders.setdefault(posixpath.dirname(rel), []).append(rel)
    for rels in folders.values():
        production = sorted(r for r in rels if _is_production(r, docs[r]))
        for rel in sorted(rels):
            if "sut" in _services(docs[rel]):
                out[rel] = "a test harness: its `sut` service runs the tests"
            elif production and not _DEPLOYED.search(_stem(rel)):
                out[rel] = f"the development stack: {production[0]} is the production one"
    return out


def _is_production(rel: str, data: Any) -> bool:
    services = _services(data)
    if not services or not _PRODUCTION.search(_stem(rel)):
        return False
    return all(
        isinstance(body, dict) and any(k in body for k in ("image", "build", "extends"))
        for body in services.values()
    )


def _services(data: Any) -> dict[str, Any]:
    services = data.get("services") if isinstance(data, dict) else None
    return services if isinstance(services, dict) else {}


def _stem(rel: str) -> str:
    name = posixpath.basename(rel)
    return name.rsplit(".", 1)[0]


def project_folders(docs: Mapping[str, Any]) -> dict[str, str]:
    """Compose file path -> the folder compose resolves its `.env`, `env_file` and build
    contexts from: its own, or for an overlay the folder of the file it is added to."""
    defined = {rel: set(_services(data)) for rel, data in docs.items()}
    out = {}
    for rel, data in docs.items():
        folder = posixpath.dirname(rel)
        missing = _needed(data) - defined[rel]
        base = _base_folder(rel, missing, defined) if missing else None
        out[rel] = folder if base is None else base
    return out


def _needed(data: Any) -> set[str]:
    """Services a file's services depend on or extend without naming another file."""
    out: set[str] = set()
    for body in _services(data).values():
        if not isinstance(body, dict):
            continue
        depends = body.get("depends_on")
        if isinstance(depends, dict | list):
            out.update(str(name) for name in depends)
        extends = body.get("extends")
        if isinstance(extends, dict) and "file" not in extends and extends.get("service"):
            out.add(str(extends["service"]))
    return out


def _base_folder(rel: str, missing: set[str], defined: Mapping[str, set[str]]) -> str | None:
    """The nearest folder above whose files, with the overlays beside `rel`, define every
    service `rel` needs; None when there is none."""
    folder = posixpath.dirname(rel)
    have = _defined_in(folder, defined, rel)
    while folder:
        folder = posixpath.dirname(folder)
        have |= _defined_in(folder, defined, rel)
        if missing <= have:
            return folder
    return None  # no file above defines them: read it as compose would from its own folder


def _defined_in(folder: str, defined: Mapping[str, set[str]], rel: str) -> set[str]:
    out: set[str] = set()
    for other, names in defined.items():
        if other != rel and posixpath.dirname(other) == folder:
            out |= names
    return out
