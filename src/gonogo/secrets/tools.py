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

from gonogo.secrets.allow import Allowlists, Loaded

GITLEAKS_IGNORE = ".gitleaksignore"
GITLEAKS_CONFIG = ".gitleaks.toml"
GITLEAKS_ENV = "GITLEAKS_CONFIG"
DETECT_SECRETS = ".secrets.baseline"


def load(root: Path, environ: Mapping[str, str]) -> Allowlists:
    """The allowlists in effect under `root`; `environ` gives `GITLEAKS_CONFIG`. A reader
    is imported only when its file is there, so a tree without any costs three stats."""
    named = environ.get(GITLEAKS_ENV, "")
    parts = [Loaded(), Loaded(), Loaded(), Loaded()]
    if (root / GITLEAKS_IGNORE).exists():
        from gonogo.secrets import gitleaksignore

        parts[0] = gitleaksignore.load(root)
    if (root / DETECT_SECRETS).exists():
        from gonogo.secrets import detectsecrets

        ds = detectsecrets.load(root)
        parts[1] = Loaded(ds.sources[:1], ds.confirms, ds.notes, ds.problems, ds.files)
        parts[3] = Loaded(ds.sources[1:])  # its exclusions: asked last, as they name paths
    if named.strip() or (root / GITLEAKS_CONFIG).exists():
        from gonogo.secrets import gitleaks

        parts[2] = gitleaks.load(root, environ)
    args = ["--tool-allowlists", "on"] + (["--gitleaks-config", named] if named else [])
    found = Allowlists.of(parts, args)
    if not found.files:
        return found
    skipped = f"not scanned: {', '.join(found.files)} (the tools' own files, which they skip too)"
    return replace(found, notes=(*found.notes, skipped))
