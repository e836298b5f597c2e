"""`dockerfile`: every Dockerfile in the glob, every stage: base images pinned, no secret
in ENV or ARG, no unchecked download by ADD; the final stage runs as a non-root USER and
declares a HEALTHCHECK; the build context has a `.dockerignore`."""

from __future__ import annotations

import posixpath
import re
from typing import Literal

from pydantic import Field

from gonogo.fs.index import FileIndex
from gonogo.models import Finding, Outcome, failed
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, RelPath, in_thread
from gonogo.probes.baseimages import drops_privileges, has_no_shell, runs_unprivileged
from gonogo.probes.composebuilds import Built, built
from gonogo.probes.dockerparse import Stage, assignments, expand, instructions, resolve, stages
from gonogo.probes.dockerrules import RULES
from gonogo.probes.dockerscripts import Scripted, scripted
from gonogo.probes.images import unpinned
from gonogo.probes.outcomes import files_label, judged
from gonogo.probes.secretnames import is_real_value, is_secret_name

_ROOT_USERS = {"root", "0", "0:0", "root:root", "root:0", "0:root"}
_URL = re.compile(r"^(https?|ftp)://|^git@", re.I)


class DockerfileParams(Params):
    file: RelPath = Field("Dockerfile", description="path or glob of Dockerfiles")
    exclude: list[str] = Field(default_factory=list, description="globs of files to leave out")
    dockerignore: bool = Field(True, description="look for a .dockerignore for each build")
    root_user: Literal["error", "warning", "off"] = Field(
        "error",
        description="`off` (or `warning`) when the deployment itself runs the image as a "
        "non-root user, e.g. a Kubernetes runAsNonRoot security context",
    )
    healthcheck: bool | Literal["compose"] = Field(
        True,
        description="ask services (a final stage that EXPOSEs a port) for a HEALTHCHECK; "
        "`compose`: only images a compose file runs (Kubernetes ignores HEALTHCHECK)",
    )


def judge(
    text: str, rel: str, *, healthcheck: bool = True, root_user: str = "error"
) -> list[Finding]:
    """The findings of one Dockerfile; `healthcheck` False and `root_user` "off" leave
    out what the deployment takes care of."""
    found, global_args = stages(text)
    if not found:
        return [Finding("dockerfile.no-from", "no FROM instruction: not a Dockerfile", rel)]
    findings = _bases(found, global_args, rel) + _instructions(text, rel)
    final, chain = found[-1], _final_chain(found)
    base = resolve(chain[-1].image, global_args)
    user, line = _effective_user(chain, global_args)
    as_root = user is None or user.lower() in _ROOT_USERS
    if root_user != "off" and as_root and _runs_a_service_as_root(chain, base):
        message = (
            "the final stage runs as root: a compromised process owns the container; "
            "add a user and `USER` it"
        )
        if root_user == "warning":
            message += " (a warning: the deployment runs it as non-root)"
        where = line or final.line
        findings.append(Finding("dockerfile.root-user", message, rel, where, root_user))
    checkable = not has_no_shell(base)
    if (
        healthcheck
        and checkable
        and _inherits(chain, "EXPOSE")
        and not _inherits(chain, "HEALTHCHECK")
    ):
        findings.append(
            Finding(
                "dockerfile.no-healthcheck",
                "no HEALTHCHECK: the runtime cannot tell a hung service from a live one",
                rel,
                final.line,
                severity="warning",
            )
        )
    return findings


def _runs_a_service_as_root(chain: list[Stage], base: str) -> bool:
    """A final stage with no USER runs as root, unless it is an official server image
    that keeps its entrypoint: that entrypoint runs the server as the server's user. A
    Windows image has no root: its accounts (ContainerAdministrator, ContainerUser) are
    another matter than this rule's."""
    if _windows(base):
        return False
    keeps_entrypoint = all(stage.last("ENTRYPOINT") is None for stage in chain)
    return not (drops_privileges(base) and keeps_entrypoint)


def _windows(image: str) -> bool:
    """`mcr.microsoft.com/windows/servercore`, `…:windowsservercore-ltsc2019`, nanoserver."""
    low = image.lower()
    return "windows" in low or "nanoserver" in low


def _bases(found: list[Stage], global_args: dict[str, str], rel: str) -> list[Finding]:
    out = []
    names: set[str] = set()
    for stage in found:
        image = expand(stage.image, global_args)
        if image is not None and image.lower() not in names:
            why = unpinned(image)
            if why is not None:
                message = f"base image {image} {why}: rebuilds of one commit differ"
                out.append(Finding("dockerfile.unpinned-base", message, rel, stage.line))
        if stage.name:
            names.add(stage.name.lower())
    return out


def _instructions(text: str, rel: str) -> list[Finding]:
    out = []
    for ins in instructions(text):
        if ins.word in ("ENV", "ARG"):
            out += _variables(ins.word, ins.args, rel, ins.line)
        elif ins.word == "ADD" and "--checksum=" not in ins.args:
            sources = [w for w in ins.args.split()[:-1] if not w.startswith("--")]
            if any(_URL.match(s) for s in sources):
                message = (
                    "ADD downloads a URL without --checksum: what the build fetches can change "
                    "under it; use ADD --checksum=sha256:… or a pinned, verified download"
                )
                out.append(Finding("dockerfile.add-url", message, rel, ins.line, "warning"))
    return out


def _variables(word: str, args: str, rel: str, line: int) -> list[Finding]:
    out = []
    for name, value in assignments(args):
        if not is_secret_name(name):
            continue
        if value is not None and "$" not in value and is_real_value(value, name):
            message = f"{word} {name} is set inline ({len(value)} chars): it is in the repository"
            message += " and in every layer built from it"
            out.append(Finding("dockerfile.hardcoded-secret", message, rel, line, key=name))
        elif word == "ARG":
            message = (
                f"ARG {name} passes a secret as a build argument, which the image history "
                "keeps; use RUN --mount=type=secret"
            )
            out.append(Finding("dockerfile.secret-in-arg", message, rel, line, "warning", name))
        elif value and "$" in value:  # a placeholder literal bakes nothing: it is overridden
            message = (
                f"ENV {name} bakes a secret into the image config, readable with docker "
                "inspect; pass it at run time"
            )
            out.append(Finding("dockerfile.secret-in-env", message, rel, line, "warning", name))
    return out


def _effective_user(chain: list[Stage], args: dict[str, str]) -> tuple[str | None, int | None]:
    """The user the final stage runs as and the line that set it: the last USER of the
    stage, or of the stage it is built FROM; a base image known to run unprivileged
    (its tag may be an ARG: `elasticsearch:${ELASTIC_VERSION}`)."""
    for stage in chain:
        user = stage.last("USER")
        if user is not None:
            return (user.args.split() or [""])[0], user.line
        if runs_unprivileged(resolve(stage.image, args)):
            return "nonroot", None
    return None, None


def _inherits(chain: list[Stage], word: str) -> bool:
    """Whether the final stage has `word` (HEALTHCHECK, EXPOSE), itself or from the
    earlier stage it is built FROM."""
    for stage in chain:
        last = stage.last(word)
        if last is not None:
            return not last.args.upper().startswith("NONE")
    return False


def dockerignore(files: FileIndex, rel: str, text: str) -> Finding | None:
    """An image that copies its whole build context (`COPY . .` in its final stage, or a
    stage the final one is built FROM) needs a .dockerignore there: its folder or one
    above it, or BuildKit's `<Dockerfile>.dockerignore`. A build stage that copies it
    only to compile ships none of it."""
    found, _ = stages(text)
    shipped = [i for s in _final_chain(found) for i in s.instructions]
    copies_all = next((i for i in shipped if _copies_context(i.word, i.args)), None)
    if copies_all is None or files.in_listing(f"{rel}.dockerignore"):
        return None
    folder = posixpath.dirname(rel)
    while True:
        if files.in_listing(posixpath.join(folder, ".dockerignore")):
            return None
        if not folder:
            break
        folder = posixpath.dirname(folder)
    message = (
        f"{copies_all.word} {copies_all.args} copies the whole build context, and no "
        ".dockerignore beside or above it leaves out .git, .env files and caches"
    )
    return Finding("dockerfile.no-dockerignore", message, rel, copies_all.line, "warning")


def _final_chain(found: list[Stage]) -> list[Stage]:
    """The final stage and the stages it is built FROM, in turn."""
    by_name = {s.name.lower(): s for s in found if s.name}
    chain: list[Stage] = []
    stage = found[-1] if found else None
    while stage is not None and stage not in chain:
        chain.append(stage)
        stage = by_name.get(stage.image.lower())
    return chain


def _copies_context(word: str, args: str) -> bool:
    if word not in ("COPY", "ADD"):
        return False
    sources = [w for w in args.split()[:-1] if not w.startswith("--")]
    return any(s in (".", "./", "*", "./*") for s in sources)


def _check(p: DockerfileParams, ctx: Context) -> Outcome:
    matches = [m for m in ctx.files.select(p.file, p.exclude) if not m.endswith(".dockerignore")]
    if not matches:
        return failed(f"no Dockerfile matches {p.file}")
    findings: list[Finding] = []
    compose = built(ctx.files)
    scripts = scripted(ctx.files)
    for rel in matches:
        text = ctx.files.read_text(rel)
        by_compose = compose.get(rel, Built())
        # An image only opt-in compose profiles run is a tool started by hand, and one
        # the scripts export or run to completion is no service either: what guards a
        # deployed service (non-root, health, a lean context) does not apply.
        by_script = scripts.get(rel, Scripted())
        tool = by_compose.tool or (by_script.not_shipped and not by_compose.services)
        findings += judge(
            text,
            rel,
            healthcheck=not tool and _asks_health(p.healthcheck, by_compose),
            root_user="off" if by_compose.user or tool else p.root_user,
        )
        wanted = p.dockerignore and not tool
        missing = dockerignore(ctx.files, rel, text) if wanted else None
        if missing is not None:
            findings.append(missing)
    label = files_label(matches, "Dockerfile")
    ok = f"{label}: pinned bases, no secrets, non-root USER, HEALTHCHECK"
    return judged(findings, label, ok, {"files": matches[:100]})


def _asks_health(wanted: bool | str, by_compose: Built) -> bool:
    """Whether the image's own HEALTHCHECK matters: not when compose checks the service
    itself, runs it only as a tool, or (`compose`) when no compose file runs it at all."""
    if wanted is False or by_compose.healthcheck or by_compose.tool:
        return False
    return wanted is True or by_compose.services > 0


PROBE = Probe(
    "dockerfile",
    DockerfileParams,
    in_thread(_check),
    ProbeDoc(
        summary="Every matching Dockerfile, every stage: pinned base images, no secret in "
        "ENV/ARG, no ADD of an unchecked URL; the final stage runs as a non-root USER and "
        "has a HEALTHCHECK (a warning); the build context has a .dockerignore (a warning).",
        why="A container running as root widens every exploit; `latest` changes under you; "
        "without HEALTHCHECK the orchestrator cannot tell a hung service from a live one.",
        example="{id: image, kind: dockerfile, file: '**/Dockerfile'}",
        remediation="Add `USER app` (after creating the user) in the final stage, pin "
        "`FROM python:3.12-slim@sha256:…`, and add `HEALTHCHECK CMD …`.",
    ),
    rules=RULES,
)
