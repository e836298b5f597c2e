"""Secret values in a pushed report are replaced by `***` before anything is stored,
found by the same detectors that scan a repository (`gonogo.secrets`). Every string of
the report is scanned in one pass; a clean report (the usual case) is returned as is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gonogo.secrets.fingerprint import fingerprint
from gonogo.secrets.scan import Hit, scan_data

MASK = "***"
_PATH = "report.txt"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def secret_values(data: Any) -> set[str]:
    """The secret values found in any string of `data`. UnicodeEncodeError for a string
    that is not valid Unicode text (a lone surrogate from a JSON escape)."""
    blob = "\n".join(_strings(data)).encode("utf-8")
    hits = scan_data(blob, _PATH)
    if not hits:
        return set()
    lines = blob.split(b"\n")
    return {v for h in hits if (v := _value(lines[h.line - 1], h)) is not None}


def _value(line: bytes, hit: Hit) -> str | None:
    """The value behind a hit: the span of its length whose fingerprint matches, tried
    first where the hit's preview (its first characters) appears."""
    preview = hit.preview.encode()
    likely = [i for i in range(len(line)) if line.startswith(preview, i)]
    for start in [*likely, *range(max(0, len(line) - hit.length + 1))]:
        candidate = line[start : start + hit.length]
        if fingerprint(hit.kind, _PATH, candidate) == hit.fingerprint:
            return candidate.decode("utf-8", "replace")
    return None


def redact(data: Any, values: set[str]) -> Any:
    if not values:
        return data
    if isinstance(data, str):
        for v in sorted(values, key=len, reverse=True):
            data = data.replace(v, MASK)
        return data
    if isinstance(data, dict):
        return {k: redact(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [redact(v, values) for v in data]
    return data
