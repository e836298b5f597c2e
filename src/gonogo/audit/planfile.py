"""Turn a report's evidence claims into a gonogo plan: one gate per report section,
one `file.exists` / `file.valid` check per cited path. The auditor runs this very
plan to judge the claims, so `--to-plan` writes what the audit measured."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gonogo.audit.model import Claim

_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@dataclass(frozen=True, slots=True)
class PlanDoc:
    data: dict[str, Any]
    ids: tuple[tuple[str, ...], ...]  # per claim, the ids of its checks


def slug(text: str, limit: int = 40) -> str:
    out: list[str] = []
    for ch in text.lower():
        if ch in _ID_CHARS:
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out)[:limit].strip("-")


def plan_doc(claims: Sequence[Claim], *, project: str, report: str) -> PlanDoc:
    gates: dict[str, dict[str, Any]] = {}
    gate_ids: set[str] = set()
    used: set[str] = set()
    ids: list[tuple[str, ...]] = []
    for claim in claims:
        title = claim.section or f"Claims of {report}"
        gate = gates.get(title)
        if gate is None:
            gate = {"id": _unique(slug(title) or "report", gate_ids), "title": title, "checks": []}
            gates[title] = gate
        mine: list[str] = []
        exists_id = ""
        for check in claim.checks:
            base = f"{slug(claim.text, 24) or 'claim'}-{slug(check.path, 40) or 'path'}"
            if check.kind == "file.valid":
                base += "-valid"
            check_id = _unique(base, used)
            entry: dict[str, Any] = {"id": check_id, "kind": check.kind, **check.params}
            if check.kind == "file.valid" and exists_id:
                entry["needs"] = [exists_id]
            if check.kind == "file.exists":
                exists_id = check_id
            entry["description"] = f"{report}:{claim.line}: {claim.text}"
            entry["tags"] = ["audit", str(claim.source)]
            gate["checks"].append(entry)
            mine.append(check_id)
        ids.append(tuple(mine))
    data = {"version": 1, "project": project, "gates": [g for g in gates.values() if g["checks"]]}
    return PlanDoc(data, tuple(ids))


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def render(doc: PlanDoc, *, report: str) -> str:
    """The plan as YAML."""
    import yaml

    del report
    return yaml.safe_dump(doc.data, sort_keys=False, allow_unicode=True, width=100)
