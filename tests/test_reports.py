"""Every output format against one shared sample, compared byte for byte with golden files.

Regenerate after an intended change: GONOGO_UPDATE_GOLDEN=1 pytest tests/test_reports.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gonogo.models import RunReport
from gonogo.report import RenderOptions, render
from sample_report import sample_report

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("fmt", "name"), [("term", "report.txt"), ("md", "report.md"), ("json", "report.json")]
)
def test_format_matches_golden(fmt: str, name: str) -> None:
    text = render(sample_report(), fmt, RenderOptions(width=100))
    path = GOLDEN / name
    if os.environ.get("GONOGO_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_json_round_trips() -> None:
    report = sample_report()
    again = RunReport.from_dict(json.loads(render(report, "json")))
    assert again == report


def test_color_only_when_asked() -> None:
    plain = render(sample_report(), "term", RenderOptions(color=False))
    colored = render(sample_report(), "term", RenderOptions(color=True))
    assert "\x1b[" not in plain and "\x1b[" in colored
