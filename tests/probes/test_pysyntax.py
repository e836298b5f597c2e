"""`python.syntax` parses for the Python the project declares, never with gonogo's own
grammar alone; a newer target than gonogo's Python uses that pythonX.Y, or is an error."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from artifact_helpers import run_probe
from gonogo.fs.index import FileIndex
from gonogo.models import Status
from gonogo.probes.files import SYNTAX
from gonogo.probes.pysyntax import targets
from gonogo.probes.pytarget import oldest
from repo_helpers import write

MATCH = "def f(x):\n    match x:\n        case 1:\n            return 'one'\n"
RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _pyproject(spec: str) -> str:
    return f'[project]\nname = "x"\nrequires-python = "{spec}"\n'


def test_code_newer_than_the_oldest_declared_python_fails(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": _pyproject(">=3.9"), "src/x.py": MATCH})
    out = run_probe(SYNTAX, tmp_path)
    assert out.status is Status.FAIL
    assert [(f.rule, f.path, f.line) for f in out.findings] == [
        ("python.syntax-error", "src/x.py", 4)
    ]
    assert out.findings[0].message.startswith(
        "does not parse for Python 3.9 (pyproject.toml requires-python '>=3.9'): "
    )


@pytest.mark.parametrize(
    ("files", "status"),
    [
        ({"pyproject.toml": _pyproject(">=3.10"), "x.py": MATCH}, Status.PASS),
        ({"setup.cfg": "[options]\npython_requires = >=3.10\n", "x.py": MATCH}, Status.PASS),
        ({"setup.py": "setup(python_requires='>=3.8')\n", "x.py": MATCH}, Status.FAIL),
        ({".python-version": "3.10.4\n", "x.py": MATCH}, Status.PASS),
        (
            {
                "pyproject.toml": '[project]\nname = "x"\nclassifiers = '
                '["Programming Language :: Python :: 3.12", '
                '"Programming Language :: Python :: 3.9"]\n',
                "x.py": MATCH,
            },
            Status.FAIL,
        ),
        ({"x.py": MATCH}, Status.PASS),  # nothing declared: gonogo's own grammar
    ],
)
def test_the_target_comes_from_what_the_project_declares(
    tmp_path: Path, files: dict[str, str], status: Status
) -> None:
    write(tmp_path, files)
    assert run_probe(SYNTAX, tmp_path).status is status


def test_the_nearest_declaring_folder_decides(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": _pyproject(">=3.8"),
            "services/api/pyproject.toml": _pyproject(">=3.11"),
            "services/api/app/main.py": MATCH,
            "tools/old.py": "x = 1\n",
        },
    )
    groups = targets(FileIndex(tmp_path), ["services/api/app/main.py", "tools/old.py"])
    assert {t.version if t else None: rels for t, rels in groups.items()} == {
        (3, 11): ["services/api/app/main.py"],
        (3, 8): ["tools/old.py"],
    }
    assert run_probe(SYNTAX, tmp_path).status is Status.PASS


def test_a_newer_target_without_its_interpreter_is_an_error_not_a_fail(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": _pyproject(">=3.99"), "a.py": "x = 1\n", "b.py": "("})
    out = run_probe(SYNTAX, tmp_path)
    assert out.status is Status.ERROR
    assert out.message == (
        "2 file(s) are for Python 3.99 (pyproject.toml requires-python '>=3.99'), newer than "
        f"the Python {RUNNING} gonogo runs on, and no python3.99 is on PATH: install it, or "
        "run gonogo with Python 3.99 or newer"
    )


def _fake_python(bin_dir: Path, version: str) -> None:
    """A `pythonX.Y` on PATH: this interpreter, saying it is X.Y."""
    bin_dir.mkdir()
    major, minor = version.split(".")
    shim = bin_dir / f"python{version}"
    shim.write_text(f'#!/bin/sh\n"{sys.executable}" "$@" | sed "1s/.*/[{major}, {minor}]/"\n')
    shim.chmod(0o755)


def test_a_newer_target_is_parsed_by_its_interpreter_on_path(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, {"pyproject.toml": _pyproject(">=3.99"), "ok.py": "x = 1\n", "bad.py": "x = (\n"})
    _fake_python(tmp_path / "bin", "3.99")
    from gonogo.probes.base import Context

    ctx = Context(root, FileIndex(root), environ={"PATH": f"{tmp_path / 'bin'}:{os.defpath}"})
    import asyncio

    out = asyncio.run(SYNTAX.run(SYNTAX.params.model_validate({}), ctx))
    assert out.status is Status.FAIL
    assert [(f.rule, f.path, f.line) for f in out.findings] == [
        ("python.syntax-error", "bad.py", 1)
    ]
    assert "for Python 3.99 (pyproject.toml requires-python '>=3.99')" in out.findings[0].message


def test_an_interpreter_that_is_not_the_version_it_is_named_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, {"pyproject.toml": _pyproject(">=3.98"), "ok.py": "x = 1\n"})
    _fake_python(tmp_path / "bin", "3.97")
    (tmp_path / "bin" / "python3.97").rename(tmp_path / "bin" / "python3.98")
    from gonogo.probes.base import Context

    ctx = Context(root, FileIndex(root), environ={"PATH": str(tmp_path / "bin")})
    import asyncio

    out = asyncio.run(SYNTAX.run(SYNTAX.params.model_validate({}), ctx))
    assert out.status is Status.ERROR
    assert out.message.endswith(f"{tmp_path / 'bin' / 'python3.98'} is Python 3.97, not 3.98")


def test_the_python_param_overrides_the_project(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": _pyproject(">=3.10"), "x.py": MATCH})
    assert run_probe(SYNTAX, tmp_path, python="3.9").status is Status.FAIL
    assert run_probe(SYNTAX, tmp_path).status is Status.PASS


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (">=3.9,<4", ((3, 9), False)),
        ("^3.10 || ^3.12", ((3, 10), False)),
        ("==3.11.*", ((3, 11), False)),
        ("~=3.10", ((3, 10), False)),
        (">=2.7, !=3.0.*", ((2, 7), False)),
        ("<3", ((2, 7), True)),
        ("", None),
    ],
)
def test_oldest_version_a_specifier_allows(spec: str, expected: object) -> None:
    assert oldest(spec) == expected
