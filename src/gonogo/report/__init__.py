"""Report formats. Each is a module with `render(report, options) -> str`, listed here
lazily so that importing gonogo stays cheap."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gonogo.models import RunReport, TrendPoint
from gonogo.rules import Rule

FORMATS: dict[str, str] = {
    "term": "gonogo.report.term",
    "json": "gonogo.report.json_report",
    "md": "gonogo.report.markdown",
    "sarif": "gonogo.report.sarif",
    "junit": "gonogo.report.junit",
    "html": "gonogo.report.html",
}


@dataclass(frozen=True)
class Provenance:
    """Where the run's files live in their repository, for consumers that want paths
    from the repository root (code scanning, CI annotations). Gathered by the caller:
    report formats never ask git themselves."""

    root_uri: str | None = None  # file:///…/ of the repository root
    prefix: str = ""  # the project folder, relative to the repository root ("" or "svc/")
    plan: str | None = None  # the plan file, relative to the repository root
    check_lines: Mapping[str, int] = field(default_factory=dict)  # check id -> plan line
    repository_uri: str | None = None  # the remote, without credentials

    def path(self, project_path: str) -> str:
        """A path relative to the project folder, made relative to the repository root."""
        return self.prefix + project_path.removeprefix("./")


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    root: Path | None = None
    trends: Mapping[str, Sequence[TrendPoint]] = field(default_factory=dict)  # gate -> past runs
    extra: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)
    docs: Mapping[str, Any] = field(default_factory=dict)  # check kind -> its probe's doc
    rules: Mapping[str, Rule] = field(default_factory=dict)  # the rule catalogue


def renderer(name: str) -> Callable[[RunReport, RenderOptions], str]:
    module = importlib.import_module(FORMATS[name])
    fn: Callable[[RunReport, RenderOptions], str] = module.render
    return fn


def render(report: RunReport, name: str, options: RenderOptions | None = None) -> str:
    return renderer(name)(report, options or RenderOptions())
