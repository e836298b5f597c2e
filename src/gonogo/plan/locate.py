"""Where each check is written in its plan file: the line a code-scanning result or an
annotation points at when a check has no file of its own."""

from __future__ import annotations

from pathlib import Path

from gonogo import yamlread


def check_lines(path: Path) -> dict[str, int]:
    """Check id -> the 1-based line of its entry in PATH; {} when it cannot be read."""
    try:
        doc = yamlread.load(path.read_bytes())
    except (OSError, yamlread.YamlError):
        return {}
    gates = doc.data.get("gates") if isinstance(doc.data, dict) else None
    out: dict[str, int] = {}
    for gi, gate in enumerate(gates if isinstance(gates, list) else []):
        checks = gate.get("checks") if isinstance(gate, dict) else None
        for ci, check in enumerate(checks if isinstance(checks, list) else []):
            if isinstance(check, dict) and isinstance(check.get("id"), str):
                line, _ = doc.where(("gates", gi, "checks", ci))
                if line is not None:
                    out[check["id"]] = line
    return out
