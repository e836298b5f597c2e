"""The explicit table of built-in check kinds, plus third-party kinds from entry points."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import metadata
from typing import Any

from gonogo.errors import GonogoError
from gonogo.probes import (
    bench,
    command,
    compose,
    coverage,
    dockerfile,
    files,
    http,
    junit,
    load,
    odoo,
    postgres,
    pyapi,
    redis_probe,
    tcp,
)
from gonogo.probes import git as git_probe
from gonogo.probes import secrets as secrets_probe
from gonogo.probes.base import Probe

ENTRY_POINT_GROUP = "gonogo.probes"

BUILTIN: Mapping[str, Probe[Any]] = {
    p.kind: p
    for p in (
        files.EXISTS,
        files.ABSENT,
        files.CONTAINS,
        files.NOT_CONTAINS,
        files.VALID,
        files.SYNTAX,
        command.PROBE,
        http.PROBE,
        tcp.PROBE,
        postgres.PROBE,
        redis_probe.PROBE,
        bench.PROBE,
        load.PROBE,
        secrets_probe.PROBE,
        compose.PROBE,
        dockerfile.PROBE,
        junit.PROBE,
        coverage.PROBE,
        pyapi.PROBE,
        git_probe.PROBE,
        odoo.PROBE,
    )
}


class PluginError(GonogoError):
    pass


def load_plugins(group: str = ENTRY_POINT_GROUP) -> dict[str, Probe[Any]]:
    """Kinds contributed by installed packages; a broken plugin is named, not hidden."""
    out: dict[str, Probe[Any]] = {}
    for ep in metadata.entry_points(group=group):
        try:
            probe = ep.load()
        except Exception as exc:
            raise PluginError(f"probe plugin {ep.name} ({ep.value}) failed to load: {exc}") from exc
        if not isinstance(probe, Probe):
            raise PluginError(f"probe plugin {ep.name} ({ep.value}) is not a gonogo Probe")
        out[probe.kind] = probe
    return out


def all_probes() -> dict[str, Probe[Any]]:
    """Built-in kinds, then plugins (a plugin cannot replace a built-in kind)."""
    probes = dict(BUILTIN)
    for kind, probe in load_plugins().items():
        probes.setdefault(kind, probe)
    return probes
