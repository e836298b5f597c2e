"""What the secrets scanner flags and what it leaves alone, one behaviour per row, with
exact kind, line, length and severity."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import pytest

from gonogo.fs.index import FileIndex
from gonogo.models import Status
from gonogo.probes.base import Context
from gonogo.probes.secrets import PROBE, SecretsParams
from gonogo.secrets.fingerprint import fingerprint
from gonogo.secrets.scan import scan_data
from gonogo.secrets.tree import finding
from gonogo.secrets.values import crc32_token_ok
from secret_corpus import POSITIVE, bad_crc_token, crc_token

R = random.Random(5)
GHP = crc_token("ghp_")(R)
NPM = crc_token("npm_")(R)
RSA = POSITIVE["rsa_key"][1](R)
RSA_ENC = POSITIVE["rsa_enc"][1](R)
SSH = POSITIVE["openssh_key"][1](R)
SSH_ENC = POSITIVE["openssh_enc"][1](R)
PW = "Harbor4821!xQz"


def kinds(text: str, path: str = "app/config.yaml") -> list[tuple[str, int, int, str]]:
    return [(h.kind, h.line, h.length, h.severity) for h in scan_data(text.encode(), path)]


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("docker-compose.yml", f"x:\n  DB_PASSWORD: {PW}\n", [("generic-secret", 2, 14, "error")]),
        (".env", f"export API_TOKEN={PW}\n", [("generic-secret", 1, 14, "error")]),
        ("Makefile", f"TOKEN := {PW}\n", [("generic-secret", 1, 14, "error")]),
        ("a.py", f"client(password='{PW}')\n", [("generic-secret", 1, 14, "error")]),
        ("a.php", f"define('DB_PASSWORD', '{PW}');\n", [("generic-secret", 1, 14, "error")]),
        ("a.sql", f"ALTER USER x IDENTIFIED BY '{PW}';\n", [("generic-secret", 1, 14, "error")]),
        ("a.sql", f"CREATE ROLE x LOGIN PASSWORD '{PW}';\n", [("generic-secret", 1, 14, "error")]),
        (
            "s.xml",
            f"<server><password>{PW}</password></server>\n",
            [("generic-secret", 1, 14, "error")],
        ),
        (
            "w.config",
            f'<add key="DbPassword" value="{PW}" />\n',
            [("generic-secret", 1, 14, "error")],
        ),
        ("k.yaml", f"- name: API_SECRET\n  value: {PW}\n", [("generic-secret", 2, 14, "error")]),
        (
            "t.json",
            f'{{"name": "DB_PASS", "value": "{PW}"}}\n',
            [("generic-secret", 1, 14, "error")],
        ),
        ("x.tf", f'master_password = "{PW}"\n', [("generic-secret", 1, 14, "error")]),
        ("a.py", f'URL = "postgres://app:{PW}@db:5432/x"\n', [("url-password", 1, 14, "error")]),
        ("a.py", f'URL = "redis://:{PW}@cache:6379"\n', [("url-password", 1, 14, "error")]),
        (
            "a.properties",
            f"url=jdbc:mysql://db/app?user=u&password={PW}&ssl=true\n",
            [("connection-string-password", 1, 14, "error")],
        ),
        (
            "a.cs",
            f'var c = "Server=db;User Id=sa;Password={PW};Encrypt=True";\n',
            [("connection-string-password", 1, 14, "error")],
        ),
        (".netrc", f"machine x login y password {PW}\n", [("netrc-password", 1, 14, "error")]),
        (".htpasswd", f"admin:{PW}\n", [("htpasswd-password", 1, 14, "error")]),
        ("a.sh", f"export GH_TOKEN={GHP}\n", [("github-token", 1, 40, "error")]),
        (".npmrc", f"//registry.npmjs.org/:_authToken={NPM}\n", [("npm-token", 1, 40, "error")]),
        ("id_rsa", RSA, [("private-key", 1, 64, "error")]),
        ("id_ed25519", SSH, [("private-key", 1, 70, "error")]),
        ("legacy.key", RSA_ENC, [("encrypted-private-key", 1, 64, "warning")]),
        ("ci_key", SSH_ENC, [("encrypted-private-key", 1, 70, "warning")]),
        (
            "two.pem",
            f"{RSA}\n{RSA}\n",
            [("private-key", 1, 64, "error"), ("private-key", RSA.count("\n") + 2, 64, "error")],
        ),
        ("tests/test_app.py", f"TOKEN = '{GHP}'\n", [("github-token", 1, 40, "warning")]),
        (
            "a.properties",
            f"db.password=${{DB_PASSWORD:{PW}}}\n",
            [("generic-secret", 1, 14, "error")],
        ),
        (
            "docker-compose.yml",
            f"e:\n  TOKEN: ${{TOKEN:-{PW}}}\n",
            [("generic-secret", 2, 14, "error")],
        ),
        # beyond ASCII, a value with more than letters is still a password (14 bytes)
        (
            "docker-compose.yml",
            "e:\n  DB_PASSWORD: Contraseña42!\n",
            [("generic-secret", 2, 14, "error")],
        ),
        (
            "docker-compose.yml",
            "e:\n  DB_PASSWORD: Contraseña.\n",
            [("generic-secret", 2, 12, "error")],
        ),
        (".env", "API_KEY=setQ7xK9pLmN2vB\n", [("generic-secret", 1, 15, "error")]),
    ],
)
def test_flagged(path: str, text: str, expected: list[tuple[str, int, int, str]]) -> None:
    assert kinds(text, path) == expected


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("docker-compose.yml", "e:\n  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?Variable not set}\n"),
        ("docker-compose.yml", "e:\n  - DB_PASSWORD=${DB_PASSWORD:-}\n  - TOKEN=$TOKEN\n"),
        ("k.yaml", "password: {{ .Values.password | quote }}\ntoken: '{{ vault_token }}'\n"),
        ("a.ini", "password = %(DB_PASSWORD)s\nsecret = #{Secret}#\n"),
        ("k.yaml", "password: ENC[AES256_GCM,data:aGVsbG8=,iv:abc,tag:def,type:str]\n"),
        ("k.yaml", "DB_PASSWORD: vault:secret/data/db#password\nPASSWORD_FILE: /run/secrets/db\n"),
        ("a.yml", "password: '{cipher}AQA1b2c3d4e5f6g7h8'\n"),
        ("a.tf", 'secret_id = "arn:aws:secretsmanager:eu-west-1:1:secret:x-AbCd"\n'),
        ("a.yml", "password: changeme\napi_key: <your-api-key>\ntoken: xxxxxxxxxxxx\n"),
        ("a.py", 'PASSWORD = "dummy-password"\nSECRET = "redacted"\nTOKEN = "aaaaaaaaaaaa"\n'),
        ("a.py", 'API_KEY = "12345678abcdefgh"\n'),
        ("a.env", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"),
        ("a.env", "STRIPE_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc\n"),
        ("a.py", 'HASH = "$2b$12$KIXQJ4WqZrQ8pQxM0cVh0uE8Sxw8sBzQ2nZ7b3Hc1l0hYjO4w6T7e"\n'),
        ("a.yml", "password: $argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo\n"),
        ("a.yml", "password: pbkdf2_sha256$870000$abc$ZGlnZXN0\n"),
        ("a.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3b5Q2 deploy@ci\n"),
        ("a.py", 'token = "3f2b8c1e-9d4a-4f6b-8e2c-1a7d5b9c0e3f"\n'),
        (
            "a.yml",
            "checksum/secret: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n",
        ),
        ("a.sh", f"export GH_TOKEN={bad_crc_token('ghp_')(R)}\n"),
        ("a.py", 'PEM = "-----BEGIN RSA PRIVATE KEY-----"\n'),
        ("a.py", f'API_KEY = "{GHP}"  # gonogo: allow\n'),
        ("a.go", f'key := "{GHP}" // gitleaks:allow\n'),
        ("a.py", f'key = "{GHP}"  # pragma: allowlist secret\n'),
        ("a.py", f'# pragma: allowlist nextline secret\nkey = "{GHP}"\n'),
        (
            "t.yaml",
            'password: {{ include "x.passwords.manage" (dict "secret" "app" "key" "pw") }}\n',
        ),
        ("crd.yaml", "description: Kind of the referent ('Secret', 'ConfigMap').\n"),
        ("Chart.yaml", "image: docker.io/acme/default-credential-updater:1.0.8-debian-12-r0\n"),
        ("values.yaml", "initialClusterToken: etcd-cluster-k8s\nsecret: custom-CA\n"),
        ("values.yaml", "passwords: pass01;pass02\nadminPasswordMtime: 2006-01-02T15:04:05Z\n"),
        (
            "values.yaml",
            "htpasswd: registry_user:$2y$10$9L4Tc0DJbFFMB6RdSCunrOpTHdwhid4ktBJmLD00bY\n",
        ),
        ("k.yaml", '- name: "Cookie"\n  value: "shop_session-id=x-readiness-probe"\n'),
        ("k.yaml", "- name: EXTRA_AUTH_FLAGS\n  value: --insecure-skip-tls-verify\n"),
        ("k.yaml", "node.session.auth.username_in: bXVzZXIy\n"),
        ("charts/milvus/job.yaml", "password='Milvus',\n"),
        (
            "README.md",
            "-----BEGIN RSA PRIVATE KEY-----\n"
            "MIIEogIBAAKCAQEAvLYcyu8f3skuRyUgeeNpeDvYBCDcgq+LsWap6zbX5f8oLqp4\n...\n",
        ),
        ("a.env", "DB_PASSWORD=${DB_PASSWORD:-}\nAPI_KEY=${API_KEY:?required}\n"),
        # an instruction in words is a placeholder (a deploy example's .env)
        (".env", "RUNNERS_AUTH_TOKEN=changeRunnerAuthToken\nENCRYPTION_KEY=setYourEncryptionKey\n"),
        # translations: the word for "password" in another script is no credential
        ("intl/es-ES.json", '{"password": "Contraseña", "new-password": "Nueva-contraseña"}\n'),
        ("intl/ja-JP.json", '{"current-password": "現在のパスワード"}\n'),
        ("locale/ru.yml", "ru:\n  password: Пароль\n  token: Токен\n"),
        ("intl/hi-IN.json", '{"password": "पासवर्ड"}\n'),
        ("intl/ja-JP.json", '{"bad-password": "ユーザー名またはパスワードが間違っています。"}\n'),
        ("intl/km-KH.json", '{"password": "ពាក្យសម្ងាត់\u200b"}\n'),
        ("intl/th-TH.json", '{"bad-password": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง."}\n'),
    ],
)
def test_not_flagged(path: str, text: str) -> None:
    assert kinds(text, path) == []


def test_github_and_npm_checksums() -> None:
    assert crc32_token_ok(GHP.encode()) and crc32_token_ok(NPM.encode())
    assert not crc32_token_ok(b"ghp_" + b"x" * 36)
    assert not crc32_token_ok(bad_crc_token("npm_")(R).encode())


def test_messages_say_where_a_secret_sits_and_never_show_it() -> None:
    for path, note in [
        (".env.example", "in an example file (a warning: make sure it is not a real credential)"),
        ("docs/setup.md", "in documentation (a warning: make sure it is not a real credential)"),
        ("pkg/fixtures/t.json", "in a test file (a warning: real credentials in tests leak too)"),
    ]:
        [hit] = scan_data(f"GITHUB_TOKEN={GHP}\n".encode(), path)
        f = finding(hit)
        assert f.message == f"GitHub token ghp_… (40 chars) {note}"
        assert (f.severity, GHP[4:] in f.message) == ("warning", False)


def test_fingerprints_are_keyed_stable_across_lines_and_never_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = scan_data(f"x = 1\nTOKEN = '{GHP}'\n".encode(), "a.py")[0]
    b = scan_data(f"TOKEN = '{GHP}'\n".encode(), "a.py")[0]
    other = scan_data(f"TOKEN = '{GHP}'\n".encode(), "b.py")[0]
    assert (a.line, b.line) == (2, 1)
    assert a.fingerprint == b.fingerprint != other.fingerprint
    assert a.fingerprint == fingerprint("github-token", "a.py", GHP.encode())
    assert finding(a).key == a.fingerprint and GHP not in json.dumps(finding(a).to_dict())


def test_the_limit_of_findings_is_configurable_and_says_when_it_was_hit(make_repo, cli) -> None:
    lines = "".join(f"TOKEN_{i} = '{crc_token('ghp_')(R)}'\n" for i in range(5))
    root = make_repo({"a.py": lines})
    ctx = Context(root, FileIndex(root), environ={})
    outcome = asyncio.run(PROBE.run(SecretsParams.model_validate({"max_findings": 2}), ctx))
    assert outcome.status is Status.FAIL
    assert len(outcome.findings) == 2
    assert outcome.message.startswith("2 secret(s) found; 3 more not listed (max_findings: 2); ")
    assert outcome.evidence["found"] == 5
    out = json.loads(cli("secrets", str(root), "--format", "json", "--max-findings", "3").stdout)
    assert (out["total"], out["listed"], out["max_findings"]) == (5, 3, 3)
    text = cli("secrets", str(root), "--max-findings", "3")
    assert text.code == 1
    assert (
        text.stdout.splitlines()[-1] == "5 secret(s) in 1 file(s); 2 not listed (--max-findings 3)"
    )


def test_warnings_alone_pass_the_check(make_repo) -> None:
    root = make_repo({"tests/fixtures/key.pem": RSA, "src/ok.py": "x = 1\n"})
    ctx = Context(root, FileIndex(root), environ={})
    outcome = asyncio.run(PROBE.run(SecretsParams(), ctx))
    assert outcome.status is Status.PASS
    assert outcome.message == "no unreviewed secret in 2 file(s); 1 warning(s)"
    assert [(f.rule, f.path, f.line, f.severity) for f in outcome.findings] == [
        ("secrets.private-key", "tests/fixtures/key.pem", 1, "warning")
    ]


def test_corpus_files_cover_25_types(tmp_path: Path) -> None:
    from secret_corpus import render

    names = {Path(rel).name for rel in render(["tuned", "heldout"]).files}
    types = {n if "." not in n.lstrip(".") else Path(n).suffix for n in names}
    assert len(types) >= 25
