"""`secrets`: no hardcoded credential in the tree, except reviewed ones.

The scan (`gonogo.secrets.tree`) uses the run's shared file listing (`ctx.files`) and, for
small trees, its shared read cache; big trees go to two worker processes. Findings carry
a redacted preview only: kind, file, line, the first four characters and the length.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from gonogo.models import Outcome, errored, verdict_of
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, RelPath
from gonogo.secrets.baseline import DEFAULT_PATH, Baseline, BaselineError, load
from gonogo.secrets.tree import find_secrets, finding

MAX_FINDINGS = 200


class SecretsParams(Params):
    path: RelPath = Field("**", description="glob of files to scan (default: the whole tree)")
    exclude: list[str] = Field(default_factory=list, description="globs of files to skip")
    baseline: RelPath = Field(DEFAULT_PATH, description="reviewed findings to accept (JSON)")
    jobs: int = Field(2, ge=1, le=16, description="worker processes for big trees")


async def _run(p: SecretsParams, ctx: Context) -> Outcome:
    try:
        accepted = load(ctx.root / p.baseline) if p.baseline else Baseline(frozenset())
    except BaselineError as exc:
        return errored(str(exc))
    hits, totals = await find_secrets(ctx.files, p.path, p.exclude, p.baseline, p.jobs)
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
