"""The files of other secret scanners a scan honours, read from the scanned tree's root:
`.gitleaksignore` (lines), detect-secrets' `.secrets.baseline` (values, then its
exclusions), the gitleaks configuration (`.gitleaks.toml`, or `GITLEAKS_CONFIG`).

They are asked in that order, what names a line or a value before what names a path, so
the count of allowed findings says which file and which part allowed each. A file that
cannot be used is a problem (a warning naming the file, the line and why) and the scan
goes on without it: gonogo then reports more, never less.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from gonogo.secrets import detectsecrets, gitleaks, gitleaksignore
from gonogo.secrets.allow import Allowlists, Loaded


def load(root: Path, environ: Mapping[str, str]) -> Allowlists:
    """The allowlists in effect under `root`; `environ` gives `GITLEAKS_CONFIG`."""
    ds = detectsecrets.load(root)
    value_lists = Loaded(ds.sources[:1], ds.confirms, ds.notes, ds.problems, ds.files)
    path_lists = Loaded(ds.sources[1:])
    named = environ.get(gitleaks.ENV, "")
    parts = [gitleaksignore.load(root), value_lists, gitleaks.load(root, environ), path_lists]
    args = ["--tool-allowlists", "on"] + (["--gitleaks-config", named] if named else [])
    found = Allowlists.of(parts, args)
    if not found.files:
        return found
    skipped = f"not scanned: {', '.join(found.files)} (the tools' own files, which they skip too)"
    return replace(found, notes=(*found.notes, skipped))


def files_of(allow: Allowlists) -> list[str]:
    """What `-v` prints: one line per list in effect or left out, then the problems."""
    return [*allow.notes, *(f"warning: {p.text()}" for p in allow.problems)]
