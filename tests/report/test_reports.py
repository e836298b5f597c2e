"""Every output format against one shared sample, compared byte for byte with golden files.

Regenerate after an intended change: GONOGO_UPDATE_GOLDEN=1 pytest tests/report/test_reports.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gonogo.models import RunReport
from gonogo.probes.registry import BUILTIN
from gonogo.report import Provenance, RenderOptions, render
from gonogo.report.github import workflow_commands
from sample_report import sample_report

GOLDEN = Path(__file__).parents[1] / "golden"


PROVENANCE = Provenance(
    root_uri="file:///work/shop/",
    prefix="svc/",
    plan="svc/gonogo.yaml",
    check_lines={"unit": 12, "db": 20, "migrate": 24, "backup": 30, "payments": 33},
    repository_uri="https://git.example.com/acme/shop",
)


def _matches(text: str, name: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GONOGO_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("term", "report.txt"),
        ("md", "report.md"),
        ("json", "report.json"),
        ("junit", "report.xml"),
        ("sarif", "report.sarif"),
        ("html", "report.html"),
    ],
)
def test_format_matches_golden(fmt: str, name: str) -> None:
    """The sample pins the run id, clock, commit and paths; no store is read."""
    docs = {kind: probe.doc for kind, probe in BUILTIN.items()}
    options = RenderOptions(width=100, provenance=PROVENANCE, docs=docs)
    _matches(render(sample_report(), fmt, options), name)


def test_github_annotations_match_golden() -> None:
    _matches(workflow_commands(sample_report(), PROVENANCE), "annotations.txt")


def test_json_round_trips() -> None:
    report = sample_report()
    again = RunReport.from_dict(json.loads(render(report, "json")))
    assert again == report


def test_color_only_when_asked() -> None:
    plain = render(sample_report(), "term", RenderOptions(color=False))
    colored = render(sample_report(), "term", RenderOptions(color=True))
    assert "\x1b[" not in plain and "\x1b[" in colored
