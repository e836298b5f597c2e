"""JSON report, schema `gonogo.report/v1`."""

from __future__ import annotations

import json

from gonogo.models import RunReport
from gonogo.report import RenderOptions


def render(report: RunReport, options: RenderOptions) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
