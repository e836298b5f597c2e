"""Security figures: planted-secret hits across every output and store, and scenarios in
which a repository made gonogo read or write outside it.

    .venv/bin/python benchmarks/security.py [--src DIR]

`--src` runs another gonogo source tree (e.g. `git archive COMMIT src | tar -x -C DIR`,
then `--src DIR/src`) to measure before and after a change in the same run. The
scenarios are the ones the tests assert on (tests/leak_helpers.py,
tests/containment_helpers.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path[0] = str(TESTS)  # not this folder: its secrets.py would shadow the module

from containment_helpers import SCENARIOS, gonogo_runner, observe  # noqa: E402
from leak_helpers import Tokens, capture, make_project, run_everything  # noqa: E402


def _env(src: str | None) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1"}
    if src:
        env["PYTHONPATH"] = str(Path(src).resolve())
    return env


def leaks(base: Path, env: dict[str, str]) -> tuple[int, int, int]:
    """(hits, outputs with a hit, outputs searched)."""
    tokens = Tokens()
    root = base / "repo"
    root.mkdir(parents=True)

    def run(*args: str, env: dict[str, str], base_env: dict[str, str] = env) -> tuple[str, str]:
        proc = subprocess.run(
            [sys.executable, "-m", "gonogo", *args],
            env={**base_env, **env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return proc.stdout, proc.stderr

    with capture() as (url, bodies):
        make_project(root, url, tokens)
        outputs = run_everything(root, base, run, tokens, bodies)
    hits = outputs.hits(tokens.forms())
    return sum(map(len, hits.values())), len(hits), len(outputs.texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", help="gonogo source tree to run (default: the installed one)")
    args = parser.parse_args()
    env = _env(args.src)
    with tempfile.TemporaryDirectory() as tmp:
        hits, where, searched = leaks(Path(tmp) / "leaks", env)
        print(f"planted-secret hits: {hits} in {where} of {searched} outputs and stores")
        reads, writes = [], []
        for i, scenario in enumerate(SCENARIOS):
            seen = observe(scenario, Path(tmp) / f"s{i}", gonogo_runner(env))
            flags = [f for f, on in (("read", seen.read), ("wrote", seen.wrote)) if on]
            print(f"  {scenario.name:28} exit {seen.ran.code}  {' '.join(flags) or '-'}")
            reads += [scenario.name] if seen.read else []
            writes += [scenario.name] if seen.wrote else []
        for label, names in (("reads", reads), ("writes", writes)):
            listed = ", ".join(names) or "-"
            print(f"outside-root {label}: {len(names)} of {len(SCENARIOS)} scenarios: {listed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
