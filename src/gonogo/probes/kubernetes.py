"""`kubernetes`: the images Kubernetes manifests run are pinned. Every manifest in the
glob, every document of a multi-document file, every workload kind (Deployment,
StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod), every container, init container
and ephemeral container, each finding at the image's line.

An image is set at deploy time, not by the manifest, when it holds a template or a
variable (`{{ .Values.image }}`, `${IMAGE}`), when skaffold builds it (an artifact of a
`skaffold.yaml`: skaffold writes the tag it built), or when a `kustomization.yaml`
replaces its tag or digest (`images: [{name: web, newTag: 1.4.2}]`). A Helm template
that is not YAML until rendered is left out and counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from gonogo.fs.index import FileIndex
from gonogo.models import Finding, Outcome, Status, failed
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, RelPath, in_thread
from gonogo.probes.images import split, unpinned
from gonogo.probes.outcomes import files_label, judged
from gonogo.probes.templates import template_reason
from gonogo.rules import Rule
from gonogo.yamlread import Located, YamlError, load_all

DEFAULT_GLOB = "**/*.{yaml,yml}"
MAX_BYTES = 2 * 1024 * 1024
WORKLOADS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
)
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
YamlPath = tuple[str | int, ...]


class KubernetesParams(Params):
    file: RelPath = Field(DEFAULT_GLOB, description="glob of manifests")
    exclude: list[str] = Field(default_factory=list, description="globs of files to leave out")


def pod_spec(doc: dict[str, Any]) -> YamlPath | None:
    """Where a workload keeps its pod spec; None for other kinds."""
    kind = doc.get("kind")
    if kind not in WORKLOADS or "apiVersion" not in doc:
        return None
    if kind == "Pod":
        return ("spec",)
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template", "spec")
    return ("spec", "template", "spec")


def containers(doc: dict[str, Any], spec: YamlPath) -> Iterator[tuple[YamlPath, dict[str, Any]]]:
    node: Any = doc
    for key in spec:
        node = node.get(key) if isinstance(node, dict) else None
    for section in _CONTAINER_LISTS:
        items = node.get(section) if isinstance(node, dict) else None
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                yield (*spec, section, i), item


def deploy_time_images(files: FileIndex) -> set[str]:
    """Image names whose tag skaffold or kustomize sets when they deploy."""
    out: set[str] = set()
    for rel in files.glob("**/{skaffold,kustomization}.{yaml,yml}")[:200]:
        try:
            docs = load_all(files.read_bytes(rel, MAX_BYTES), max_bytes=MAX_BYTES)
        except (YamlError, OSError):
            continue
        for doc in docs:
            data = doc.data if isinstance(doc.data, dict) else {}
            build = data.get("build") if isinstance(data.get("build"), dict) else {}
            artifacts = build.get("artifacts") if isinstance(build, dict) else None
            for item in artifacts if isinstance(artifacts, list) else []:
                if isinstance(item, dict) and isinstance(item.get("image"), str):
                    out.add(item["image"])
            images = data.get("images")
            for item in images if isinstance(images, list) else []:
                if isinstance(item, dict) and any(k in item for k in ("newTag", "digest")):
                    out.add(str(item.get("name", "")))
    return out


def _set_later(image: str, deployed: set[str]) -> bool:
    if any(mark in image for mark in ("{{", "${", "$(")):
        return True
    return split(image)[0] in deployed or image in deployed


class _Run:
    def __init__(self, ctx: Context) -> None:
        self.files = ctx.files
        self.deployed = deploy_time_images(ctx.files)
        self.workloads: list[str] = []
        self.templates: list[str] = []

    def file(self, rel: str) -> list[Finding]:
        data = self.files.read_bytes(rel, MAX_BYTES)
        if b"kind:" not in data or len(data) > MAX_BYTES:
            return []
        try:
            docs = load_all(data, max_bytes=MAX_BYTES)
        except YamlError:
            if b"containers:" in data and template_reason(rel, data) is not None:
                self.templates.append(rel)
            return []
        out: list[Finding] = []
        for doc in docs:
            out += self._document(rel, doc)
        return out

    def _document(self, rel: str, doc: Located) -> list[Finding]:
        data = doc.data
        spec = pod_spec(data) if isinstance(data, dict) else None
        if spec is None or not isinstance(data, dict):
            return []
        if rel not in self.workloads:
            self.workloads.append(rel)
        meta = data.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        out = []
        for path, container in containers(data, spec):
            image = container.get("image")
            if not isinstance(image, str) or _set_later(image, self.deployed):
                continue
            why = unpinned(image)
            if why is not None:
                who = f"{data['kind']} {name or '?'}, container {container.get('name', '?')}"
                message = f"{who}: image {image} {why}: rollouts are not reproducible"
                line = doc.where((*path, "image"))[0]
                out.append(Finding("kubernetes.unpinned-image", message, rel, line, key=image))
        return out


def _check(p: KubernetesParams, ctx: Context) -> Outcome:
    matches = ctx.files.select(p.file, p.exclude)
    run = _Run(ctx)
    findings: list[Finding] = []
    for rel in matches:
        try:
            findings += run.file(rel)
        except OSError:
            continue
    evidence = {"files": run.workloads[:100], "templates": run.templates[:100]}
    if not run.workloads:
        if run.templates:
            label = files_label(run.templates, "template")
            return Outcome(Status.SKIP, f"{label}: only templates, judged once rendered", evidence)
        return failed(f"no Kubernetes workload in the files matching {p.file}")
    label = files_label(run.workloads, "manifest")
    return judged(findings, label, f"{label}: every image pinned", evidence)


RULES = (
    Rule(
        "kubernetes.unpinned-image",
        "A container's image has no tag, `:latest` or a floating tag",
        remediation="Pin a version tag (`redis:7.4.1`) or a digest (`@sha256:…`), or let "
        "the deploy tool set it (a kustomize `images:` entry, a skaffold artifact).",
        docs="Kubernetes pulls an unpinned image again whenever a pod is scheduled on a new "
        "node: two replicas of one rollout can run different software, and a rollback "
        "does not bring the old one back.",
    ),
)

PROBE = Probe(
    "kubernetes",
    KubernetesParams,
    in_thread(_check),
    ProbeDoc(
        summary="Every workload of every Kubernetes manifest (Deployment, StatefulSet, "
        "DaemonSet, Job, CronJob, Pod, …): each container's image is pinned, unless the "
        "deploy tool sets it (skaffold, kustomize) or a template does.",
        why="`image: redis:alpine` is whatever the registry serves when a node pulls it; "
        "a rollback to the same manifest can run newer software.",
        example="{id: k8s-images, kind: kubernetes, file: 'deploy/**/*.yaml'}",
        remediation="Pin each image to a version tag or a digest.",
    ),
    rules=RULES,
)
