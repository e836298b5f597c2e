"""The explicit table of built-in check kinds, plus third-party kinds from entry points.

A probe's module is imported when its kind is first looked up: a plan of file checks
never pays for the HTTP, database or load-test clients.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from importlib import metadata
from typing import Any

from gonogo.errors import ProbeError
from gonogo.probes.base import Probe

ENTRY_POINT_GROUP = "gonogo.probes"

_TABLE: dict[str, tuple[str, str]] = {
    "file.exists": ("files", "EXISTS"),
    "file.absent": ("files", "ABSENT"),
    "file.contains": ("files", "CONTAINS"),
    "file.not_contains": ("files", "NOT_CONTAINS"),
    "file.valid": ("files", "VALID"),
    "python.syntax": ("files", "SYNTAX"),
    "command": ("command", "PROBE"),
    "http": ("http", "PROBE"),
    "tcp": ("tcp", "PROBE"),
    "postgres": ("postgres", "PROBE"),
    "redis": ("redis_probe", "PROBE"),
    "bench": ("bench", "PROBE"),
    "load": ("load", "PROBE"),
    "secrets": ("secrets", "PROBE"),
    "compose": ("compose", "PROBE"),
    "dockerfile": ("dockerfile", "PROBE"),
    "dotenv": ("dotenv", "PROBE"),
    "kubernetes": ("kubernetes", "PROBE"),
    "junit": ("junit", "PROBE"),
    "coverage": ("coverage", "PROBE"),
    "python.api": ("pyapi", "PROBE"),
    "git": ("git", "PROBE"),
    "odoo.module": ("odoo", "PROBE"),
    "prometheus": ("prometheus", "PROBE"),
    "slo": ("slo", "PROBE"),
}


class Probes(Mapping[str, Probe[Any]]):
    """Kind → probe: the built-in table, imported on first lookup, then `extra` kinds."""

    def __init__(self, extra: Mapping[str, Probe[Any]] | None = None) -> None:
        self._loaded: dict[str, Probe[Any]] = {}
        self._extra = {k: v for k, v in (extra or {}).items() if k not in _TABLE}

    def __getitem__(self, kind: str) -> Probe[Any]:
        probe = self._loaded.get(kind)
        if probe is not None:
            return probe
        if kind in _TABLE:
            module, attr = _TABLE[kind]
            probe = getattr(importlib.import_module(f"gonogo.probes.{module}"), attr)
        else:
            probe = self._extra[kind]
        self._loaded[kind] = probe
        return probe

    def __contains__(self, kind: object) -> bool:
        return kind in _TABLE or kind in self._extra

    def __iter__(self) -> Iterator[str]:
        yield from _TABLE
        yield from self._extra

    def __len__(self) -> int:
        return len(_TABLE) + len(self._extra)


BUILTIN: Mapping[str, Probe[Any]] = Probes()


class PluginError(ProbeError):
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


def all_probes() -> Probes:
    """Built-in kinds, then plugins (a plugin cannot replace a built-in kind)."""
    return Probes(load_plugins())
