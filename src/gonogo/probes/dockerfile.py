"""`dockerfile`: the final stage runs as a non-root `USER`, every base image is pinned
(a tag other than `latest`, or a digest), and a `HEALTHCHECK` is declared."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import Field

from gonogo.models import Finding, Outcome, failed, problems, verdict_of
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, in_thread

_ROOT_USERS = {"root", "0", "0:0", "root:root"}


class DockerfileParams(Params):
    file: str = Field("Dockerfile", description="path or glob of Dockerfiles")


@dataclass
class Stage:
    image: str
    name: str | None
    line: int
    user: tuple[str, int] | None = None
    healthcheck: int | None = None
    args: dict[str, str] = field(default_factory=dict)


def instructions(text: str) -> list[tuple[int, str, str]]:
    """(line, INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[int, str, str]] = []
    buf, start = "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if buf and line.startswith("#"):
            continue
        if not buf:
            start = n
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.partition(" ")
        out.append((start, word.upper(), rest.strip()))
        buf = ""
    if buf:
        word, _, rest = buf.partition(" ")
        out.append((start, word.upper(), rest.strip()))
    return out


def stages(text: str) -> tuple[list[Stage], dict[str, str]]:
    global_args: dict[str, str] = {}
    out: list[Stage] = []
    for line, word, rest in instructions(text):
        if word == "ARG":
            name, _, default = rest.partition("=")
            (out[-1].args if out else global_args)[name.strip()] = default.strip().strip("\"'")
        elif word == "FROM":
            parts = [p for p in rest.split() if not p.startswith("--")]
            alias = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
            out.append(Stage(parts[0] if parts else "", alias, line))
        elif out and word == "USER":
            out[-1].user = (rest.split()[0] if rest else "", line)
        elif out and word == "HEALTHCHECK":
            out[-1].healthcheck = None if rest.upper().startswith("NONE") else line
    return out, global_args


def _expand(image: str, args: dict[str, str]) -> str:
    return re.sub(
        r"\$\{?([A-Za-z_]\w*)(?::-([^}]*))?\}?",
        lambda m: args.get(m.group(1)) or m.group(2) or "",
        image,
    )


def _pinned(image: str) -> bool:
    if "@sha256:" in image or image == "scratch":
        return True
    last = image.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    return bool(tag) and tag != "latest"


def judge(text: str, rel: str) -> list[Finding]:
    found, global_args = stages(text)
    if not found:
        return [Finding("dockerfile.no-from", "no FROM instruction", path=rel)]
    names = {s.name for s in found if s.name}
    findings = []
    for s in found:
        image = _expand(s.image, global_args)
        if image in names:
            continue
        if not _pinned(image):
            findings.append(
                Finding(
                    "dockerfile.unpinned-base",
                    f"base image {image or s.image} is not pinned by a tag other than "
                    "latest or by a digest",
                    path=rel,
                    line=s.line,
                )
            )
    final = found[-1]
    if final.user is None or final.user[0].lower() in _ROOT_USERS:
        line = final.user[1] if final.user else final.line
        findings.append(
            Finding("dockerfile.root-user", "the final stage runs as root", path=rel, line=line)
        )
    if not _inherits_healthcheck(found):
        findings.append(
            Finding("dockerfile.no-healthcheck", "no HEALTHCHECK", path=rel, line=final.line)
        )
    return findings


def _inherits_healthcheck(found: list[Stage]) -> bool:
    """A final stage built FROM an earlier stage inherits that stage's HEALTHCHECK."""
    by_name = {s.name: s for s in found if s.name}
    stage: Stage | None = found[-1]
    seen = 0
    while stage is not None and seen < len(found):
        if stage.healthcheck:
            return True
        stage = by_name.get(stage.image)
        seen += 1
    return False


def _check(p: DockerfileParams, ctx: Context) -> Outcome:
    matches = ctx.files.glob(p.file)
    if not matches:
        return failed(f"no Dockerfile matches {p.file}")
    findings: list[Finding] = []
    for rel in matches:
        findings += judge(ctx.files.read_text(rel), rel)
    label = matches[0] if len(matches) == 1 else f"{len(matches)} Dockerfiles"
    return verdict_of(
        tuple(findings),
        f"{label}: non-root USER, pinned base images, HEALTHCHECK",
        problems(label, tuple(findings)),
        {"files": matches[:20]},
    )


PROBE = Probe(
    "dockerfile",
    DockerfileParams,
    in_thread(_check),
    ProbeDoc(
        summary="The final stage runs as a non-root USER, base images are pinned (tag other "
        "than latest, or digest), and a HEALTHCHECK is declared; multi-stage aware.",
        why="A container running as root widens every exploit; `latest` changes under you; "
        "without HEALTHCHECK the orchestrator cannot tell a hung service from a live one.",
        example="{id: image, kind: dockerfile, file: Dockerfile}",
        remediation="Add `USER app` (after creating the user) in the final stage, pin "
        "`FROM python:3.12-slim@sha256:…`, and add `HEALTHCHECK CMD …`.",
    ),
)
