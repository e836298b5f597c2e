"""`gonogo audit --to-plan`: the report rewritten as a plan that stays true.

One gate per phase (the headings naming a phase, sprint, stage or milestone at any level,
else the report's level-2 sections; in report order, each requiring the one before); in
it, a check per claim: `file.exists` / `file.valid` for cited evidence, `junit` for test
counts citing a JUnit file and for rows marked passing that cite one (no failures
allowed), `coverage` for coverage figures citing a report; open items
become checks that fail until done (the file they name, else a marker file
`.gonogo/done/ID` to create when the item is done); unsigned sign-offs become the gate's
approvals; a phase's hand-computed percent or "N/M passed" becomes the gate's
`pass_rate`, computed by gonogo from now on. Check ids come from the claim's text, so
they stay the same when lines move. Priorities come from the report (P0, "Priority:
CRITICAL")."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from gonogo.audit import markers as mk
from gonogo.audit.claims import file_checks
from gonogo.audit.model import AuditResult, ClaimResult, Source, Verdict
from gonogo.audit.planfile import slug
from gonogo.audit.quantity import PERCENT
from gonogo.audit.regex import rx

_FRACTION = r"(\d{1,6})\s*/\s*(\d{1,6})"


class _Gates:
    def __init__(self, report: str) -> None:
        self.report = report
        self.gates: dict[str, dict[str, Any]] = {}
        self.ids: set[str] = set()
        self.gate_ids: set[str] = set()

    def gate(self, title: str) -> dict[str, Any]:
        title = title or f"Claims of {self.report}"
        found = self.gates.get(title)
        if found is None:
            gid = _unique(slug(title) or "report", self.gate_ids)
            found = {"id": gid, "title": title, "checks": []}
            if self.gates:
                found["requires"] = [list(self.gates.values())[-1]["id"]]
            self.gates[title] = found
        return found

    def add(self, r: ClaimResult, kind: str, params: dict[str, Any], suffix: str = "") -> str:
        gate = self.gate(gate_title(r))
        cid = _unique(f"{slug(_bare(r.claim.text), 32) or 'claim'}{suffix}", self.ids)
        entry: dict[str, Any] = {"id": cid, "kind": kind, **params}
        if r.claim.priority:
            entry["priority"] = r.claim.priority
        entry["description"] = f"{self.report}:{r.claim.line}: {r.claim.text}"
        entry["tags"] = ["audit", str(r.claim.source)]
        gate["checks"].append(entry)
        return cid


def gate_title(r: ClaimResult) -> str:
    """The gate a claim belongs to: its phase ("### Phase 2: Database"), else its level-2
    section."""
    return r.claim.gate or r.claim.section


def _bare(text: str) -> str:
    """A claim's words without its checkbox: `[x] Unit tests` → `Unit tests`."""
    for box in ("[x]", "[X]", "[ ]"):
        text = text.removeprefix(box)
    return text.strip()


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def plan_data(result: AuditResult, *, project: str, report: str) -> dict[str, Any]:
    gates = _Gates(report)
    for r in result.results:
        _add_claim(gates, r)
    for r in result.results:
        _add_rate(gates, r)
    kept = [g for g in gates.gates.values() if g["checks"] or g.get("approvals")]
    ids = {g["id"] for g in kept}
    for g in kept:
        if g.get("requires"):
            g["requires"] = [x for x in g["requires"] if x in ids] or _previous(kept, g)
            if not g["requires"]:
                del g["requires"]
    return {"version": 1, "project": project, "gates": kept}


def _previous(kept: Sequence[dict[str, Any]], gate: dict[str, Any]) -> list[str]:
    idx = list(kept).index(gate)
    return [kept[idx - 1]["id"]] if idx else []


def _add_claim(gates: _Gates, r: ClaimResult) -> None:
    source = r.claim.source
    if r.claim.checks:
        exists_id = ""
        for check in r.claim.checks:
            suffix = "-valid" if check.kind == "file.valid" else ""
            params = dict(check.params)
            if suffix and exists_id:
                params["needs"] = [exists_id]
            cid = gates.add(r, check.kind, params, suffix + "-" + slug(check.path, 30))
            exists_id = cid if check.kind == "file.exists" else exists_id
    elif source is Source.COUNT and r.claim.cited:
        gates.add(r, "junit", _junit_params(r))
    elif source is Source.MEASURED and r.plan:
        for spec in r.plan:
            p = {k: v for k, v in spec.items() if k != "kind"}
            if spec["kind"] == "coverage":  # the coverage probe reads one `file`
                p["file"] = p.pop("files", p.get("file"))
            gates.add(r, str(spec["kind"]), p)
    elif source is Source.SIGNOFF and r.verdict is Verdict.OPEN:
        gate = gates.gate(gate_title(r))
        role = slug(r.claim.text.split("|")[0], 30) or "approver"
        gate.setdefault("approvals", []).append(role)
    elif source is Source.OPEN_ITEM:
        _add_open(gates, r)


def _junit_params(r: ClaimResult) -> dict[str, Any]:
    nums = r.numbers
    params: dict[str, Any] = {"files": r.claim.cited[0]}
    failed = nums.get("failed")
    if isinstance(failed, dict) and failed.get("claimed"):
        params["max_failures"] = failed["claimed"]
        params["min_pass_rate"] = 0
    return params


def _add_open(gates: _Gates, r: ClaimResult) -> None:
    paths = [
        p for p in mk.cited_paths(r.claim.text) if not mk.escapes(p) and not mk.problem_with(p)
    ]
    if paths:
        check = file_checks(mk.split_anchor(paths[0])[0])[0]
        gates.add(r, check.kind, dict(check.params), "-done")
        return
    marker = f".gonogo/done/{slug(_bare(r.claim.text), 40) or 'item'}"
    gates.add(r, "file.exists", {"path": marker}, "-done")


def _add_rate(gates: _Gates, r: ClaimResult) -> None:
    """A phase's hand-computed rate becomes its gate's pass_rate."""
    if r.claim.source not in (Source.ROLLUP, Source.SUMMARY) or r.verdict is Verdict.UNVERIFIABLE:
        return
    gate = gates.gates.get(gate_title(r) or f"Claims of {gates.report}")
    if gate is None or not gate["checks"] or "pass_rate" in gate:
        return
    pct = rx(PERCENT).search(r.claim.text)
    frac = rx(_FRACTION).search(r.claim.text)
    if pct is not None:
        gate["pass_rate"] = float(Decimal(pct.group(1)))
    elif frac is not None and int(frac.group(2)):
        gate["pass_rate"] = round(100 * int(frac.group(1)) / int(frac.group(2)), 2)


def render(result: AuditResult, *, project: str, report: str) -> str:
    import yaml

    data = plan_data(result, project=project, report=report)
    checks = sum(len(g["checks"]) for g in data["gates"])
    head = [
        f"# Written by `gonogo audit {report} --to-plan`: {checks} checks in "
        f"{len(data['gates'])} gates from the report's claims.",
        "# Open items fail until done. Run it with `gonogo check -p THIS_FILE`.",
    ]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    tail = _comments(result.results)
    return "\n".join(head) + "\n" + body + ("\n".join(tail) + "\n" if tail else "")


def _comments(results: Sequence[ClaimResult]) -> list[str]:
    numbers = [
        r
        for r in results
        if r.claim.source
        in (Source.ARITHMETIC, Source.ROLLUP, Source.TOTAL, Source.SUMMARY, Source.STATUS)
        and r.verdict is not Verdict.UNVERIFIABLE
    ]
    unverifiable = [r for r in results if r.verdict is Verdict.UNVERIFIABLE and not r.claim.checks]
    out: list[str] = []
    if numbers:
        out += [
            "",
            "# Figures and statuses the report states about itself (gonogo computes them now):",
        ]
        out += [f"#   line {r.claim.line}: {r.verdict}: {_one_line(r.reason)}" for r in numbers]
    if unverifiable:
        out += ["", "# Claims that cite nothing checkable (write a check for each that matters):"]
        out += [f"#   line {r.claim.line}: {_one_line(r.claim.text)}" for r in unverifiable]
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
