"""A labelled set of true secrets and decoys, built at test time from a seeded generator
(so no real-looking credential is committed to this repository)."""

from __future__ import annotations

import base64
import json
import random
import string

from secret_corpus import B32, crc_token

_ALNUM = string.ascii_letters + string.digits


def _tok(rng: random.Random, n: int, alphabet: str = _ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64url(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def _pem(rng: random.Random, label: str) -> str:
    body = "\n".join(_tok(rng, 64, _ALNUM + "+/") for _ in range(4))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def true_secrets(seed: int = 7) -> list[tuple[str, str, str]]:
    """(file name, content, expected kind); each content holds exactly one secret."""
    r = random.Random(seed)
    up = string.ascii_uppercase + string.digits
    jwt = ".".join(  # valid until 2100: an expired token is no credential
        (
            _b64url({"alg": "HS256", "typ": "JWT"}),
            _b64url({"sub": "u-81", "exp": 4_102_444_800}),
            _tok(r, 43),
        )
    )
    return [
        ("aws.py", f'AWS_ACCESS_KEY_ID = "AKIA{_tok(r, 16, B32)}"\n', "aws-access-key-id"),
        (
            "aws.ini",
            f"[default]\naws_secret_access_key = {_tok(r, 40, _ALNUM + '/+')}\n",
            "aws-secret-access-key",
        ),
        ("gh.sh", f"export GH_TOKEN={crc_token('ghp_')(r)}\n", "github-token"),
        ("gh2.yml", f"token: github_pat_11{_tok(r, 20, up)}_{_tok(r, 59)}\n", "github-token"),
        ("gl.toml", f'token = "glpat-{_tok(r, 20)}"\n', "gitlab-token"),
        (
            "slack.js",
            f"const t = 'xoxb-{_tok(r, 12, string.digits)}-{_tok(r, 24)}';\n",
            "slack-token",
        ),
        (
            "hook.json",
            json.dumps(
                {
                    "url": f"https://hooks.slack.com/services/T{_tok(r, 8, up)}/"
                    f"B{_tok(r, 8, up)}/{_tok(r, 24)}"
                }
            ),
            "slack-webhook",
        ),
        ("pay.rb", f"Stripe.api_key = 'sk_live_{_tok(r, 24)}'\n", "stripe-key"),
        ("maps.kt", f'val key = "AIza{_tok(r, 35, _ALNUM + "_-")}"\n', "google-api-key"),
        (
            "ai.py",
            f'client = OpenAI(api_key="sk-proj-{_tok(r, 40)}T3BlbkFJ{_tok(r, 40)}")\n',
            "openai-key",
        ),
        ("npmrc.txt", f"//registry.npmjs.org/:_authToken={crc_token('npm_')(r)}\n", "npm-token"),
        (
            "pypirc.cfg",
            f"[pypi]\npassword = pypi-AgEIcHlwaS5vcmc{_tok(r, 60, _ALNUM + '_-')}\n",
            "pypi-token",
        ),
        ("mail.go", f'k := "SG.{_tok(r, 22)}.{_tok(r, 43)}"\n', "sendgrid-key"),
        ("bot.py", f'BOT = "{_tok(r, 10, string.digits)}:AA{_tok(r, 33)}"\n', "telegram-bot-token"),
        (
            "azure.config",
            "DefaultEndpointsProtocol=https;AccountName=x;"
            f"AccountKey={_tok(r, 86, _ALNUM + '+/')}==\n",
            "azure-storage-key",
        ),
        ("id_rsa", _pem(r, "RSA PRIVATE KEY"), "private-key"),
        ("key.txt", _pem(r, "OPENSSH PRIVATE KEY"), "private-key"),
        ("auth.ts", f"const session = '{jwt}';\n", "jwt"),
        (
            "db.py",
            f'DSN = "postgresql://app:{_tok(r, 14)}@db.internal:5432/shop"\n',
            "url-password",
        ),
        ("settings.py", f'DB_PASSWORD = "Pw{_tok(r, 10)}9!"\n', "generic-secret"),
        ("app.json", json.dumps({"client_secret": _tok(r, 32)}), "generic-secret"),
        (".env.production", f"API_KEY={_tok(r, 32)}\n", "generic-secret"),
        ("config.yaml", f"database:\n  password: {_tok(r, 6)}-{_tok(r, 6)}7\n", "generic-secret"),
        (
            "docker-compose.yml",
            "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: Sup3rS3cret2024\n",
            "generic-secret",
        ),
        ("Main.java", f'String apiKey = "{_tok(r, 24)}";\n', "generic-secret"),
        ("conn.cs", f'var secret = "{_tok(r, 20, _ALNUM + "!@#")}";\n', "generic-secret"),
    ]


def decoys() -> list[tuple[str, str]]:
    """(file name, content) that a scanner must not flag."""
    return [
        ("ex.py", 'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"\n'),
        ("ex.ini", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
        ("ph.yml", "password: changeme\n"),
        ("ph2.yml", "api_key: <your-key>\n"),
        ("compose.yml", "environment:\n  DB_PASSWORD: ${DB_PASSWORD}\n  TOKEN: ${TOKEN:?set it}\n"),
        ("env.py", 'password = os.environ["DB_PASSWORD"]\ntoken = os.getenv("TOKEN")\n'),
        ("env.js", "const secret = process.env.SECRET;\n"),
        ("lock.json", '{"integrity": "sha512-' + "Ab3" * 28 + '=="}\n'),
        (
            "package-lock.json",
            '{"resolved": "x", "integrity": "sha512-Zx9Qw' + "k2Lm" * 20 + '"}\n',
        ),
        ("poetry.lock", 'content-hash = "' + "a1b2c3d4" * 8 + '"\n'),
        ("sums.txt", "sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"),
        (
            "hash.py",
            'password_hash = "$2b$12$KIXQJ4WqZrQ8pQxM0cVh0uE8Sxw8sBzQ2nZ7b3Hc1l0hYjO4w6T7e"\n',
        ),
        ("uuid.py", 'token = "3f2b8c1e-9d4a-4f6b-8e2c-1a7d5b9c0e3f"\n'),
        (
            "jwtdoc.md",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n",
        ),
        (
            "pem.py",
            'HEADER = "-----BEGIN RSA PRIVATE KEY-----"\nif text.startswith(HEADER): pass\n',
        ),
        ("url.md", "Connect with `postgresql://user:password@localhost/db`.\n"),
        (
            "url2.py",
            'URL = f"redis://:{password}@cache:6379"\nDSN = "mysql://root:${DB_PASS}@db/app"\n',
        ),
        ("names.py", 'TOKEN_ENV = "GITHUB_TOKEN"\npassword_field = "password_input"\n'),
        ("kw.py", 'secret_name = "prod/db/password"\ntoken_type = "access_token"\n'),
        ("xx.yml", "token: xxxxxxxxxxxxxxxx\nsecret: '********'\n"),
        ("tmpl.yml", 'password: "{{ vault_db_password }}"\n'),
        ("code.py", "password = self.settings.DB_PASSWORD\napi_key: str = Field(...)\n"),
        ("ghdoc.md", "Use a token like `ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`.\n"),
        ("allow.py", 'API_KEY = "Zr8vQ2mX7pL4kT9w"  # gonogo: allow-secret\n'),
        ("type.ts", "let password: string = '';\nconst passwordRegex = /[A-Z]/;\n"),
        ("ver.txt", "git_sha: 4e1243bd22c66e76c2ba9eddc1f91394e57f9f83\n"),
    ]
