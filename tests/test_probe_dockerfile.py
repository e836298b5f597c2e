from __future__ import annotations

from pathlib import Path

import pytest

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.dockerfile import PROBE

GOOD = """\
ARG PY=3.12
FROM python:${PY}-slim AS build
RUN pip wheel -w /w .
FROM python:3.12-slim@sha256:abcdef0123456789 AS runtime
COPY --from=build /w /w
RUN useradd -r app
USER app
HEALTHCHECK --interval=30s CMD \\
    python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["python", "-m", "app"]
"""


def test_good_multi_stage_dockerfile_passes(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(GOOD)
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.PASS, out.message


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("FROM python\nUSER app\nHEALTHCHECK CMD true\n", [("dockerfile.unpinned-base", 1)]),
        ("FROM node:latest\nUSER node\nHEALTHCHECK CMD true\n", [("dockerfile.unpinned-base", 1)]),
        ("FROM alpine:3.20\nHEALTHCHECK CMD true\n", [("dockerfile.root-user", 1)]),
        ("FROM alpine:3.20\nUSER root\nHEALTHCHECK CMD true\n", [("dockerfile.root-user", 2)]),
        ("FROM alpine:3.20\nUSER app\n", [("dockerfile.no-healthcheck", 1)]),
        (
            "FROM alpine:3.20 AS base\nUSER app\nHEALTHCHECK CMD true\nFROM debian:12\nUSER 0\n",
            [("dockerfile.root-user", 5), ("dockerfile.no-healthcheck", 4)],
        ),
        ("FROM alpine:3.20 AS base\nHEALTHCHECK CMD true\nFROM base\nUSER app\n", []),
    ],
)
def test_rules(tmp_path: Path, text: str, rules: list) -> None:
    (tmp_path / "Dockerfile").write_text(text)
    out = run_probe(PROBE, tmp_path)
    assert sorted((f.rule, f.line) for f in out.findings) == sorted(rules)
    assert out.status is (Status.FAIL if rules else Status.PASS)
