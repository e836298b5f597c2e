"""What a final stage's base image already decides: the user it runs as, and whether it
holds a program a HEALTHCHECK could run. Facts about published images, kept as data:

- images whose own build ends with a non-root `USER` (the k6 load generator, Grafana,
  Prometheus and its exporters, the OpenTelemetry collector, Keycloak, Jenkins, Elastic's
  Elasticsearch, Kibana, Logstash, Beats and Agent, …), and
  the name patterns of whole families built that way (`*nonroot*`, `*unprivileged*`,
  Bitnami, Chainguard, .NET chiseled);
- official server images whose entrypoint starts as root only to drop to the server's
  own user (postgres, mysql, redis, mongo, rabbitmq, …): a Dockerfile that keeps their
  ENTRYPOINT keeps that behaviour. nginx and httpd are not among them: their master
  process stays root (the unprivileged variants are the fix);
- images with no shell and no client (`scratch`, distroless, Chainguard static,
  chiseled): a HEALTHCHECK has nothing to run there, the orchestrator's probe does it.
"""

from __future__ import annotations

import re

from gonogo.probes.images import split

_UNPRIVILEGED_FAMILY = re.compile(
    r"nonroot|unprivileged|rootless|^bitnami/|^cgr\.dev/chainguard/|-chiseled"
)
_UNPRIVILEGED = frozenset(
    {
        "grafana/k6",
        "grafana/grafana",
        "grafana/grafana-oss",
        "grafana/grafana-enterprise",
        "grafana/loki",
        "grafana/tempo",
        "prom/prometheus",
        "prom/alertmanager",
        "prom/node-exporter",
        "prom/pushgateway",
        "prom/blackbox-exporter",
        "quay.io/prometheus/prometheus",
        "quay.io/prometheus/alertmanager",
        "quay.io/prometheus/node-exporter",
        "otel/opentelemetry-collector",
        "otel/opentelemetry-collector-contrib",
        "otel/opentelemetry-collector-k8s",
        "quay.io/keycloak/keycloak",
        "jenkins/jenkins",
        "sonarqube",
        "memcached",
        "opensearchproject/opensearch",
        "opensearchproject/opensearch-dashboards",
        "docker.elastic.co/elasticsearch/elasticsearch",
        "docker.elastic.co/kibana/kibana",
        "docker.elastic.co/logstash/logstash",
        "docker.elastic.co/beats/filebeat",
        "docker.elastic.co/beats/metricbeat",
        "docker.elastic.co/beats/heartbeat",
        "docker.elastic.co/beats/auditbeat",
        "docker.elastic.co/beats/packetbeat",
        "docker.elastic.co/elastic-agent/elastic-agent",
        "docker.elastic.co/apm/apm-server",
    }
)
_DROPS_PRIVILEGES = frozenset(
    {
        "postgres",
        "mysql",
        "mariadb",
        "redis",
        "mongo",
        "rabbitmq",
        "cassandra",
        "couchdb",
        "zookeeper",
        "elasticsearch",
    }
)
_NO_SHELL = re.compile(r"^scratch$|^gcr\.io/distroless/|^cgr\.dev/chainguard/static$")
_DOCKER_HUB = ("docker.io/library/", "index.docker.io/library/", "library/", "docker.io/")


def repository(image: str) -> str:
    """The repository of an image reference as Docker Hub names it: no tag, no digest,
    no `docker.io/library/` prefix (`docker.io/library/nginx:1.27` is `nginx`)."""
    repo, _, _ = split(image.strip().lower())
    for prefix in _DOCKER_HUB:
        if repo.startswith(prefix):
            return repo[len(prefix) :]
    return repo


def runs_unprivileged(image: str) -> bool:
    """The image's own build ends with a non-root USER."""
    repo, tag, _ = split(image.strip().lower())
    return bool(_UNPRIVILEGED_FAMILY.search(f"{repo}:{tag}")) or repository(image) in _UNPRIVILEGED


def drops_privileges(image: str) -> bool:
    """An official server image whose entrypoint runs the server as its own user."""
    return repository(image) in _DROPS_PRIVILEGES


def has_no_shell(image: str) -> bool:
    """Nothing in the image could run a HEALTHCHECK command."""
    tag = split(image.strip().lower())[1]
    if "debug" in tag:
        return False  # distroless :debug images carry a busybox shell
    return bool(_NO_SHELL.search(repository(image))) or "chiseled" in tag
