"""Run a probe against a directory, as the engine would."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from gonogo.fs.index import FileIndex
from gonogo.models import Outcome
from gonogo.probes.base import Context, Probe

DATA = Path(__file__).parent / "data" / "artifacts"


def run_probe(probe: Probe[Any], root: Path, **params: Any) -> Outcome:
    ctx = Context(root, FileIndex(root), environ={})
    return asyncio.run(probe.run(probe.params.model_validate(params), ctx))


def copy_data(dest: Path, *names: str) -> Path:
    for name in names:
        src = DATA / name
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target)
        else:
            shutil.copy(src, target)
    return dest
