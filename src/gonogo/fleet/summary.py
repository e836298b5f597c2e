"""What a fleet run tells a platform team: GO / NO-GO / error counts, the checks that
fail most across the fleet, the slowest repositories, the verdicts that changed since
the last run; as terminal text, JSON (`gonogo.fleet/v1`), Markdown or one HTML page."""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gonogo.durations import format_duration
from gonogo.fleet.checkout import scrub
from gonogo.fleet.results import Item
from gonogo.fleet.spec import Fleet

SCHEMA = "gonogo.fleet/v1"
VERDICTS = ("GO", "NO-GO", "error")


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    source: str
    owner: str | None
    tags: tuple[str, ...]
    item: Item | None  # None: no worker finished it
    previous: str | None

    @property
    def verdict(self) -> str:
        return self.item.verdict if self.item else "error"

    @property
    def error(self) -> str | None:
        return self.item.error if self.item else "no worker finished it in time"

    @property
    def detail(self) -> str:
        """The error, or the failing checks."""
        if self.verdict == "error":
            return self.error or ""
        return ", ".join(self.item.failing) if self.item else ""

    def to_dict(self) -> dict[str, Any]:
        item = self.item
        return {
            "name": self.name,
            "source": scrub(self.source),
            "owner": self.owner,
            "tags": list(self.tags),
            "verdict": self.verdict,
            "skipped": bool(item and item.skipped),
            "commit": item.commit if item else None,
            "error": self.error,
            "attempts": item.attempts if item else 0,
            "duration_s": round(item.duration_s, 3) if item else None,
            "failing": list(item.failing) if item else [],
            "run_id": item.run_id if item else None,
            "previous_verdict": self.previous,
        }


@dataclass
class Summary:
    fleet: str
    fleet_run: str
    mode: str
    started_at: str
    finished_at: str
    duration_s: float
    lines: list[Line] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        fleet: Fleet,
        items: list[Item],
        previous: dict[str, str],
        **run: Any,
    ) -> Summary:
        by_name = {i.repo: i for i in items}
        lines = [
            Line(r.name, r.source, r.owner, r.tags, by_name.get(r.name), previous.get(r.name))
            for r in fleet.repositories
        ]
        return cls(fleet=fleet.name, lines=lines, **run)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for line in self.lines:
            out[line.verdict] += 1
        out["skipped"] = sum(1 for ln in self.lines if ln.item and ln.item.skipped)
        return out

    def top_failing(self, n: int = 10) -> list[tuple[str, int]]:
        counts = Counter(c for ln in self.lines if ln.item for c in ln.item.failing)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def slowest(self, n: int = 5) -> list[Line]:
        ran = [ln for ln in self.lines if ln.item and not ln.item.skipped]
        return sorted(ran, key=lambda ln: -(ln.item.duration_s if ln.item else 0))[:n]

    def changed(self) -> list[Line]:
        return [ln for ln in self.lines if ln.previous and ln.previous != ln.verdict]

    @property
    def all_go(self) -> bool:
        return all(ln.verdict == "GO" for ln in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "fleet": self.fleet,
            "fleet_run": self.fleet_run,
            "mode": self.mode,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_s": round(self.duration_s, 3),
            "counts": self.counts(),
            "repositories": [ln.to_dict() for ln in self.lines],
            "top_failing": [{"check": c, "repositories": n} for c, n in self.top_failing()],
            "slowest": [ln.name for ln in self.slowest()],
            "changed": [
                {"name": ln.name, "from": ln.previous, "to": ln.verdict} for ln in self.changed()
            ],
        }


def render(summary: Summary, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return _markdown(summary)
    if fmt == "html":
        return _html(summary)
    return _term(summary)


def headline(s: Summary) -> str:
    c = s.counts()
    return (
        f"fleet: {len(s.lines)} repositories: {c['GO']} GO, {c['NO-GO']} NO-GO, "
        f"{c['error']} error ({c['skipped']} unchanged, skipped) in "
        f"{format_duration(s.duration_s)}"
    )


def _term(s: Summary) -> str:
    out = [headline(s), ""]
    order = {"error": 0, "NO-GO": 1, "GO": 2}
    for ln in sorted(s.lines, key=lambda ln: (order[ln.verdict], ln.name)):
        note = " (unchanged)" if ln.item and ln.item.skipped else ""
        detail = f": {ln.detail}" if ln.detail else ""
        out.append(f"  {ln.verdict:<6} {ln.name}{note}{detail}")
    if s.top_failing():
        out += ["", "checks failing most:"]
        out += [f"  {n:>4}  {check}" for check, n in s.top_failing()]
    if s.changed():
        out += ["", "changed since the last fleet run:"]
        out += [f"  {ln.name}: {ln.previous} -> {ln.verdict}" for ln in s.changed()]
    return "\n".join(out) + "\n"


def _cell(text: object) -> str:
    escaped = html.escape(str(text), quote=False).replace("|", "\\|")
    return " ".join(escaped.split())


def _markdown(s: Summary) -> str:
    out = [f"# Fleet readiness: {_cell(s.fleet)}", "", f"**{_cell(headline(s))}**", ""]
    out += ["| repository | verdict | owner | failing checks or error |", "|---|---|---|---|"]
    for ln in s.lines:
        skipped = " (unchanged)" if ln.item and ln.item.skipped else ""
        out.append(
            f"| {_cell(ln.name)} | {ln.verdict}{skipped} | {_cell(ln.owner or '')} "
            f"| {_cell(ln.detail)} |"
        )
    if s.top_failing():
        out += ["", "## Checks failing most", "", "| check | repositories |", "|---|---|"]
        out += [f"| {_cell(c)} | {n} |" for c, n in s.top_failing()]
    if s.changed():
        out += ["", "## Changed since the last fleet run", ""]
        out += [f"- {_cell(ln.name)}: {ln.previous} → {ln.verdict}" for ln in s.changed()]
    return "\n".join(out) + "\n"


def _html(s: Summary) -> str:
    from importlib import resources

    import jinja2

    source = resources.files("gonogo.fleet").joinpath("fleet.html.j2").read_text("utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(source).render(s=s, headline=headline(s), counts=s.counts())
