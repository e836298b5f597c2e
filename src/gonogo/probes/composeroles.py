"""Which compose files are never deployed, read from the files themselves:

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
