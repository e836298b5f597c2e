"""Report formats. Each is a module with `render(report, options) -> str`, listed here
lazily so that importing gonogo stays cheap."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gonogo.models import RunReport

FORMATS: dict[str, str] = {
    "term": "gonogo.report.term",
    "json": "gonogo.report.json_report",
    "md": "gonogo.report.markdown",
    "sarif": "gonogo.report.sarif",
    "junit": "gonogo.report.junit",
    "html": "gonogo.report.html",
}


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    root: Path | None = None
    history: Any = None  # a store the html/term reports may read trends from
    extra: dict[str, Any] = field(default_factory=dict)


def renderer(name: str) -> Callable[[RunReport, RenderOptions], str]:
    module = importlib.import_module(FORMATS[name])
    fn: Callable[[RunReport, RenderOptions], str] = module.render
    return fn


def render(report: RunReport, name: str, options: RenderOptions | None = None) -> str:
    return renderer(name)(report, options or RenderOptions())
