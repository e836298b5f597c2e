"""The default plan's wall time on a 2,000-file repository, next to peers run on the same
tree in the same run: `git ls-files` (the listing alone) and `ruff check` (a linter
reading every Python file).

    .venv/bin/python benchmarks/packs.py [--files 2000] [--repeat 5] [--tree PATH]
                                         [--baseline-src DIR]

The generated tree is a realistic monorepo: Python services with a pyproject each, Node
front-ends, Dockerfiles and compose files per service, GitHub workflows, Odoo addons and
docs, committed to git. `--tree PATH` measures an existing checkout instead (a run writes
`.gonogo/last.json` and `last.md` into it, as every `gonogo check` does). Target: the
whole `gonogo check` command (interpreter start-up, plan detection, every check, JSON and
Markdown reports written) under 1.5 s. `--baseline-src DIR` also times another version
of gonogo on the same tree, its runs interleaved with this one's, and prints the ratio:
`git archive main src | tar -x -C /tmp/base`, `.venv/bin/python -m compileall -q
/tmp/base/src` (so neither side compiles its modules on every run), then
`--baseline-src /tmp/base/src`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TARGET_S = 1.5
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "b",
    "GIT_AUTHOR_EMAIL": "b@b.invalid",
    "GIT_COMMITTER_NAME": "b",
    "GIT_COMMITTER_EMAIL": "b@b.invalid",
}


def _service(root: Path, i: int, per_service: int) -> int:
    svc = root / "services" / f"svc{i}"
    files = {
        "pyproject.toml": f'[project]\nname = "svc{i}"\nrequires-python = ">=3.10"\n',
        "Dockerfile": "FROM python:3.12-slim\nRUN useradd -r app\nCOPY app /app\nUSER app\n"
        "EXPOSE 8000\nHEALTHCHECK CMD curl -f http://localhost:8000/health\n",
        "compose.yaml": f"services:\n  svc{i}:\n    build: .\n    environment:\n"
        "      DB_PASSWORD: ${DB_PASSWORD:?set it}\n      LOG_LEVEL: info\n"
        "  db:\n    image: postgres:16.4\n",
        "tests/test_app.py": "def test_ok():\n    assert True\n",
    }
    for n in range(per_service - len(files)):
        body = f'"""Module {n}."""\n\n\ndef handler_{n}(x: int) -> int:\n    return x + {n}\n'
        files[f"app/mod_{n}.py"] = body
    for rel, text in files.items():
        path = svc / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return len(files)


def _addon(root: Path, i: int) -> int:
    mod = root / "addons" / f"shop_{i}"
    files = {
        "__manifest__.py": f"{{'name': 'Shop {i}', 'version': '17.0.1.0.0', 'license': "
        "'LGPL-3', 'data': ['security/ir.model.access.csv']}\n",
        "__init__.py": "from . import models\n",
        "models/__init__.py": "from . import order\n",
        "models/order.py": f"from odoo import models\n\n\nclass O(models.Model):\n"
        f"    _name = 'shop.order{i}'\n",
        "security/ir.model.access.csv": "id,name,model_id:id,group_id:id,perm_read,"
        f"perm_write,perm_create,perm_unlink\na{i},a,model_shop_order{i},,1,1,1,0\n",
    }
    for rel, text in files.items():
        path = mod / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return len(files)


def make_tree(root: Path, n_files: int) -> int:
    made = 0
    for rel, text in {
        "README.md": "# shop\n",
        "LICENSE": "MIT\n",
        ".gitignore": ".venv/\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n",
        ".github/workflows/release.yml": "on: push\njobs: {}\n",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        made += 1
    for i in range(20):
        made += _addon(root, i)
    web = root / "web" / "src"
    web.mkdir(parents=True)
    for i in range(200):
        (web / f"component_{i}.js").write_text(f"export const c{i} = () => {i};\n")
        made += 1
    (root / "web" / "package.json").write_text('{"name": "web", "private": true}\n')
    made += 1
    services = 20
    per_service = max(5, (n_files - made) // services)
    for i in range(services):
        made += _service(root, i, per_service)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=GIT_ENV)
    subprocess.run(["git", "commit", "-qm", "tree"], cwd=root, check=True, env=GIT_ENV)
    return made


def timed(argv: list[str], cwd: Path, repeat: int) -> tuple[float, int]:
    """Median wall time of `argv` and its last exit code (after one warm-up run)."""
    subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    times = []
    code = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        code = subprocess.run(argv, cwd=cwd, capture_output=True, check=False).returncode
        times.append(time.perf_counter() - t0)
    return statistics.median(times), code


def interleaved(argv: list[str], cwd: Path, baseline_src: Path, repeat: int) -> tuple[float, float]:
    """Median wall times of `argv` run as `python -m gonogo` by this checkout and by the
    gonogo sources in `baseline_src`, one run of each in turn (after a warm-up of each),
    so both see the same load."""
    env = {**os.environ, "NO_COLOR": "1"}
    here_src = Path(__file__).resolve().parents[1] / "src"  # the same PYTHONPATH cost on both
    sides = {
        "here": {**env, "PYTHONPATH": str(here_src)},
        "baseline": {**env, "PYTHONPATH": str(baseline_src)},
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    command = [sys.executable, "-m", "gonogo", *argv]
    for side_env in sides.values():
        subprocess.run(command, cwd=cwd, env=side_env, capture_output=True, check=False)
    for _ in range(repeat):
        for name, side_env in sides.items():
            t0 = time.perf_counter()
            subprocess.run(command, cwd=cwd, env=side_env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - t0)
    return statistics.median(times["here"]), statistics.median(times["baseline"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tree", type=Path, help="measure this checkout instead")
    parser.add_argument("--baseline-src", type=Path, help="another gonogo's src/ to compare")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gonogo-packs-"))
    try:
        root = args.tree.resolve() if args.tree else tmp / "repo"
        if not args.tree:
            root.mkdir()
            make_tree(root, args.files)
        listed = subprocess.run(
            ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.count("\n")
        out = tmp / "report.json"
        gonogo = [str(BIN / "gonogo"), "check", str(root), "--no-history", "-o", str(out)]
        gonogo += ["--format", "json"]
        rows = [
            ("gonogo check (default plan, whole CLI)", *timed(gonogo, root, args.repeat)),
            ("git ls-files", *timed(["git", "ls-files"], root, args.repeat)),
            (
                "ruff check --no-cache (same tree)",
                *timed([str(BIN / "ruff"), "check", "--no-cache", "-q", "."], root, args.repeat),
            ),
        ]
        import json

        report = json.loads(out.read_text())
        checks = len(report["checks"])
        findings = sum(len(c["findings"]) for c in report["checks"])
        print(f"tree: {root} ({listed} files in git); default plan: {checks} checks, ", end="")
        print(f"{findings} findings, verdict {report['verdict']}\n")
        print("| command | median wall | vs ruff |")
        print("|---|---|---|")
        ruff_s = rows[2][1]
        for name, seconds, _code in rows:
            print(f"| {name} | {seconds * 1000:.0f} ms | {seconds / ruff_s:.2f}× |")
        gonogo_s = rows[0][1]
        verdict = "met" if gonogo_s < TARGET_S else "NOT met"
        print(f"\ntarget: default plan under {TARGET_S} s wall: {verdict} ({gonogo_s:.2f} s)")
        if args.baseline_src:
            argv = ["check", str(root), "--no-history", "-o", str(out), "--format", "json"]
            here, base = interleaved(argv, root, args.baseline_src.resolve(), args.repeat)
            print(
                f"against {args.baseline_src}, interleaved: {here * 1000:.0f} ms here, "
                f"{base * 1000:.0f} ms there ({here / base:.2f}×)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
