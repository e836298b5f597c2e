from __future__ import annotations

from pathlib import Path

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.compose import PROBE

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


def test_every_compose_form_is_judged(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / ".env.api").write_text("# api\nSTRIPE_API_KEY=sk9-abcDEF123456\nDEBUG=0\n")
    out = run_probe(PROBE, tmp_path)
    assert out.status is Status.FAIL
    got = sorted((f.rule, f.path, f.line, f.message.split(" ")[0:2][-1]) for f in out.findings)
    assert got == [
        ("compose.hardcoded-secret", ".env.api", 2, "is"),
        ("compose.hardcoded-secret", "docker-compose.yml", 3, "REDIS_PASSWORD"),
        ("compose.hardcoded-secret", "docker-compose.yml", 9, "POSTGRES_PASSWORD"),
        ("compose.hardcoded-secret", "docker-compose.yml", 32, "inline"),
        ("compose.optional-secret", "docker-compose.yml", 16, "API_TOKEN"),
        ("compose.secret-default", "docker-compose.yml", 17, "JWT_SECRET"),
    ]
    text = " ".join(f.message for f in out.findings) + out.message
    for value in ("Sup3rS3cret", "r3dis-Pw-2024", "devsecret123", "hunter2-for-real", "sk9-abc"):
        assert value not in text


def test_clean_compose_passes(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    environment:\n"
        "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}\n"
    )
    assert run_probe(PROBE, tmp_path).status is Status.PASS


def test_malformed_yaml_is_an_error_with_the_line(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n  db:\n    image: [unclosed\n  x: 1\n")
    out = run_probe(PROBE, tmp_path, file="docker-compose.yml")
    assert out.status is Status.ERROR
    assert out.message.startswith("docker-compose.yml:4:")


def test_missing_file_fails(tmp_path: Path) -> None:
    assert run_probe(PROBE, tmp_path).status is Status.FAIL
