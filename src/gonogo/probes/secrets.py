"""`secrets`: no hardcoded credential in the tree, except reviewed ones.

The scan uses the run's shared file listing (`ctx.files`) and, for small trees, its shared
read cache; big trees are split between two worker processes. Findings carry a redacted
preview only: kind, file, line, the first four characters and the length.
"""

from __future__ import annotations

import asyncio
import os
import re
import stat
from pathlib import Path

from pydantic import Field

from gonogo.fsindex import FileIndex, glob_to_regex
from gonogo.models import Finding, Outcome, errored, verdict_of
from gonogo.probes.base import Context, Params, Probe, ProbeDoc
from gonogo.secrets.baseline import DEFAULT_PATH, Baseline, BaselineError, load
from gonogo.secrets.detectors import TITLES
from gonogo.secrets.scan import READ_CAP, Hit, Totals, scan_files, scan_parallel

PARALLEL_MIN_FILES = 4000
MAX_FINDINGS = 200
_ALL = ("", "**", "**/*", ".")


class SecretsParams(Params):
    path: str = Field("**", description="glob of files to scan (default: the whole tree)")
    exclude: list[str] = Field(default_factory=list, description="globs of files to skip")
    baseline: str = Field(DEFAULT_PATH, description="reviewed findings to accept (JSON)")
    jobs: int = Field(2, ge=1, le=16, description="worker processes for big trees")


def select(files: FileIndex, path: str, exclude: list[str], baseline: str) -> list[str]:
    """The files to scan: `path` minus `exclude` and the baseline file itself."""
    rels = list(files.files) if path.strip() in _ALL else files.glob(path)
    skip = [re.compile(glob_to_regex(g.strip().removeprefix("./"))) for g in exclude]
    skip_dir = [g.rstrip("/") + "/" for g in exclude if not any(c in g for c in "*?[")]
    return [
        r
        for r in rels
        if r != baseline
        and not any(s.fullmatch(r) for s in skip)
        and not r.startswith(tuple(skip_dir))
    ]


async def find_secrets(
    files: FileIndex, rels: list[str], jobs: int = 2
) -> tuple[list[Hit], Totals]:
    """Scan `rels`: in this process through the shared cache, or in worker processes."""
    if jobs > 1 and len(rels) >= PARALLEL_MIN_FILES:
        return await scan_parallel(str(files.root), rels, jobs)

    def reader(root: str, rel: str) -> bytes | None:
        if not stat.S_ISREG(os.stat(os.path.join(root, rel)).st_mode):
            return None
        return files.read_bytes(rel, READ_CAP + 1)

    return await asyncio.to_thread(scan_files, str(files.root), rels, reader)


def finding(hit: Hit) -> Finding:
    title = TITLES.get(hit.kind, hit.kind)
    return Finding(
        f"secrets.{hit.kind}",
        f"{title} {hit.preview}… ({hit.length} chars)",
        path=hit.path,
        line=hit.line,
    )


async def _run(p: SecretsParams, ctx: Context) -> Outcome:
    try:
        accepted = load(ctx.root / p.baseline) if p.baseline else Baseline(frozenset())
    except BaselineError as exc:
        return errored(str(exc))
    rels = select(ctx.files, p.path, p.exclude, p.baseline)
    hits, totals = await find_secrets(ctx.files, rels, p.jobs)
    fresh = [h for h in hits if not accepted.accepts(h)]
    evidence: dict[str, object] = {
        "files": totals.files,
        "megabytes": round(totals.bytes / 1e6, 2),
        "baselined": len(hits) - len(fresh),
    }
    if totals.unreadable:
        evidence["unreadable"] = totals.unreadable[:20]
    if totals.truncated:
        evidence["truncated"] = totals.truncated[:20]
    findings = tuple(finding(h) for h in fresh[:MAX_FINDINGS])
    total = len(fresh) + totals.dropped_hits
    first = findings[0] if findings else None
    return verdict_of(
        findings,
        f"no unreviewed secret in {totals.files} file(s)",
        f"{total} secret(s) found; first {first.path}:{first.line} {first.message}"
        if first
        else "",
        evidence,
    )


def baseline_path(root: Path, baseline: str) -> Path:
    return root / (baseline or DEFAULT_PATH)


PROBE = Probe(
    "secrets",
    SecretsParams,
    _run,
    ProbeDoc(
        summary="No hardcoded credential (cloud keys, tokens, private keys, passwords) in "
        "the files, except reviewed ones in the baseline or marked `gonogo: allow-secret`.",
        why="A key committed once stays in the history; the seeds found passwords inline in "
        "docker-compose.yml weeks after 'security review complete'.",
        example="{id: no-secrets, kind: secrets, exclude: ['tests/fixtures/**']}",
        remediation="Revoke and rotate the credential, move it to the environment or a secret "
        "store, then remove it from the file. A reviewed false positive: run "
        "`gonogo secrets --update-baseline`, or add `# gonogo: allow-secret` on the line.",
    ),
)
