"""`compose`: no inline secret in a docker-compose file; required secrets use `${VAR:?msg}`.

Every form of `environment` is read (mapping and `KEY=value` list), anchors and merge keys
through the located safe loader, `env_file` files and top-level `secrets:` entries.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, failed, problems, verdict_of
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, in_thread
from gonogo.secrets.detectors import is_placeholder
from gonogo.yamlread import Located, YamlError, load

_SECRET_NAME = re.compile(
    r"(?i)(passw(or)?d|passwd|secret|token|api_?key|access_?key|private_?key|credential|_pass$)"
)
_NOT_SECRET_NAME = re.compile(r"(?i)(_file|_path|_url|_name|_user|_id|_env|_host|_port)$")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_]\w*)")
DEFAULT_FILES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")


class ComposeParams(Params):
    file: str | None = Field(None, description="compose file (default: the usual names)")


def _is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name)) and not _NOT_SECRET_NAME.search(name)


def judge_value(name: str, value: str) -> tuple[str, str] | None:
    """(rule, message) when `name=value` exposes or under-protects a secret."""
    if not _is_secret_name(name) or value is None:
        return None
    text = str(value).strip()
    refs = list(_VAR.finditer(text))
    if not refs:
        if text == "" or is_placeholder(text.encode()):
            return None
        return "compose.hardcoded-secret", f"{name} is set inline ({len(text)} chars)"
    for ref in refs:
        var, op, default = ref.group(1) or ref.group(4), ref.group(2), ref.group(3)
        if op in (":-", "-") and default and not is_placeholder(default.encode()):
            return (
                "compose.secret-default",
                f"{name} falls back to an inline default for ${{{var}}}; use ${{{var}:?…}}",
            )
        if op not in (":?", "?"):
            return (
                "compose.optional-secret",
                f"{name} uses ${{{var}}}, which is empty when unset; use ${{{var}:?message}}",
            )
    return None


def _environment(env: Any) -> list[tuple[str, Any, tuple[str | int, ...]]]:
    if isinstance(env, dict):
        return [(str(k), v, (k,)) for k, v in env.items()]
    out: list[tuple[str, Any, tuple[str | int, ...]]] = []
    if isinstance(env, list):
        for i, item in enumerate(env):
            name, sep, value = str(item).partition("=")
            if sep:
                out.append((name, value, (i,)))
    return out


def _services(doc: Located, rel: str) -> list[Finding]:
    findings: list[Finding] = []
    services = doc.data.get("services") if isinstance(doc.data, dict) else None
    for svc, body in (services or {}).items():
        if not isinstance(body, dict):
            continue
        for name, value, sub in _environment(body.get("environment")):
            judged = judge_value(name, value)
            if judged:
                line, _ = doc.where(("services", svc, "environment", *sub))
                findings.append(Finding(judged[0], f"{svc}: {judged[1]}", path=rel, line=line))
        for key in ("build",):
            args = body.get(key, {}).get("args") if isinstance(body.get(key), dict) else None
            for name, value, sub in _environment(args):
                judged = judge_value(name, value)
                if judged:
                    line, _ = doc.where(("services", svc, key, "args", *sub))
                    findings.append(
                        Finding(judged[0], f"{svc}: build arg {judged[1]}", path=rel, line=line)
                    )
    return findings


def _env_files(doc: Located, rel: str, ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    base = rel.rpartition("/")[0]
    services = doc.data.get("services") if isinstance(doc.data, dict) else None
    for body in (services or {}).values():
        env_file = body.get("env_file") if isinstance(body, dict) else None
        entries = env_file if isinstance(env_file, list) else [env_file] if env_file else []
        for entry in entries:
            path = entry.get("path") if isinstance(entry, dict) else entry
            target = f"{base}/{path}" if base else str(path)
            target = target.removeprefix("./")
            if not ctx.files.glob(target):
                continue
            for n, raw in enumerate(ctx.files.read_text(target).splitlines(), 1):
                name, sep, value = raw.strip().removeprefix("export ").partition("=")
                judged = judge_value(name.strip(), value.strip().strip("\"'")) if sep else None
                if judged and judged[0] == "compose.hardcoded-secret":
                    findings.append(Finding(judged[0], judged[1], path=target, line=n))
    return findings


def _secrets_section(doc: Located, rel: str) -> list[Finding]:
    section = doc.data.get("secrets") if isinstance(doc.data, dict) else None
    findings = []
    for name, body in (section or {}).items():
        if isinstance(body, dict) and "content" in body:
            judged = judge_value("secret", body["content"])
            if judged and judged[0] == "compose.hardcoded-secret":
                line, _ = doc.where(("secrets", name, "content"))
                msg = f"secret {name} has inline content"
                findings.append(Finding(judged[0], msg, path=rel, line=line))
    return findings


def _check(p: ComposeParams, ctx: Context) -> Outcome:
    candidates = [p.file] if p.file else [f for f in DEFAULT_FILES if ctx.files.glob(f)]
    if not candidates or not ctx.files.glob(candidates[0]):
        return failed(f"no compose file found ({p.file or ', '.join(DEFAULT_FILES)})")
    rel = candidates[0]
    try:
        doc = load(ctx.files.read_bytes(rel), max_bytes=4 * 1024 * 1024)
    except YamlError as exc:
        where = f"{rel}:{exc.line}" if exc.line else rel
        return errored(f"{where}: {exc.message}", evidence={"file": rel})
    if not isinstance(doc.data, dict):
        return errored(f"{rel}: not a compose file (top level is not a mapping)")
    findings = _services(doc, rel) + _env_files(doc, rel, ctx) + _secrets_section(doc, rel)
    return verdict_of(
        tuple(findings),
        f"{rel}: no inline secret; required secrets use ${{VAR:?message}}",
        problems(rel, tuple(findings)),
        {"file": rel},
    )


PROBE = Probe(
    "compose",
    ComposeParams,
    in_thread(_check),
    ProbeDoc(
        summary="No secret set inline in a docker-compose file (environment, build args, "
        "env_file, secrets), and required secrets use `${VAR:?message}`.",
        why="The seeds found POSTGRES_PASSWORD inline in docker-compose.yml after a 'security "
        "review'; `${VAR}` silently becomes an empty password when the variable is unset.",
        example="{id: compose-env, kind: compose, file: docker-compose.yml, priority: P0}",
        remediation="Replace inline values with `${VAR:?VAR must be set}` and pass them from "
        "the environment or a secrets manager; rotate any value that was committed.",
    ),
)
