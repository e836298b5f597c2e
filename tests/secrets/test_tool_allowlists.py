"""The allowlists of gitleaks and detect-secrets a repository commits, honoured by
`gonogo secrets` and the `secrets` check: each form, what it allows (file, line, rule),
how it is counted, what happens to what cannot be used, and the off switch."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import string
from pathlib import Path
from typing import Any

import pytest

from gonogo.fs.index import FileIndex
from gonogo.secrets import tools
from gonogo.secrets.tree import Scan, find_secrets
from repo_helpers import git
from secret_corpus import B32

_R = random.Random(20)
_ALNUM = string.ascii_letters + string.digits


def _tok(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(_R.choice(alphabet) for _ in range(n))


AWS = "AKIA" + _tok(16, B32)
AWS2 = "AKIA" + _tok(16, B32)
GOOGLE = "AIza" + _tok(35)
KEY = "Kq7Zr8vQ" + _tok(16)
ZEBRA = "Zr8vQzebra" + _tok(14)
PEM_BODY = "\n".join(_tok(64, _ALNUM + "+/") for _ in range(4))
PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----\n"


def scan(cli: Any, root: Path, *flags: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = cli("secrets", str(root), "--format", "json", *flags, env=env)
    out: dict[str, Any] = json.loads(result.stdout)
    out["code"], out["stderr"] = result.code, result.stderr.splitlines()
    out["where"] = [(f["path"], f["line"], f["rule"], f["severity"]) for f in out["findings"]]
    return out


def test_the_older_allowlist_table_allows_paths_and_says_so(make_repo, cli) -> None:
    root = make_repo(
        {
            ".gitleaks.toml": "[allowlist]\ndescription = 'rule samples'\n"
            "paths = ['''(^|/)rules/''']\n",
            "rules/aws.go": f'var sample = "{AWS}"\n',
            "src/app.py": f'# settings\nAWS_ACCESS_KEY_ID = "{AWS2}"\n',
        }
    )
    out = scan(cli, root)
    assert out["code"] == 1
    assert out["where"] == [("src/app.py", 2, "secrets.aws-access-key-id", "error")]
    assert out["allowed"] == {".gitleaks.toml [allowlist] paths": 1}
    term = cli("secrets", str(root), "-v")
    assert term.stdout.splitlines()[-1] == (
        "1 secret(s) in 2 file(s); 1 allowed by .gitleaks.toml [allowlist] paths"
    )
    assert term.stderr.splitlines() == [
        "excludes in effect: none",
        "tool allowlists:",
        "  .gitleaks.toml [allowlist] ('rule samples'): 1 paths, condition OR",
        "  not scanned: .gitleaks.toml (the tools' own files, which they skip too)",
    ]


@pytest.mark.parametrize(
    ("condition", "reported", "allowed"),
    [
        (
            "AND",
            [
                ("seed/b.py", 1, "secrets.generic-secret"),
                ("src/c.py", 1, "secrets.aws-access-key-id"),
            ],
            {".gitleaks.toml [[allowlists]] #2 regexes+paths": 1},
        ),
        (
            "OR",
            [],
            {
                ".gitleaks.toml [[allowlists]] #2 regexes": 2,
                ".gitleaks.toml [[allowlists]] #2 paths": 1,
            },
        ),
    ],
)
def test_the_condition_of_an_allowlist_joins_its_parts(
    make_repo, cli, condition: str, reported: list[tuple[str, int, str]], allowed: dict[str, int]
) -> None:
    config = (
        "[[allowlists]]\ncommits = ['0123abc']\npaths = ['''^nowhere/''']\n"
        f"[[allowlists]]\ncondition = '{condition.lower()}'\n"
        "paths = ['''^seed/''']\nregexes = ['''^AKIA''']\n"
    )
    root = make_repo(
        {
            ".gitleaks.toml": config,
            "seed/a.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\n',
            "seed/b.py": f'API_KEY = "{KEY}"\n',
            "src/c.py": f'AWS_ACCESS_KEY_ID = "{AWS2}"\n',
        }
    )
    out = scan(cli, root)
    assert [w[:3] for w in out["where"]] == reported
    assert out["allowed"] == allowed
    assert out["code"] == (1 if reported else 0)


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("", ["src/c.py"]),  # the secret: AKIA…
        ("regexTarget = 'secret'\n", ["src/c.py"]),
        ("regexTarget = 'match'\n", ["src/a.py"]),  # the key is in the detector's match
        ("regexTarget = 'line'\n", ["src/a.py", "src/b.py"]),
    ],
)
def test_regexes_search_the_secret_the_match_or_the_line(
    make_repo, cli, target: str, allowed: list[str]
) -> None:
    config = (
        f"[allowlist]\n{target}regexes = ['''^LEGACY_API''', '''rotated 20\\d\\d''', '''^AKIA''']\n"
    )
    root = make_repo(
        {
            ".gitleaks.toml": config,
            "src/a.py": f'LEGACY_API_KEY = "{KEY}"\n',
            "src/b.py": f'API_KEY = "{ZEBRA}"  # rotated 2024\n',
            "src/c.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\n',
        }
    )
    out = scan(cli, root)
    every = {"src/a.py", "src/b.py", "src/c.py"}
    assert sorted(w[0] for w in out["where"]) == sorted(every - set(allowed))
    assert sum(out["allowed"].values()) == len(allowed)
    assert set(out["allowed"]) == {".gitleaks.toml [allowlist] regexes"}


def test_stopwords_are_found_in_the_lowercased_secret(make_repo, cli) -> None:
    root = make_repo(
        {
            ".gitleaks.toml": "[allowlist]\nstopwords = ['ZEBRA']\n",
            "src/a.py": f'API_KEY = "{ZEBRA}"\n',
            "src/b.py": f'API_KEY = "{KEY}"\n',
        }
    )
    out = scan(cli, root)
    assert out["where"] == [("src/b.py", 1, "secrets.generic-secret", "error")]
    assert out["allowed"] == {".gitleaks.toml [allowlist] stopwords": 1}


def test_a_pattern_re2_refuses_is_a_warning_and_the_rest_applies(make_repo, cli) -> None:
    config = "title = 'x'\n[allowlist]\nregexes = [\n  '''(?<=x)abc''',\n  '''^AKIA''',\n]\n"
    root = make_repo({".gitleaks.toml": config, "src/c.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\n'})
    out = scan(cli, root)
    assert out["code"] == 0
    assert out["where"] == []
    assert out["allowed"] == {".gitleaks.toml [allowlist] regexes": 1}
    warning = (
        "gonogo: warning: .gitleaks.toml:4: [allowlist].regexes[0] '(?<=x)abc': invalid "
        "regular expression (invalid perl operator: (?<=): lookbehind (?<=…) is not supported; "
        "skipped"
    )
    assert out["stderr"] == [warning]
    assert out["allowlist_problems"] == [warning.removeprefix("gonogo: warning: ")]


@pytest.mark.parametrize(
    ("config", "line", "problem"),
    [
        (
            "[allowlist]\npaths = ['''rules/'''\nregexes = []\n",
            3,
            "invalid TOML (Unclosed array (at line 3, column 1)); gonogo goes on without its "
            "allowlists",
        ),
        (
            "[allowlist]\npaths = ['''rules/''']\n[[allowlists]]\npaths = ['''x/''']\n",
            1,
            "[allowlist] cannot be used beside [[allowlists]]: gitleaks refuses this "
            "configuration too; gonogo goes on without it",
        ),
        (
            "[allowlist]\ncondition = 'XOR'\npaths = ['''rules/''']\n",
            2,
            "[allowlist].condition: 'XOR' is not one of 'or', '||', 'and', '&&': gitleaks "
            "refuses this configuration too; gonogo goes on without it",
        ),
        (
            "[allowlist]\ndescription = 'nothing in it'\n",
            1,
            "[allowlist]: an allowlist needs paths, regexes, stopwords or commits: gitleaks "
            "refuses this configuration too; gonogo goes on without it",
        ),
    ],
)
def test_a_configuration_that_cannot_be_used_is_a_warning_and_allows_nothing(
    make_repo, cli, config: str, line: int, problem: str
) -> None:
    root = make_repo({".gitleaks.toml": config, "rules/aws.go": f'var s = "{AWS}"\n'})
    out = scan(cli, root)
    assert out["code"] == 1
    assert out["where"] == [("rules/aws.go", 1, "secrets.aws-access-key-id", "error")]
    assert out["allowed"] == {}
    assert out["stderr"] == [f"gonogo: warning: .gitleaks.toml:{line}: {problem}"]
    plan = "version: 1\ngates:\n  - id: g\n    checks:\n      - {id: s, kind: secrets}\n"
    (root / "gonogo.yaml").write_text(plan)
    report = cli("check", str(root), "--format", "json", "--no-history")
    assert report.code == 1
    [check] = json.loads(report.stdout)["checks"]
    assert [(f["path"], f["line"], f["rule"], f["severity"]) for f in check["findings"]] == [
        ("rules/aws.go", 1, "secrets.aws-access-key-id", "error"),
        (".gitleaks.toml", line, "secrets.tool-allowlist", "warning"),
    ]
    assert check["findings"][1]["message"] == problem


def test_gitleaksignore_file_entries_allow_that_line(make_repo, cli) -> None:
    root = make_repo(
        {
            ".gitleaksignore": "# reviewed: rule samples\nsrc/app.py:aws-access-token:2\n"
            "not an entry\n",
            "src/app.py": f'# settings\nAWS_ACCESS_KEY_ID = "{AWS}"\n',
        }
    )
    out = scan(cli, root)
    assert out["where"] == []
    assert out["allowed"] == {".gitleaksignore file:rule-id:line": 1}
    assert out["stderr"] == [
        "gonogo: warning: .gitleaksignore:3: 'not an entry': not file:rule-id:line nor "
        "commit:file:rule-id:line; skipped"
    ]
    (root / "src/app.py").write_text(f'# settings\n\nAWS_ACCESS_KEY_ID = "{AWS}"\n')
    assert scan(cli, root)["where"] == [("src/app.py", 3, "secrets.aws-access-key-id", "error")]


def test_gitleaksignore_commit_entries_follow_the_reviewed_line(make_repo, cli) -> None:
    root = make_repo({"src/app.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\nAPI_KEY = "{KEY}"\n'})
    commit = git(root, "rev-parse", "HEAD")
    ignore = f"{commit}:src/app.py:aws-access-token:1\n{'0' * 40}:src/app.py:generic-api-key:2\n"
    (root / ".gitleaksignore").write_text(ignore)
    (root / "src/app.py").write_text(
        f'import os\n\nAWS_ACCESS_KEY_ID = "{AWS}"\nAPI_KEY = "{KEY}"\n'
    )
    out = scan(cli, root, "-v")
    assert [w[:3] for w in out["where"]] == [("src/app.py", 4, "secrets.generic-secret")]
    assert out["allowed"] == {".gitleaksignore commit:file:rule-id:line": 1}
    assert out["stderr"][-3:] == [
        "  .gitleaksignore: 0 file:rule-id:line entries (matched by file and line)",
        "  .gitleaksignore: 2 commit:file:rule-id:line entries (matched by the line's text at "
        "that commit); 1 not applied (commit or file not in this clone)",
        "  not scanned: .gitleaksignore (the tools' own files, which they skip too)",
    ]
    (root / "src/app.py").write_text(f'AWS_ACCESS_KEY_ID = "{AWS2}"\n')  # a new value
    assert scan(cli, root)["where"] == [("src/app.py", 1, "secrets.aws-access-key-id", "error")]


def _baseline(results: dict[str, list[dict[str, Any]]], **more: Any) -> str:
    body = {"version": "1.5.0", "plugins_used": [], "results": results, **more}
    return json.dumps(body, indent=2)


def _sha1(value: str) -> str:
    return hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()


def test_detect_secrets_baseline_allows_reviewed_values_not_confirmed_ones(make_repo, cli) -> None:
    results = {
        "src/a.py": [{"type": "Secret Keyword", "hashed_secret": _sha1(KEY), "line_number": 9}],
        "rules/b.go": [{"type": "AWS Access Key", "hashed_secret": _sha1(AWS), "is_secret": True}],
    }
    root = make_repo(
        {
            ".secrets.baseline": _baseline(results),
            ".gitleaks.toml": "[allowlist]\npaths = ['''^rules/''']\n",
            "src/a.py": f'API_KEY = "{KEY}"\nOTHER_API_KEY = "{ZEBRA}"\n',
            "rules/b.go": f'var s = "{AWS}"\n',
        }
    )
    out = scan(cli, root)
    assert out["where"] == [
        ("rules/b.go", 1, "secrets.aws-access-key-id", "error"),  # confirmed: always reported
        ("src/a.py", 2, "secrets.generic-secret", "error"),
    ]
    assert out["allowed"] == {".secrets.baseline results": 1}


@pytest.mark.parametrize(
    ("more", "label"),
    [
        ({"exclude": {"files": "^seed/", "lines": None}}, ".secrets.baseline exclude.files"),
        ({"exclude": {"files": None, "lines": "rotated 20"}}, ".secrets.baseline exclude.lines"),
        (
            {
                "filters_used": [
                    {"path": "detect_secrets.filters.heuristic.is_sequential_string"},
                    {
                        "path": "detect_secrets.filters.regex.should_exclude_file",
                        "pattern": ["^seed/"],
                    },
                ]
            },
            ".secrets.baseline filters_used should_exclude_file",
        ),
        (
            {
                "filters_used": [
                    {
                        "path": "detect_secrets.filters.regex.should_exclude_secret",
                        "pattern": ["^Kq7"],
                    }
                ]
            },
            ".secrets.baseline filters_used should_exclude_secret",
        ),
    ],
)
def test_detect_secrets_exclusions_apply(make_repo, cli, more: dict[str, Any], label: str) -> None:
    root = make_repo(
        {
            ".secrets.baseline": _baseline({}, **more),
            "seed/a.py": f'API_KEY = "{KEY}"  # rotated 2024\n',
        }
    )
    out = scan(cli, root)
    assert out["where"] == []
    assert out["allowed"] == {label: 1}


def test_a_malformed_detect_secrets_baseline_is_a_warning_naming_its_line(make_repo, cli) -> None:
    root = make_repo(
        {
            ".secrets.baseline": '{\n  "results": {\n    "a.py": [,]\n',
            "a.py": f'API_KEY = "{KEY}"\n',
        }
    )
    out = scan(cli, root)
    assert out["code"] == 1
    assert out["where"] == [("a.py", 1, "secrets.generic-secret", "error")]
    assert out["stderr"] == [
        "gonogo: warning: .secrets.baseline:3: invalid JSON (Expecting value, column 14); "
        "gonogo goes on without it"
    ]


def test_a_private_key_needs_its_line_or_value_allowed_not_only_its_path(make_repo, cli) -> None:
    header_hash = _sha1("BEGIN RSA PRIVATE KEY")
    other = PEM.replace(PEM_BODY[:8], "Pp3Oo4Ii")
    block = "\n  ".join(other.strip().splitlines())  # as a YAML block holds it, indented
    config = f"[allowlist]\npaths = ['''^keys/''']\nstopwords = [{json.dumps(block)}]\n"
    root = make_repo(
        {
            ".gitleaks.toml": config,
            "keys/d.yml": "saml_key: |\n  " + block + "\n",
            "keys/a.pem": PEM,
            "keys/b.pem": PEM.replace(PEM_BODY[:8], "Zz9Yy8Xx"),
            "keys/c.pem": PEM.replace(PEM_BODY[:8], "Qq1Ww2Ee"),
            ".gitleaksignore": "keys/b.pem:private-key:1\n",
            ".secrets.baseline": _baseline(
                {
                    "keys/c.pem": [
                        {"type": "Private Key", "hashed_secret": header_hash, "line_number": 1}
                    ]
                }
            ),
        }
    )
    out = scan(cli, root)
    assert out["code"] == 0  # a warning does not fail
    assert out["where"] == [("keys/a.pem", 1, "secrets.private-key", "warning")]
    assert out["findings"][0]["message"].endswith(
        "(its path is allowed by .gitleaks.toml [allowlist] paths, but a private key is allowed "
        "only by its line or its value: a warning)"
    )
    assert out["allowed"] == {
        ".gitleaks.toml [allowlist] stopwords": 1,  # the whole block: gitleaks' secret
        ".gitleaksignore file:rule-id:line": 1,
        ".secrets.baseline results": 1,
    }


def test_rule_scoped_allowlists_apply_to_the_kinds_of_that_gitleaks_rule(make_repo, cli) -> None:
    config = (
        "[[rules]]\nid = 'gcp-api-key'\n[[rules.allowlists]]\npaths = ['''^src/''']\n"
        "[[rules]]\nid = 'our-own-rule'\nregex = 'x'\n[rules.allowlist]\npaths = ['''.*''']\n"
        "[[allowlists]]\ntargetRules = ['aws-access-token']\nregexes = ['''^AKIA''']\n"
    )
    root = make_repo(
        {
            ".gitleaks.toml": config,
            "src/a.js": f'const key = "{GOOGLE}";\n',
            "src/b.py": f'API_KEY = "{KEY}"\n',
            "src/c.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\n',
        }
    )
    out = scan(cli, root, "-v")
    assert out["where"] == [("src/b.py", 1, "secrets.generic-secret", "error")]
    assert out["allowed"] == {
        ".gitleaks.toml [[rules]] gcp-api-key allowlist paths": 1,
        ".gitleaks.toml [[allowlists]] #1 regexes": 1,
    }
    assert out["stderr"][2:] == [
        "  .gitleaks.toml [[allowlists]] #1: 1 regexes (on the secret), condition OR; applied "
        "to aws-access-key-id findings",
        "  .gitleaks.toml [[rules]] gcp-api-key allowlist: 1 paths, condition OR; applied to "
        "google-api-key findings",
        "  .gitleaks.toml [[rules]] our-own-rule allowlist: 1 paths, condition OR: not applied "
        "(gitleaks rule our-own-rule: no gonogo kind)",
        "  not scanned: .gitleaks.toml (the tools' own files, which they skip too)",
    ]


def test_gitleaks_config_names_a_file_inside_the_tree_only(make_repo, cli, tmp_path: Path) -> None:
    allow_src = "[allowlist]\npaths = ['''^src/''']\n"
    root = make_repo(
        {".github/gitleaks.toml": allow_src, "src/c.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\n'}
    )
    out = scan(cli, root, env={"GITLEAKS_CONFIG": ".github/gitleaks.toml"})
    assert out["allowed"] == {".github/gitleaks.toml [allowlist] paths": 1}
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(allow_src)
    out = scan(cli, root, env={"GITLEAKS_CONFIG": str(outside)})
    assert out["where"] == [("src/c.py", 1, "secrets.aws-access-key-id", "error")]
    assert out["stderr"] == [
        f"gonogo: warning: GITLEAKS_CONFIG: {str(outside)!r}: outside the scanned tree; gonogo "
        "reads .gitleaks.toml instead"
    ]


def test_extend_path_is_followed_and_use_default_is_said_not_to_be(make_repo, cli) -> None:
    root = make_repo(
        {
            ".gitleaks.toml": "[extend]\npath = 'ci/base.toml'\n",
            "ci/base.toml": "[extend]\nuseDefault = true\n[allowlist]\npaths = ['''^src/''']\n",
            "src/c.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\n',
        }
    )
    out = scan(cli, root, "-v")
    assert out["allowed"] == {"ci/base.toml [allowlist] paths": 1}
    assert out["stderr"][2:] == [
        "  .gitleaks.toml [extend] path: ci/base.toml followed",
        "  ci/base.toml [allowlist]: 1 paths, condition OR",
        "  ci/base.toml [extend] useDefault: not followed (gitleaks' built-in rules and "
        "allowlists belong to its release; gonogo has its own)",
        "  not scanned: .gitleaks.toml, ci/base.toml (the tools' own files, which they skip too)",
    ]


def test_the_off_switch_reports_what_the_allowlists_allow(make_repo, cli) -> None:
    root = make_repo(
        {
            ".gitleaks.toml": "[allowlist]\npaths = ['''^src/''']\n",
            "src/c.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\n',
        }
    )
    reported = [("src/c.py", 1, "secrets.aws-access-key-id", "error")]
    out = scan(cli, root, "--no-tool-allowlists", "-v")
    assert (out["where"], out["allowed"], out["code"]) == (reported, {}, 1)
    assert out["stderr"][-1] == "tool allowlists: off (--no-tool-allowlists)"
    plan = (
        "version: 1\ngates:\n  - id: g\n    checks:\n"
        "      - {id: s, kind: secrets, tool_allowlists: false}\n"
    )
    (root / "gonogo.yaml").write_text(plan)
    out = scan(cli, root, "-v")
    assert (out["where"], out["stderr"][-1]) == (
        reported,
        "tool allowlists: off (gonogo.yaml: tool_allowlists: false)",
    )
    report = cli("check", str(root), "--format", "json", "--no-history")
    [check] = json.loads(report.stdout)["checks"]
    assert (report.code, check["status"], check["evidence"]["found"]) == (1, "fail", 1)
    assert "allowed" not in check["evidence"]


def test_the_default_plan_counts_what_the_allowlists_allowed(make_repo, cli) -> None:
    root = make_repo(
        {
            "README.md": "# app\n",
            ".gitleaks.toml": "[allowlist]\npaths = ['''^rules/''']\n",
            ".gitleaksignore": "src/app.py:generic-api-key:1\n",
            "rules/aws.go": f'var a = "{AWS}"\nvar b = "{AWS2}"\n',
            "src/app.py": f'API_KEY = "{KEY}"\n',
        }
    )
    report = cli("check", str(root), "--format", "json", "--no-history")
    [check] = [c for c in json.loads(report.stdout)["checks"] if c["kind"] == "secrets"]
    assert check["status"] == "pass"
    assert check["findings"] == []
    assert check["message"] == (
        "no unreviewed secret in 3 file(s); 2 allowed by .gitleaks.toml [allowlist] paths, "
        "1 by .gitleaksignore file:rule-id:line"
    )
    assert check["evidence"]["allowed"] == {
        ".gitleaks.toml [allowlist] paths": 2,
        ".gitleaksignore file:rule-id:line": 1,
    }


def test_worker_processes_apply_the_same_allowlists(make_repo) -> None:
    files = {
        ".gitleaks.toml": "[allowlist]\npaths = ['''^rules/''']\n",
        "rules/aws.go": f'var a = "{AWS}"\n',
        "src/app.py": f'API_KEY = "{KEY}"\n',
        "keys/a.pem": PEM,
        ".gitleaksignore": "keys/a.pem:private-key:1\n",
    }
    root = make_repo(files | {f"pad/{i}.txt": "x\n" for i in range(12)})
    allow = tools.load(root, {})
    scan_ = Scan(allow=allow, jobs=2)
    here = asyncio.run(find_secrets(FileIndex(root), scan_, parallel_min_files=10_000))
    there = asyncio.run(find_secrets(FileIndex(root), scan_, parallel_min_files=5))
    for hits, totals in (here, there):
        assert [(h.path, h.line, h.kind) for h in hits] == [("src/app.py", 1, "generic-secret")]
        assert totals.allowed == {
            ".gitleaks.toml [allowlist] paths": 1,
            ".gitleaksignore file:rule-id:line": 1,
        }


def test_what_is_read_from_another_tool_is_bounded(make_repo, cli) -> None:
    many = ",".join(f"'''^AKIA{i:05d}'''" for i in range(10_001))
    root = make_repo(
        {
            ".gitleaks.toml": f"[allowlist]\nregexes = [{many}]\n",
            ".gitleaksignore": "# padding\n" * 300_000,  # 3 MB
            "src/c.py": f'AWS_ACCESS_KEY_ID = "{AWS}"\n',
        }
    )
    out = scan(cli, root)
    assert out["where"] == [("src/c.py", 1, "secrets.aws-access-key-id", "error")]
    assert out["stderr"] == [
        "gonogo: warning: .gitleaksignore: larger than 2 MiB; not used",
        "gonogo: warning: .gitleaks.toml: [allowlist].regexes: 10001 patterns, more than the "
        "10000 read; the rest skipped",
    ]


def test_a_value_quoted_in_a_warning_is_masked(make_repo, cli) -> None:
    root = make_repo(
        {".gitleaks.toml": f"[allowlist]\nregexes = ['''(?<=x){AWS}''']\n", "a.py": "x = 1\n"}
    )
    out = scan(cli, root)
    shown = (
        ".gitleaks.toml:2: [allowlist].regexes[0] '(?<=x)***': invalid regular expression "
        "(invalid perl operator: (?<=): lookbehind (?<=…) is not supported; skipped"
    )
    assert out["allowlist_problems"] == [shown]
    assert out["stderr"] == [f"gonogo: warning: {shown}"]
    plan = "version: 1\ngates:\n  - id: g\n    checks:\n      - {id: s, kind: secrets}\n"
    (root / "gonogo.yaml").write_text(plan)
    report = cli("check", str(root), "--format", "json", "--no-history")
    assert AWS[4:] not in report.stdout + report.stderr
    [check] = json.loads(report.stdout)["checks"]
    assert [(f["path"], f["line"], f["rule"]) for f in check["findings"]] == [
        (".gitleaks.toml", 2, "secrets.tool-allowlist")
    ]
