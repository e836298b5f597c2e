"""SARIF output validated against the official SARIF 2.1.0 JSON Schema.

The schema file comes from the npm package @microsoft/jest-sarif (it ships
`lib/schemas/sarif-2.1.0-rtm.5.json`), fetched with `npm pack` into a cache on first
use; nothing of it is committed here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import jsonschema
import pytest
from test_sarif import _report, _with_provenance

from gonogo.report import RenderOptions, render
from sample_report import sample_report
from services import unavailable

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gonogo-tests"


@pytest.fixture(scope="session")
def sarif_schema() -> dict[str, object]:
    target = CACHE / "sarif-2.1.0-rtm.5.json"
    if not target.exists():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is not installed, so the SARIF 2.1.0 schema cannot be fetched")
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run(
                [npm, "pack", PACKAGE, "--silent"],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if proc.returncode != 0:
                unavailable(f"npm pack {PACKAGE} failed: {proc.stderr.strip()[:200]}")
            archive = next(Path(tmp).glob("*.tgz"))
            with tarfile.open(archive) as tar:
                member = tar.extractfile(MEMBER)
                assert member is not None
                data = member.read()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp_target = target.with_suffix(".tmp")
        tmp_target.write_bytes(data)
        tmp_target.replace(target)
    schema: dict[str, object] = json.loads(target.read_text())
    return schema


@pytest.mark.parametrize("make", [_report, sample_report], ids=["findings", "every-status"])
def test_sarif_output_is_valid_against_the_2_1_0_schema(sarif_schema, make) -> None:
    log = json.loads(render(make(), "sarif", RenderOptions()))
    validator = jsonschema.Draft7Validator(sarif_schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert log["version"] == "2.1.0"


def test_schema_catches_a_broken_log(sarif_schema) -> None:
    log = json.loads(render(_report(), "sarif", RenderOptions()))
    log["runs"][0]["results"][0]["level"] = "catastrophic"
    assert list(jsonschema.Draft7Validator(sarif_schema).iter_errors(log))


def test_sarif_with_repository_paths_is_valid_against_the_schema(sarif_schema) -> None:
    log = _with_provenance(sample_report())
    errors = list(jsonschema.Draft7Validator(sarif_schema).iter_errors(log))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
