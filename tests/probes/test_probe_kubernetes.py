"""`kubernetes`: every container image of every workload in every manifest, each finding
at the image's line; images the deploy tool or a template sets are not the manifest's."""

from __future__ import annotations

from pathlib import Path

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.kubernetes import PROBE
from repo_helpers import write

STACK = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: busybox:latest
      containers:
        - name: web
          image: nginx
        - name: cache
          image: redis:7.4.1
        - name: app
          image: frontend
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: dump
              image: postgres:16-alpine
            - name: upload
              image: amazon/aws-cli
"""


def _found(out) -> list[tuple[str, str | None, int | None, str]]:
    return [(f.rule, f.path, f.line, f.severity) for f in out.findings]


def test_every_workload_and_container_is_judged(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "deploy/stack.yaml": STACK,
            "deploy/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
            "  containers:\n    - {name: p, image: '${IMAGE}'}\n",
            "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n"
            "  artifacts:\n    - image: frontend\n      context: src/frontend\n",
            "values.yaml": "image: {repository: nginx, tag: latest}\n",  # not a manifest
        },
    )
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.FAIL
    assert _found(out) == [
        ("kubernetes.unpinned-image", "deploy/stack.yaml", 15, "error"),
        ("kubernetes.unpinned-image", "deploy/stack.yaml", 18, "error"),
        ("kubernetes.unpinned-image", "deploy/stack.yaml", 36, "error"),
    ]
    assert out.findings[0].message == (
        "Deployment web, container migrate: image busybox:latest uses :latest, which changes "
        "with every release: rollouts are not reproducible"
    )
    assert out.evidence["files"] == ["deploy/pod.yaml", "deploy/stack.yaml"]


def test_kustomize_and_helm_set_images_at_deploy_time(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
            "spec:\n  template:\n    spec:\n      containers:\n        - {name: web, image: web}\n"
            "        - {name: proxy, image: 'envoyproxy/envoy:{{ .Values.envoy.tag }}'}\n",
            "base/kustomization.yaml": "resources: [web.yaml]\nimages:\n"
            "  - name: web\n    newTag: 1.4.2\n",
            "chart/templates/job.yaml": "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n"
            "    spec:\n      containers:\n        {{- range .Values.jobs }}\n"
            "        - image: {{ .image }}\n        {{- end }}\n",
        },
    )
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.PASS, out.message
    assert out.message == "base/web.yaml: every image pinned"
    assert out.evidence["templates"] == ["chart/templates/job.yaml"]


def test_only_templates_is_skip_and_no_workload_fails(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "chart/templates/deploy.yaml": "kind: Deployment\nspec:\n  template:\n    spec:\n"
            '      containers:\n      {{- include "containers" . | nindent 8 }}\n',
            "config.yaml": "kind: Config\nname: x\n",
        },
    )
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.SKIP
    assert out.message == "chart/templates/deploy.yaml: only templates, judged once rendered"
    (tmp_path / "chart/templates/deploy.yaml").unlink()
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.FAIL
    assert out.message == "no Kubernetes workload in the files matching **/*.{yaml,yml}"
