"""JSON report, schema `gonogo.report/v1`.

The envelope and gates are indented; each check is one compact line. That reads well in
a diff and keeps the C encoder in play (an indented dump runs the pure-Python encoder,
about a second for 10,000 checks)."""

from __future__ import annotations

import json
from typing import Any

from gonogo.models import RunReport
from gonogo.report import RenderOptions


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def render(report: RunReport, options: RenderOptions) -> str:
    data = report.to_dict()
    checks = data.pop("checks")
    head = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if not checks:
        return head[:-2] + ',\n  "checks": []\n}\n'
    body = ",\n    ".join(_compact(c) for c in checks)
    return head[:-2] + ',\n  "checks": [\n    ' + body + "\n  ]\n}\n"
