"""The reviewed baseline: accepted findings by fingerprint (never by value).

`gonogo secrets --update-baseline` writes it; the `secrets` check ignores the findings it
lists. A fingerprint leaves out the line number, so edits elsewhere in the file keep it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gonogo.secrets.scan import Hit

SCHEMA = "gonogo.secrets-baseline/v1"
DEFAULT_PATH = ".gonogo-secrets.json"


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Baseline:
    fingerprints: frozenset[str]
    entries: tuple[dict[str, Any], ...] = ()

    def accepts(self, hit: Hit) -> bool:
        return hit.fingerprint in self.fingerprints


EMPTY = Baseline(frozenset())


def load(path: Path) -> Baseline:
    """The baseline at `path`; a missing file is an empty baseline."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return EMPTY
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the secrets baseline: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise BaselineError(f"{path}: not a gonogo secrets baseline (schema {SCHEMA!r} expected)")
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(f"{path}: entries: a list of objects with a fingerprint expected")
    return Baseline(frozenset(e["fingerprint"] for e in entries), tuple(entries))


def render(hits: Iterable[Hit], previous: Baseline = EMPTY) -> str:
    """Baseline text for `hits`; review notes of entries still present are kept."""
    old = {e["fingerprint"]: e for e in previous.entries}
    entries = []
    for hit in sorted(hits, key=lambda h: (h.path, h.line, h.kind)):
        entry: dict[str, Any] = {
            "fingerprint": hit.fingerprint,
            "kind": hit.kind,
            "path": hit.path,
            "line": hit.line,
            "preview": f"{hit.preview}…",
            "length": hit.length,
        }
        if "note" in old.get(hit.fingerprint, {}):
            entry["note"] = old[hit.fingerprint]["note"]
        entries.append(entry)
    unique = list({e["fingerprint"]: e for e in entries}.values())
    return json.dumps({"schema": SCHEMA, "entries": unique}, indent=2, ensure_ascii=False) + "\n"
