"""`compose`: no secret committed in docker-compose files, required secrets use
`${VAR:?msg}`, images are pinned; every compose file in the tree, each judged on its own.

Values are read the way docker compose reads them (`gonogo.probes.composerules`):
mapping and list `environment`, anchors and merge keys, `env_file` files, build args,
`command`/`entrypoint`/`healthcheck`, top-level `secrets:`, and `${…}` interpolation
with the `.env` file compose reads beside the compose file.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import Any

from pydantic import Field

from gonogo.models import Finding, Outcome, Status, errored, failed
from gonogo.probes import composerules as cr
from gonogo.probes import composevars as cv
from gonogo.probes import ownimages
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, RelPath, in_thread
from gonogo.probes.composebuilds import COMPOSE_GLOB
from gonogo.probes.composeroles import not_deployed, project_folders
from gonogo.probes.dockerscripts import built_tags
from gonogo.probes.outcomes import files_label, judged
from gonogo.probes.secretnames import is_real_value, is_secret_name
from gonogo.probes.templates import template_reason, templates_note
from gonogo.rules import Rule
from gonogo.yamlread import YamlError, load

DEFAULT_GLOB = COMPOSE_GLOB
MAX_BYTES = 4 * 1024 * 1024
_COMPOSE_TAGS = re.compile(r"!(reset|override)\b")  # compose's own merge tags


class ComposeParams(Params):
    file: RelPath | None = Field(
        None, description=f"glob of compose files (default {DEFAULT_GLOB})"
    )
    exclude: list[str] = Field(default_factory=list, description="globs of files to leave out")
    secrets: bool = Field(True, description="look for committed and optional secrets")
    images: bool = Field(True, description="look for unpinned images")
    undeployed: bool = Field(
        True,
        description="also judge compose files that are never deployed: test harnesses (a "
        "`sut` service) and the development stack beside a standalone production file",
    )


class _Run:
    """One check's state: env files already read are not reported twice."""

    def __init__(self, p: ComposeParams, ctx: Context) -> None:
        self.p = p
        self.ctx = ctx
        self.seen: set[tuple[str, str, int | None]] = set()
        self.current = ""
        self.modules: frozenset[str] | None = None  # the tree's own modules, read once
        self.built: frozenset[str] = frozenset()  # and the images its scripts build

    def findings(self, cf: cr.ComposeFile) -> list[Finding]:
        self.current = cf.rel
        out: list[Finding] = []
        for svc, body in cr.services(cf):
            if self.p.secrets:
                out += self._secrets(cf, svc, body)
            image = body.get("image")
            if self.p.images and isinstance(image, str) and "build" not in body:
                hit = cr.judge_image(cf, image)
                if hit is not None and not self._own(image):
                    out.append(cr.to_finding(cf, hit, ("services", svc, "image"), f"{svc}: ", svc))
        if self.p.secrets:
            out += self._secrets_section(cf)
        return self._once(out)

    def _own(self, image: str) -> bool:
        """An image the tree's own build makes: named after one of its modules
        (`gonogo.probes.ownimages`), or built under that name by one of its scripts."""
        if self.modules is None:
            self.modules = ownimages.modules(self.ctx.files)
            self.built = built_tags(self.ctx.files)
        name = image.strip()
        return ownimages.is_own(name, self.modules) or any(
            fnmatch.fnmatchcase(name, tag) or fnmatch.fnmatchcase(f"{name}:latest", tag)
            for tag in self.built
        )

    def _secrets(self, cf: cr.ComposeFile, svc: str, body: dict[str, Any]) -> list[Finding]:
        out = []
        for section, values in _variables(body):
            for name, value, sub in cr.environment(values):
                hit = cr.judge_variable(cf, name, value)
                if hit is not None:
                    where = ("services", svc, *section, *sub)
                    out.append(cr.to_finding(cf, hit, where, f"{svc}: ", f"{svc}.{name}"))
        for section, value in _commands(body):
            hit = cr.judge_command(cf, cr.command_tokens(value))
            if hit is not None:
                where = ("services", svc, *section)
                prefix = f"{svc}: {section[0]}: "
                out.append(cr.to_finding(cf, hit, where, prefix, f"{svc}.{section[0]}"))
        for rel in cr.env_file_paths(cf, body):
            out += self._env_file(rel)
        return out

    def _env_file(self, rel: str) -> list[Finding]:
        if not self.ctx.files.in_listing(rel) or ("env_file", rel, None) in self.seen:
            return []
        self.seen.add(("env_file", rel, None))
        out = []
        for line in cv.read_env_file(self.ctx.files.read_text(rel, MAX_BYTES)):
            hit = cr.url_password(line.value)
            if hit is None and is_secret_name(line.key):
                text = line.value
                if not cv.refs(cv.parse(text)) and is_real_value(text, line.key):
                    hit = cr.Hit(
                        "compose.hardcoded-secret",
                        f"{line.key} is set in the committed env file ({len(text)} chars): "
                        "anyone who can read the repository has it",
                    )
            if hit is not None:
                out.append(Finding(hit.rule, hit.message, rel, line.line, key=line.key))
        return out

    def _secrets_section(self, cf: cr.ComposeFile) -> list[Finding]:
        """Top-level `secrets:` with inline `content`, or read from a committed `file`."""
        section = cf.doc.data.get("secrets")
        out = []
        for name, body in section.items() if isinstance(section, dict) else ():
            hit: cr.Hit | None = None
            where: cr.YamlPath = ("secrets", name)
            if isinstance(body, dict) and isinstance(body.get("content"), str):
                hit = cr.judge_secret(cf, f"secret {name}", cv.parse(body["content"]))
                where = ("secrets", name, "content")
            elif isinstance(body, dict) and isinstance(body.get("file"), str):
                hit = self._committed_secret_file(cf, str(name), body["file"])
                where = ("secrets", name, "file")
            if hit is not None:
                out.append(cr.to_finding(cf, hit, where, "", f"secrets.{name}"))
        return out

    def _committed_secret_file(self, cf: cr.ComposeFile, name: str, path: str) -> cr.Hit | None:
        rel = posixpath.normpath(posixpath.join(cf.folder, path))
        st = self.ctx.files.stat(rel) if self.ctx.files.in_listing(rel) else None
        if st is None or st.st_size == 0:
            return None
        return cr.Hit(
            "compose.hardcoded-secret",
            f"secret {name} is read from {rel}, which is committed: the secret is in the "
            "repository",
        )

    def _once(self, found: list[Finding]) -> list[Finding]:
        """A value of another file (the `.env`) read by several services is one finding."""
        out = []
        for f in found:
            mark = (f.rule, f.path or "", f.line)
            if mark in self.seen:
                continue
            if f.path != self.current:
                self.seen.add(mark)
            out.append(f)
        return out


def _variables(body: dict[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = [(("environment",), body.get("environment"))]
    build = body.get("build")
    if isinstance(build, dict):
        out.append((("build", "args"), build.get("args")))
    return out


def _commands(body: dict[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = [
        ((key,), body[key]) for key in ("command", "entrypoint") if body.get(key) is not None
    ]
    health = body.get("healthcheck")
    if isinstance(health, dict) and health.get("test") is not None:
        out.append((("healthcheck", "test"), health["test"]))
    return out


def _load(ctx: Context, rel: str) -> tuple[cr.ComposeFile | None, str]:
    """The parsed compose file, or None and why it could not be read."""
    try:
        data = ctx.files.read_bytes(rel, MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return None, f"{rel}: larger than {MAX_BYTES:,} bytes"
        text = data.decode("utf-8-sig", errors="replace")
        doc = load(_COMPOSE_TAGS.sub("", text), max_bytes=MAX_BYTES)
    except YamlError as exc:
        return None, f"{rel}:{exc.line}: {exc.message}" if exc.line else f"{rel}: {exc.message}"
    except OSError as exc:
        return None, f"{rel}: cannot be read: {exc.strerror or exc}"
    return cr.ComposeFile(rel, doc), ""


def _with_dotenv(ctx: Context, cf: cr.ComposeFile, folder: str) -> cr.ComposeFile:
    """`cf` read from the project folder `folder`, with the `.env` compose reads there."""
    dotenv_rel = posixpath.join(folder, ".env").removeprefix("./")
    dotenv: dict[str, cv.EnvLine] = {}
    if ctx.files.in_listing(dotenv_rel):
        dotenv = {e.key: e for e in cv.read_env_file(ctx.files.read_text(dotenv_rel, MAX_BYTES))}
    project = None if folder == posixpath.dirname(cf.rel) else folder
    return cr.ComposeFile(cf.rel, cf.doc, dotenv_rel, dotenv, project)


def _check(p: ComposeParams, ctx: Context) -> Outcome:
    pattern = p.file or DEFAULT_GLOB
    matches = ctx.files.select(pattern, p.exclude)
    if not matches:
        return failed(f"no compose file matches {pattern}")
    run = _Run(p, ctx)
    findings: list[Finding] = []
    judged_files: list[str] = []
    broken: list[str] = []
    templates: list[str] = []
    parsed: list[cr.ComposeFile] = []
    for rel in matches:
        cf, problem = _load(ctx, rel)
        if cf is None and _is_template(ctx, rel):
            templates.append(rel)
        elif cf is None:
            broken.append(problem)
            findings.append(Finding("compose.invalid-yaml", problem.split(": ", 1)[-1], rel))
        elif cf.is_compose:
            parsed.append(cf)
    docs = {cf.rel: cf.doc.data for cf in parsed}
    left_out = {} if p.undeployed else not_deployed(docs)
    folders = project_folders(docs)
    parsed = [_with_dotenv(ctx, cf, folders[cf.rel]) for cf in parsed]
    for cf in parsed:
        if cf.rel not in left_out:
            judged_files.append(cf.rel)
            findings += run.findings(cf)
    if not judged_files:
        if broken:
            return errored(broken[0], evidence={"files": matches[:50]})
        if left_out:
            first, why = next(iter(left_out.items()))
            return Outcome(
                Status.SKIP,
                f"{files_label(list(left_out), 'compose file')}: none is deployed ({first} "
                f"is {why})",
                {"not_deployed": left_out},
            )
        if templates:
            return Outcome(
                Status.SKIP,
                f"{files_label(templates, 'compose file')}: only templates, judged once "
                f"rendered ({', '.join(templates[:3])})",
                {"templates": templates[:100]},
            )
        return failed(f"no file matching {pattern} is a compose file (none has `services:`)")
    label = files_label(judged_files, "compose file")
    evidence = {
        "files": judged_files[:100],
        "unreadable": broken[:20],
        "templates": templates[:100],
        "not_deployed": dict(list(left_out.items())[:50]),
    }
    ok = f"{label}: no committed secret, images pinned{templates_note(templates)}"
    return judged(findings, label, ok, evidence)


def _is_template(ctx: Context, rel: str) -> bool:
    try:
        return template_reason(rel, ctx.files.read_bytes(rel, MAX_BYTES)) is not None
    except OSError:
        return False


RULES = (
    Rule(
        "compose.hardcoded-secret",
        "A secret is written in a compose file or a file it reads",
        remediation="Remove the value, rotate it, and pass it from the environment with "
        "`${VAR:?VAR must be set}` or as a compose secret.",
        docs="A value in a committed file is readable by everyone with the repository, "
        "forever: a password in `environment`, in a URL, on a command line, in an "
        "`env_file` or in the `.env` file compose reads for `${VAR}`.",
    ),
    Rule(
        "compose.secret-default",
        "A secret falls back to an inline default",
        remediation="Use `${VAR:?VAR must be set}` so compose refuses to start without it.",
        docs="`${VAR:-value}` starts the service with the committed value whenever VAR is "
        "unset: a production deploy that forgets VAR runs with the development secret.",
    ),
    Rule(
        "compose.optional-secret",
        "A secret is blank when its variable is unset",
        severity="warning",
        remediation="Write `${VAR:?VAR must be set}` instead of `${VAR}` or `${VAR:-}`.",
        docs="Compose replaces an unset `${VAR}` with an empty string and starts anyway; "
        "many images then run with no password at all.",
    ),
    Rule(
        "compose.unpinned-image",
        "A service's image has no tag, `:latest` or a floating tag",
        remediation="Pin a version tag (`postgres:16.4`) or a digest (`@sha256:…`).",
        docs="An unpinned image is whatever the registry serves on the day of the deploy: "
        "two deploys of one commit can run different software.",
    ),
    Rule(
        "compose.invalid-yaml",
        "A compose file cannot be parsed",
        remediation="Fix the YAML at the reported line (`docker compose config` shows it too).",
        docs="Compose refuses a file it cannot parse, so nothing in it starts.",
    ),
)

PROBE = Probe(
    "compose",
    ComposeParams,
    in_thread(_check),
    ProbeDoc(
        summary="No secret committed in any docker-compose file (environment in every form, "
        "URLs, command lines, env_file, the .env compose reads, build args, secrets), "
        "required secrets use `${VAR:?message}`, and images are pinned.",
        why="The seeds found POSTGRES_PASSWORD inline in docker-compose.yml after a 'security "
        "review'; `${VAR}` silently becomes an empty password when the variable is unset.",
        example="{id: compose-env, kind: compose, file: 'deploy/**/compose*.yaml', priority: P0}",
        remediation="Replace inline values with `${VAR:?VAR must be set}` and pass them from "
        "the environment or a secrets manager; rotate any value that was committed.",
    ),
    rules=RULES,
)
