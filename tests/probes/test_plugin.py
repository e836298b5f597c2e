"""Third-party check kinds through the `gonogo.probes` entry-point group, proven by really
installing a tiny plugin wheel (built by hand here) and running gonogo against it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import services

PLUGIN_SOURCE = '''
"""A gonogo plugin: one check kind, `demo.always`."""
from __future__ import annotations

from pydantic import Field

from gonogo.models import Outcome, passed
from gonogo.probes.base import Context, Params, Probe, ProbeDoc


class AlwaysParams(Params):
    word: str = Field("yes", description="what the probe answers")


async def _run(p: AlwaysParams, ctx: Context) -> Outcome:
    evidence = {"plugin": "demo", "root": ctx.root.name}
    return passed(f"demo plugin answers {p.word}", evidence=evidence)


PROBE = Probe(
    "demo.always",
    AlwaysParams,
    _run,
    ProbeDoc(
        summary="Always passes; proves third-party kinds load.",
        why="Plugins extend gonogo without forking it.",
        example="{id: demo, kind: demo.always, word: hello}",
    ),
)
'''

BROKEN_SOURCE = 'raise ImportError("the demo plugin needs libfrobnicate, which is missing")\n'


def _uv() -> str:
    found = shutil.which("uv") or str(Path.home() / ".local/bin/uv")
    if not os.access(found, os.X_OK):
        services.unavailable("uv is not installed; it installs the test plugin wheel")
    return found


def build_wheel(out_dir: Path, dist: str, module: str, source: str, entry_points: str) -> Path:
    """A minimal valid wheel: the module, METADATA, WHEEL, entry_points.txt and RECORD."""
    version = "0.1"
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": source,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: gonogo-tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
        f"{info}/entry_points.txt": entry_points,
    }
    record = []
    for name, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = "\n".join(record) + "\n"
    wheel = out_dir / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return wheel


def install(tmp: Path, dist: str, module: str, source: str, entry_points: str) -> Path:
    """Install the wheel with uv into a fresh target directory; returns that directory."""
    uv = _uv()
    site = tmp / "site"
    wheel = build_wheel(tmp, dist, module, textwrap.dedent(source), entry_points)
    proc = subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--offline",
            "--no-deps",
            "--target",
            str(site),
            "--python",
            sys.executable,
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert (site / module / "__init__.py").is_file()
    assert (site / f"{dist}-0.1.dist-info" / "entry_points.txt").is_file()
    return site


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(
        tmp_path_factory.mktemp("plugin"),
        "gonogo_demo_plugin",
        "gonogo_demo_plugin",
        PLUGIN_SOURCE,
        "[gonogo.probes]\ndemo_always = gonogo_demo_plugin:PROBE\n",
    )


PLAN = """\
gates:
  - id: extra
    checks:
      - {id: demo-check, kind: demo.always, word: hello}
      - {id: readme, kind: file.exists, path: README.md}
"""


def test_plugin_kind_is_explained(plugin_site: Path, cli: Callable[..., Any]) -> None:
    res = cli("explain", "demo.always", env={"PYTHONPATH": str(plugin_site)})
    assert res.code == 0, res.stderr
    assert "demo.always: Always passes; proves third-party kinds load." in res.stdout
    assert "word: str = 'yes'  what the probe answers" in res.stdout
    assert "{id: demo, kind: demo.always, word: hello}" in res.stdout


def test_plugin_kind_runs_in_a_check(
    plugin_site: Path, make_repo: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    root = make_repo({"gonogo.yaml": PLAN, "README.md": "# x\n"})
    res = cli("check", cwd=root, env={"PYTHONPATH": str(plugin_site)})
    assert res.code == 0, res.stderr
    report = json.loads((root / ".gonogo" / "last.json").read_text())
    demo = next(c for c in report["checks"] if c["id"] == "demo-check")
    assert (demo["kind"], demo["status"]) == ("demo.always", "pass")
    assert demo["message"] == "demo plugin answers hello"
    assert demo["evidence"] == {"plugin": "demo", "root": root.name}
    assert report["verdict"] == "GO"


def test_without_the_plugin_the_kind_is_unknown(
    make_repo: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    root = make_repo({"gonogo.yaml": PLAN, "README.md": "# x\n"})
    res = cli("check", cwd=root)
    assert res.code == 2
    assert "unknown check kind 'demo.always'" in res.stderr


def test_plugin_that_fails_to_import_is_named(
    tmp_path: Path, make_repo: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    site = install(
        tmp_path,
        "gonogo_broken_plugin",
        "gonogo_broken_plugin",
        BROKEN_SOURCE,
        "[gonogo.probes]\nfrobnicate = gonogo_broken_plugin:PROBE\n",
    )
    root = make_repo({"gonogo.yaml": PLAN, "README.md": "# x\n"})
    res = cli("check", cwd=root, env={"PYTHONPATH": str(site)})
    assert res.code == 2
    assert "probe plugin frobnicate (gonogo_broken_plugin:PROBE) failed to load" in res.stderr
    assert "libfrobnicate" in res.stderr
    assert "Traceback" not in res.stderr
