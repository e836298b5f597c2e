"""Secret values in a pushed report are replaced by `***` before anything is stored,
found by the same detectors that scan a repository (`gonogo.secrets`). Every string of
the report is scanned in one pass; a clean report (the usual case) is returned as is."""

from __future__ import annotations

from typing import Any

from gonogo.secrets.spans import secret_spans

MASK = "***"
_PATH = "report.txt"


def _strings(value: Any, out: list[str]) -> list[str]:
    """Every key and string in `value`, depth first, appended to `out` (a plain
    recursion: a chain of generators costs a frame switch per string per level)."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(str(k))
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)
    return out


def secret_values(data: Any) -> set[str]:
    """The secret values found in any string of `data`. UnicodeEncodeError for a string
    that is not valid Unicode text (a lone surrogate from a JSON escape)."""
    blob = "\n".join(_strings(data, [])).encode("utf-8")
    return {blob[a:b].decode("utf-8", "replace") for a, b in secret_spans(blob, _PATH)}


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
