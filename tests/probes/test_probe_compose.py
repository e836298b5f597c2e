"""`compose`: values as docker compose reads them, in every file of the tree, each
finding with its file, line and rule; secret values never appear in the output."""

from __future__ import annotations

from pathlib import Path

import pytest

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.compose import PROBE
from gonogo.probes.composevars import Ref, evaluate, parse, read_env_file
from repo_helpers import write

COMPOSE = """\
x-common: &common
  environment:
    REDIS_PASSWORD: r3dis-Pw-2024
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: Sup3rS3cret
      POSTGRES_DB: shop
  api:
    <<: *common
    image: shop/api:1.4
    env_file: [.env.api]
    environment:
      - API_TOKEN=${API_TOKEN}
      - JWT_SECRET=${JWT_SECRET:-devsecret123}
      - DB_PASSWORD=${DB_PASSWORD:?DB_PASSWORD must be set}
      - LOG_LEVEL=info
  cache:
    <<: *common
    image: redis:7
  worker:
    image: shop/worker:1.4
    environment:
      SECRET_KEY: changeme
      PASSWORD_FILE: /run/secrets/db
secrets:
  db:
    file: ./secrets/db.txt
  inline:
    content: hunter2-for-real
"""
SECRET_VALUES = ("Sup3rS3cret", "r3dis-Pw-2024", "devsecret123", "hunter2-for-real", "sk9-abc")


def _found(out) -> list[tuple[str, str | None, int | None, str]]:
    return [(f.rule, f.path, f.line, f.severity) for f in out.findings]


def test_every_compose_form_is_judged(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / ".env.api").write_text("# api\nSTRIPE_API_KEY=sk9-abcDEF123456\nDEBUG=0\n")
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.FAIL
    assert sorted(_found(out)) == [
        ("compose.hardcoded-secret", ".env.api", 2, "error"),
        ("compose.hardcoded-secret", "docker-compose.yml", 3, "error"),  # the anchor's line
        ("compose.hardcoded-secret", "docker-compose.yml", 9, "error"),
        ("compose.hardcoded-secret", "docker-compose.yml", 32, "error"),
        ("compose.optional-secret", "docker-compose.yml", 16, "warning"),
        ("compose.secret-default", "docker-compose.yml", 17, "error"),
    ]
    text = " ".join(f.message for f in out.findings) + out.message
    for value in SECRET_VALUES:
        assert value not in text


INTERPOLATION = """\
services:
  app:
    build: .
    image: shop/app:dev
    environment:
      DATABASE_URL: postgres://shop:pl41n-Pw@db:5432/shop
      CACHE_URL: redis://cache:6379/0
      BROKER_URL: amqp://guest:${RABBIT_PASSWORD:?set it}@mq
      ADMIN_PASSWORD: ${ADMIN_PASSWORD:-}
      PAYMENT_TOKEN: $${NOT_INTERPOLATED}
      DB_USER: shop
      MYSQL_ALLOW_EMPTY_PASSWORD: "yes"
      SESSION_SECRET: ${SESSION_SECRET}
    command: ["sh", "-c", "redis-cli -a r3d1sPw ping && exec app"]
    healthcheck:
      test: ["CMD", "mysqladmin", "ping", "-pm4riaPw", "-h", "db"]
  db:
    image: postgres
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD}
    command: postgres --password=$${FROM_SHELL}
  proxy:
    image: ${REGISTRY:-docker.io}/nginx:${NGINX_TAG:-latest}
  pinned:
    image: ${REGISTRY}/tool:1.2
  digest:
    image: alpine@sha256:0123456789abcdef
"""


def test_interpolation_urls_commands_and_images(tmp_path: Path) -> None:
    write(
        tmp_path, {"deploy/compose.yaml": INTERPOLATION, "deploy/.env": "DB_PASSWORD=pgR3al-Pw\n"}
    )
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.FAIL
    assert _found(out) == [
        ("compose.hardcoded-secret", "deploy/.env", 1, "error"),  # read for ${DB_PASSWORD}
        ("compose.hardcoded-secret", "deploy/compose.yaml", 6, "error"),  # URL password
        ("compose.hardcoded-secret", "deploy/compose.yaml", 14, "error"),  # redis-cli -a
        ("compose.hardcoded-secret", "deploy/compose.yaml", 16, "error"),  # mysqladmin -p…
        ("compose.unpinned-image", "deploy/compose.yaml", 18, "error"),  # untagged
        ("compose.unpinned-image", "deploy/compose.yaml", 23, "error"),  # :latest by default
        ("compose.optional-secret", "deploy/compose.yaml", 9, "warning"),  # ${VAR:-}
        ("compose.optional-secret", "deploy/compose.yaml", 13, "warning"),  # ${VAR}
    ]
    messages = {f.line: f.message for f in out.findings}
    assert messages[23] == (
        "proxy: image docker.io/nginx:latest uses :latest, which changes with every release: "
        "deploys are not reproducible"
    )
    assert messages[1] == (
        "db: DB_PASSWORD is set in the committed deploy/.env (9 chars), and deploy/compose.yaml "
        "reads it for POSTGRES_PASSWORD"
    )
    assert messages[9] == (
        "app: ADMIN_PASSWORD is blank when ${ADMIN_PASSWORD} is unset (compose starts "
        "anyway); ${ADMIN_PASSWORD:?message} makes it required"
    )
    for value in ("pl41n-Pw", "r3d1sPw", "m4riaPw", "pgR3al-Pw"):
        assert value not in " ".join(f.message for f in out.findings)


def test_an_env_file_value_that_asks_to_be_replaced_is_no_secret(tmp_path: Path) -> None:
    """`.env` files shipped with a deploy example often say what to put in:
    `changeRunnerAuthToken`, `replace-with-key`. Words only, so no credential."""
    compose = (
        "services:\n  app:\n    image: acme/app:1.2.3\n    environment:\n"
        "      - RUNNERS_AUTH_TOKEN=${RUNNERS_AUTH_TOKEN}\n"
        "      - ENCRYPTION_KEY=${ENCRYPTION_KEY}\n      - API_KEY=${API_KEY}\n"
    )
    env = (
        "RUNNERS_AUTH_TOKEN=changeRunnerAuthToken\nENCRYPTION_KEY=replace-with-a-key\n"
        "API_KEY=setQ7xK9pLmN2vB\n"
    )
    write(tmp_path, {"compose.yaml": compose, ".env": env})
    out = run_probe(PROBE, tmp_path)
    assert _found(out) == [("compose.hardcoded-secret", ".env", 3, "error")]


WEAK_DEFAULTS = """\
services:
  grafana:
    image: grafana/grafana:11.2.0
    environment:
      - GF_SECURITY_ADMIN_USER=admin
      - GF_SECURITY_ADMIN_PASSWORD=grafana
  backend:
    image: shop/api:1.4
    environment:
      PG_PASSWORD: mysecretpassword
      DATABASE_URL: postgres://postgres:postgres@db/postgres
      APP_SECRET: replace-me-with-a-random-string
      MAIL_PASSWORD: "!!!SET MAIL_PASSWORD!!!"
      SMTP_PASSWORD: <your smtp password>
      ELASTIC_PASSWORD: changeme
  db:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: postgres
"""


def test_weak_and_product_name_passwords_are_secrets_stand_ins_are_not(
    tmp_path: Path,
) -> None:
    """The secrets scanner reads `postgres` or `grafana` in a README as a stand-in; set
    for a secret-named variable of a compose file it is the password every install runs
    with. Values that ask to be replaced are not secrets."""
    (tmp_path / "compose.yaml").write_text(WEAK_DEFAULTS)
    out = run_probe(PROBE, tmp_path, images=False)
    assert _found(out) == [
        ("compose.hardcoded-secret", "compose.yaml", 6, "error"),
        ("compose.hardcoded-secret", "compose.yaml", 10, "error"),
        ("compose.hardcoded-secret", "compose.yaml", 11, "error"),
        ("compose.hardcoded-secret", "compose.yaml", 19, "error"),
    ]
    assert out.findings[2].message == (
        "backend: a URL carries the password of 'postgres' inline (8 chars)"
    )


def test_gitignored_and_committed_files_beside_compose(make_repo) -> None:
    root = make_repo(
        {
            ".gitignore": ".env\nsecrets/\n",
            "compose.yaml": "services:\n  db:\n    image: postgres:16\n"
            "    environment:\n      POSTGRES_PASSWORD: ${PG_PASSWORD:?set it}\n"
            "    env_file: [.env]\n    secrets: [pg, api]\n"
            "secrets:\n  pg:\n    file: ./secrets/pg.txt\n  api:\n    file: ./config/api.txt\n",
            "config/api.txt": "s3cret-api-key\n",
        }
    )
    write(root, {".env": "PG_PASSWORD=notCommitted1\n", "secrets/pg.txt": "local-only\n"})
    out = run_probe(PROBE, root, secrets=True, images=False)
    assert _found(out) == [("compose.hardcoded-secret", "compose.yaml", 12, "error")]
    assert out.findings[0].message == (
        "secret api is read from config/api.txt, which is committed: the secret is in the "
        "repository"
    )


def test_every_compose_file_in_the_tree_and_only_compose_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/docker-compose.yml": "services:\n  x:\n    image: nginx:1.27\n",
            "b/compose.override.yaml": "services:\n  y:\n    image: redis:latest\n",
            "c/compose.yml": "version: 3\nname: not compose at all\n",
            "d/docker-compose.prod.yml": "services:\n  z:\n    image: [unclosed\n",
        },
    )
    out = run_probe(PROBE, tmp_path, file="**/{compose,docker-compose}*.{yml,yaml}")
    assert out.evidence["files"] == ["a/docker-compose.yml", "b/compose.override.yaml"]
    assert _found(out) == [
        ("compose.unpinned-image", "b/compose.override.yaml", 3, "error"),
        ("compose.invalid-yaml", "d/docker-compose.prod.yml", None, "error"),
    ]


def test_files_that_are_never_deployed_can_be_left_out(tmp_path: Path) -> None:
    """With `undeployed: false` (the default plan): the development stack beside a
    standalone production file and a CI harness with a `sut` service are not judged,
    and the evidence says why. A production file that only overrides (its services name
    no image or build) leaves the base file deployed."""
    write(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n"
            "    environment:\n      - POSTGRES_PASSWORD=hello_django\n",
            "docker-compose.prod.yml": "services:\n  db:\n    image: postgres:16\n"
            "    env_file: [.env.prod.db]\n",
            "build-bin/docker-compose-ui.yml": "services:\n  zipkin:\n"
            "    image: ghcr.io/openzipkin/zipkin-slim:master\n  sut:\n    image: ui:test\n",
            "stack/compose.yaml": "services:\n  db:\n    image: mysql:8.4\n"
            "    environment:\n      MYSQL_ROOT_PASSWORD: r00t-Pw-2024\n",
            "stack/compose.prod.yaml": "services:\n  db:\n    restart: always\n",
        },
    )
    out = run_probe(PROBE, tmp_path, undeployed=False)
    assert _found(out) == [("compose.hardcoded-secret", "stack/compose.yaml", 5, "error")]
    assert out.evidence["not_deployed"] == {
        "build-bin/docker-compose-ui.yml": "a test harness: its `sut` service runs the tests",
        "docker-compose.yml": "the development stack: docker-compose.prod.yml is the "
        "production one",
    }
    everything = run_probe(PROBE, tmp_path)
    assert [(f.path, f.line) for f in everything.findings] == [
        ("build-bin/docker-compose-ui.yml", 3),
        ("docker-compose.yml", 5),
        ("stack/compose.yaml", 5),
    ]
    only_dev = run_probe(PROBE, tmp_path, file="docker-compose*.yml", undeployed=False)
    assert only_dev.status is Status.PASS
    assert only_dev.evidence["files"] == ["docker-compose.prod.yml"]


def test_an_overlay_is_read_from_the_folder_of_the_file_it_is_added_to(tmp_path: Path) -> None:
    """`docker compose -f docker-compose.yml -f extensions/beat/beat-compose.yml`: the
    overlay needs services the root file defines, so compose reads the root `.env` for
    it. Overlays beside each other count together; a file whose services are defined
    nowhere above is read from its own folder."""
    write(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  elasticsearch:\n    image: es:9.5.1\n"
            "    environment:\n      ELASTIC_PASSWORD: ${ELASTIC_PASSWORD:-}\n",
            ".env": "ELASTIC_PASSWORD='changeme'\nBEAT_PASSWORD=''\n",
            "extensions/beat/beat-compose.yml": "services:\n  beat:\n    image: beat:9.5.1\n"
            "    environment:\n      BEAT_PASSWORD: ${BEAT_PASSWORD:-}\n"
            "    depends_on: [elasticsearch]\n",
            "extensions/fleet/fleet-compose.yml": "services:\n  fleet:\n    image: agent:9.5.1\n"
            "    environment:\n      ELASTICSEARCH_PASSWORD: ${ELASTIC_PASSWORD:-}\n"
            "    depends_on: [elasticsearch]\n",
            "extensions/fleet/apm-compose.yml": "services:\n  apm:\n    image: agent:9.5.1\n"
            "    environment:\n      ELASTICSEARCH_PASSWORD: ${ELASTIC_PASSWORD:-}\n"
            "      APM_TOKEN: ${APM_TOKEN}\n    depends_on: [elasticsearch, fleet]\n",
            "other/compose.yaml": "services:\n  app:\n    image: app:1.0\n"
            "    environment:\n      ELASTIC_PASSWORD: ${ELASTIC_PASSWORD:-}\n"
            "    depends_on: [queue]\n",
        },
    )
    out = run_probe(PROBE, tmp_path)
    assert _found(out) == [
        ("compose.optional-secret", "extensions/fleet/apm-compose.yml", 6, "warning"),
        ("compose.optional-secret", "other/compose.yaml", 5, "warning"),
    ]


def test_compose_merge_tags_are_read(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: app:1.0\n    ports: !reset []\n"
        "    environment: !override\n      API_KEY: k3y-Inl1ne-value\n"
    )
    out = run_probe(PROBE, tmp_path)
    assert _found(out) == [("compose.hardcoded-secret", "compose.yaml", 6, "error")]


def test_clean_compose_passes(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16.4\n    environment:\n"
        "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}\n"
        "      POSTGRES_PASSWORD_FILE: /run/secrets/db\n      POSTGRES_HOST: db\n"
    )
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.PASS
    assert out.message == "compose.yaml: no committed secret, images pinned"


def test_malformed_yaml_is_an_error_with_the_line(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  db:\n    image: [unclosed\n  x: 1\n")
    out = run_probe(PROBE, tmp_path, file="docker-compose.yml")
    assert out.status is Status.ERROR
    assert out.message.startswith("docker-compose.yml:4:")


def test_missing_file_fails(tmp_path: Path) -> None:
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.FAIL
    assert (
        out.message
        == "no compose file matches **/{{compose,docker-compose}*,*[-_.]compose}.{yml,yaml}"
    )


@pytest.mark.parametrize(
    ("text", "env", "value"),
    [
        ("${A:-x}", {}, "x"),
        ("${A:-x}", {"A": ""}, "x"),
        ("${A-x}", {"A": ""}, ""),
        ("${A:+y}", {"A": "1"}, "y"),
        ("${A+y}", {"A": ""}, "y"),
        ("${A:+y}", {"A": ""}, ""),
        ("${A:-${B:-z}}", {}, "z"),
        ("$$A-$A", {"A": "1"}, "$A-1"),
        ("${A}", {}, None),
        ("${A:?required}", {}, None),
    ],
)
def test_interpolation_follows_compose(text: str, env: dict[str, str], value: str | None) -> None:
    assert evaluate(parse(text), env) == value


def test_parse_keeps_defaults_nested_and_malformed_text_literal() -> None:
    assert parse("${A:-${B:?m}}") == (Ref("A", ":-", (Ref("B", ":?", ("m",)),)),)
    assert parse("${ x") == ("${ x",)


def test_env_files_are_read_like_compose_reads_them() -> None:
    lines = read_env_file("# c\nexport A=1\nB=\"x y\" # c\nC=val # cmt\nD='q # kept'\nbad line\n")
    assert [(e.key, e.value, e.line) for e in lines] == [
        ("A", "1", 2),
        ("B", "x y", 3),
        ("C", "val", 4),
        ("D", "q # kept", 5),
    ]
