from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from artifact_helpers import copy_data, run_probe
from gonogo.models import Status
from gonogo.probes.coverage import PROBE


@pytest.mark.parametrize(
    ("name", "minimum", "status", "text"),
    [
        ("coverage.xml", 60, Status.PASS, "61.5% ≥ 60%"),
        ("coverage.xml", 70, Status.FAIL, "61.5% < 70%"),
        ("coverage.json", 50, Status.PASS, "55% ≥ 50%"),
        ("coverage.json", 60, Status.FAIL, "55% < 60%"),
    ],
)
def test_formats_and_threshold(tmp_path: Path, name: str, minimum: float, status, text) -> None:
    copy_data(tmp_path, name)
    out = run_probe(PROBE, tmp_path, file=name, min_percent=minimum)
    assert out.status is status
    assert text in out.message


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ("<coverage lines-valid='1'", "cov.xml:1: malformed XML"),
        ("<html/>", "not a Cobertura report"),
        ('{"totals": ', "cov.xml:1: invalid JSON"),
        ('{"files": {}}', "no `totals`"),
        ("hello", "neither Cobertura XML, coverage.py JSON nor lcov"),
    ],
)
def test_malformed_reports_are_errors_naming_the_file(tmp_path: Path, content, text) -> None:
    (tmp_path / "cov.xml").write_text(content)
    out = run_probe(PROBE, tmp_path, file="cov.xml", min_percent=1)
    assert out.status is Status.ERROR
    assert text in out.message


def test_stale_report_fails(make_repo) -> None:
    root = make_repo({"README.md": "x\n"})
    copy_data(root, "coverage.xml")
    old = time.time() - 3600
    os.utime(root / "coverage.xml", (old, old))
    out = run_probe(PROBE, root, file="coverage.xml", min_percent=10, max_age="commit")
    assert out.status is Status.FAIL
    assert "older than HEAD's commit" in out.message


def test_missing_report_fails(tmp_path: Path) -> None:
    assert run_probe(PROBE, tmp_path, file="coverage.xml", min_percent=1).status is Status.FAIL
