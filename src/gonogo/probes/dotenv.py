"""The `dotenv` probe: committed `.env` files that set a secret.

Each assignment is read the way docker compose and the dotenv libraries read it (quotes,
`export`, a ` #` comment after the value) and judged by the rules the compose and
Dockerfile probes use (`gonogo.probes.secretnames`): `MAIL_PASSWORD=null`,
`CHATGPT_MAX_TOKENS=1000`, `JWT_SECRET_KEY=%kernel.project_dir%/config/jwt/private.pem`
and `DB_PASSWORD=MySecureDatabasePassword # change this` set no secret; `DB_PASSWORD=nextcloud`
and a generated key do.
"""

from __future__ import annotations

from pydantic import Field

from gonogo.models import Finding, Outcome, verdict_of
from gonogo.probes import composevars as cv
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, RelPath, in_thread
from gonogo.probes.secretnames import is_real_value, is_secret_name
from gonogo.rules import Rule

_MAX_BYTES = 1024 * 1024
_MAX_FINDINGS = 200


class DotenvParams(Params):
    path: RelPath = Field("**/.env", description="path or glob of the env files")
    exclude: list[str] = Field(default_factory=list, description="globs of files to leave out")
    why: str | None = Field(None, description="why the check exists: said in each finding")


def secrets_in(text: str) -> list[cv.EnvLine]:
    """The assignments of an env file that set a secret inline."""
    return [
        line
        for line in cv.read_env_file(text)
        if is_secret_name(line.key)
        and not cv.refs(cv.parse(line.value))
        and is_real_value(line.value, line.key)
    ]


def _run(p: DotenvParams, ctx: Context) -> Outcome:
    matches = ctx.files.select(p.path, p.exclude)
    findings: list[Finding] = []
    for rel in matches:
        for line in secrets_in(ctx.files.read_text(rel, _MAX_BYTES)):
            message = f"{line.key} is set ({len(line.value)} chars)"
            message += f": {p.why}" if p.why else ": anyone who can read the repository has it"
            findings.append(Finding(SECRET.code, message, rel, line.line, key=line.key))
    shown = tuple(findings[:_MAX_FINDINGS])
    return verdict_of(
        shown,
        f"no secret set in {len(matches)} env file(s)",
        f"{len(findings)} secret(s) set in {len({f.path for f in findings})} committed env file(s)",
        evidence={"files": matches[:20]},
    )


SECRET = Rule(
    "dotenv.committed-secret",
    "A committed env file sets a secret",
    remediation="Remove the value from the file (and rotate it if it was ever used); commit "
    "a .env.example with placeholders and keep the real .env out of git.",
    docs="A committed .env is copied to every checkout, fork and server: its secrets are "
    "everyone's who can read the repository.",
)
PROBE = Probe(
    "dotenv",
    DotenvParams,
    in_thread(_run),
    ProbeDoc(
        summary="No committed env file sets a secret-named variable to a real value "
        "(placeholders, references, flags, numbers and paths pass).",
        why="A .env is the first place a password gets committed, and the last one reviewed.",
        example="{id: no-dotenv, kind: dotenv, path: '**/.env'}",
        remediation="Keep secrets out of committed env files; commit a .env.example instead.",
    ),
    rules=(SECRET,),
)
