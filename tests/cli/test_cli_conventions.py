"""The conventions pytest, ruff and pre-commit users expect, with exact exit codes:
where plans are found, selection, exit-code policy, global flags, quiet/verbose,
colour, status lines on stderr, shell completion, and safe writes of `-o`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from repo_helpers import git

PLAN = """\
version: 1
project: shop
gates:
  - id: base
    checks:
      - {id: readme, kind: file.exists, path: README.md, priority: P1, tags: [docs]}
      - {id: changelog, kind: file.exists, path: CHANGELOG.md, priority: P2}
      - {id: no-todo, kind: file.not_contains, path: "*.py", pattern: TODO, priority: P3}
"""
FILES = {"gonogo.yaml": PLAN, "README.md": "x\n", "app.py": "# TODO later\n", "svc/a/x.txt": ""}


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(FILES)


def _ids(out: Any) -> list[str]:
    return [c["id"] for c in json.loads(out.stdout)["checks"]]


def _statuses(out: Any) -> dict[str, str]:
    return {c["id"]: c["status"] for c in json.loads(out.stdout)["checks"]}


# -- where the plan comes from ------------------------------------------------------


def test_plan_is_found_above_the_folder_and_named_first(cli: Any, repo: Path) -> None:
    out = cli("check", "--no-history", "--format", "json", cwd=repo / "svc" / "a")
    assert out.code == 1
    assert out.stderr.splitlines()[0] == f"gonogo: plan: {repo / 'gonogo.yaml'}"
    assert _ids(out) == ["readme", "changelog", "no-todo"]  # run against the plan's folder
    assert _statuses(out)["readme"] == "pass"


def test_discovery_stops_at_the_git_root(tmp_path: Path, cli: Any) -> None:
    (tmp_path / "gonogo.yaml").write_text(PLAN)  # above the repository: not its plan
    inner = tmp_path / "inner"
    inner.mkdir()
    git(inner, "init", "-q")
    out = cli("check", str(inner), "--no-history", "--format", "json")
    assert out.stderr.splitlines()[0] == "gonogo: no plan: default packs (ops, secrets)"
    assert "readme" in _ids(out)
    assert "changelog" not in _ids(out)


def test_pyproject_names_the_plan(make_repo: Callable[..., Path], cli: Any) -> None:
    root = make_repo(
        {
            "ci/gates.yaml": PLAN,
            "ci/README.md": "x\n",
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.gonogo]\nplan = "ci/gates.yaml"\n',
        }
    )
    out = cli("check", str(root), "--no-history", "--format", "json")
    first = out.stderr.splitlines()[0]
    assert (
        first
        == f"gonogo: plan: {root / 'ci' / 'gates.yaml'} (named in pyproject.toml [tool.gonogo])"
    )
    assert _statuses(out)["readme"] == "pass"  # paths are relative to the plan's folder


def test_pyproject_naming_a_missing_plan_is_a_usage_error(tmp_path: Path, cli: Any) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.gonogo]\nplan = "nope.yaml"\n')
    out = cli("check", str(tmp_path))
    assert out.code == 2
    assert out.stderr == (
        f"gonogo: error: {tmp_path / 'pyproject.toml'}:2: tool.gonogo.plan: 'nope.yaml': "
        f"no such file ({tmp_path / 'nope.yaml'})\n"
    )


# -- selection and exit codes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--select", "readme"], ["readme"]),
        (["--select", "docs"], ["readme"]),  # a tag
        (["--select", "P2,P3"], ["changelog", "no-todo"]),
        (["--select", "file.*"], ["readme", "changelog", "no-todo"]),  # kinds, as a glob
        (["--ignore", "no-todo", "--ignore", "readme"], ["changelog"]),
    ],
)
def test_select_and_ignore_checks(cli: Any, repo: Path, args: list[str], ids: list[str]) -> None:
    out = cli("check", str(repo), "--no-history", "--format", "json", *args)
    assert _ids(out) == ids


def test_ignoring_a_rule_drops_its_findings_and_the_check_passes(cli: Any, repo: Path) -> None:
    out = cli(
        "check", str(repo), "--no-history", "--format", "json",
        "--ignore", "file.forbidden-pattern", "--select", "no-todo",
    )  # fmt: skip
    (check,) = json.loads(out.stdout)["checks"]
    assert (out.code, check["status"], check["findings"]) == (0, "pass", [])
    assert check["message"] == "passes: its 1 finding(s) are outside --select/--ignore"


def test_select_naming_nothing_is_a_usage_error(cli: Any, repo: Path) -> None:
    out = cli("check", str(repo), "--select", "nothing-like-this")
    assert out.code == 2
    assert (
        "--select nothing-like-this: matches no check id, kind, gate, tag or priority" in out.stderr
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 1),  # changelog (P2) and no-todo (P3) fail
        (["--fail-on", "P2"], 1),
        (["--fail-on", "P1"], 0),
        (["--exit-zero"], 0),
    ],
)
def test_fail_on_and_exit_zero(cli: Any, repo: Path, args: list[str], code: int) -> None:
    out = cli("check", str(repo), "--no-history", *args)
    assert out.code == code
    said = "gonogo: NO-GO from checks below P1 only: exit 0 (--fail-on)" in out.stderr
    assert said is (args == ["--fail-on", "P1"])


def test_a_p1_failure_counts_under_fail_on_p1(cli: Any, repo: Path) -> None:
    (repo / "README.md").unlink()
    assert cli("check", str(repo), "--no-history", "--fail-on", "P1").code == 1


# -- flags where users put them ---------------------------------------------------------


def test_global_flags_after_the_command(cli: Any, repo: Path) -> None:
    out = cli("check", str(repo), "--no-history", "--debug", "--no-color", "-q", "--exit-zero")
    assert out.code == 0
    assert out.stderr == ""  # -q: no status lines
    assert "NO-GO" in out.stdout


def test_an_unknown_flag_shows_the_command_usage_and_the_nearest_flag(cli: Any) -> None:
    out = cli("check", "--formt", "json")
    assert out.code == 2
    assert out.stderr.startswith("usage: gonogo check [-h]")
    assert out.stderr.endswith(
        "gonogo check: error: unrecognized argument: --formt; did you mean --format?\n"
    )


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["secrets", "."], "secrets"),
        (["-q", "--debug", "-vv", "--no-color", "--color=never", "check"], "check"),
        (["--color", "never", "check"], None),  # a flag's value: the whole parser decides
        (["-C", "x", "check"], None),
        (["--help"], None),
        ([], None),
        (["chek"], None),
    ],
)
def test_the_command_is_named_without_the_whole_parser(argv: list[str], named: Any) -> None:
    from gonogo.cli.main import named_command

    assert named_command(argv) == named


def test_a_command_starts_without_the_other_commands_imports(tmp_path: Path) -> None:
    """`gonogo secrets` imports neither the server, the plan reader nor YAML (no plan
    here), so it starts as fast as the scan allows."""
    probe = (
        "import sys\n"
        "from gonogo.cli.main import main\n"
        f"code = main(['-q', 'secrets', {str(tmp_path)!r}, '--format', 'json'])\n"
        "heavy = ('gonogo.cli.serve', 'gonogo.server.client', 'gonogo.cli.checkrun', 'yaml',"
        " 'pydantic', 'gonogo.plan')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.splitlines()[-1] == "0 []"


def test_an_unknown_flag_after_global_flags_still_names_the_nearest_flag(cli: Any) -> None:
    out = cli("-q", "secrets", ".", "--max-findigns", "3")
    assert out.code == 2
    assert out.stderr.endswith(
        "gonogo secrets: error: unrecognized arguments: --max-findigns 3; "
        "did you mean --max-findings?\n"
    )


def test_path_and_dash_c_name_the_same_folder(cli: Any, repo: Path, tmp_path: Path) -> None:
    assert cli("check", "-C", str(repo), "--no-history", "--exit-zero").code == 0
    out = cli("check", str(repo), "-C", str(tmp_path))
    assert out.code == 2
    assert "name different folders; give one" in out.stderr


# -- what lands on stderr and stdout -------------------------------------------------------


def test_with_output_the_verdict_and_path_go_to_stderr(
    cli: Any, repo: Path, tmp_path: Path
) -> None:
    target = tmp_path / "r.json"
    out = cli("check", str(repo), "--no-history", "--format", "json", "-o", str(target))
    assert out.code == 1
    assert out.stdout == ""
    assert out.stderr.splitlines() == [
        f"gonogo: plan: {repo / 'gonogo.yaml'}",
        "gonogo: gate base: 3 check(s) done (1 pass, 2 fail) at "
        + out.stderr.splitlines()[1].rsplit(" at ", 1)[1],
        "gonogo: NO-GO: 0/1 gates GO, 3 checks (1 pass, 2 fail), pass rate 33.3%; "
        f"report: {target}",
    ]


@pytest.mark.parametrize(
    ("args", "env", "ansi"),
    [
        ([], {}, False),  # the fixture sets NO_COLOR=1 and stdout is a pipe
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1", "NO_COLOR": ""}, False),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": ""}, True),
        (["--color", "always", "--no-color"], {}, False),
    ],
)
def test_colour(cli: Any, repo: Path, args: list[str], env: dict[str, str], ansi: bool) -> None:
    out = cli("check", str(repo), "--no-history", *args, env=env)
    assert ("\x1b[" in out.stdout) is ansi


def test_diff_exit_code(cli: Any, repo: Path) -> None:
    assert cli("check", str(repo)).code == 1
    (repo / "README.md").unlink()
    assert cli("check", str(repo)).code == 1
    assert cli("diff", "-C", str(repo)).code == 0
    out = cli("diff", "-C", str(repo), "--exit-code")
    assert out.code == 1
    assert "Newly failing (1)" in out.stdout
    (repo / "README.md").write_text("back\n")
    assert cli("check", str(repo)).code == 1
    assert cli("diff", "-C", str(repo), "--exit-code").code == 0  # only fixed


# -- completion ---------------------------------------------------------------------------


def _complete(script: str, words: list[str]) -> list[str]:
    line = " ".join(words)
    program = (
        f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _gonogo; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_bash_completion_knows_commands_flags_and_choices(cli: Any) -> None:
    out = cli("completion", "bash")
    assert out.code == 0
    assert "complete -o filenames -F _gonogo gonogo" in out.stdout
    assert _complete(out.stdout, ["gonogo", "che"]) == ["check"]
    assert _complete(out.stdout, ["gonogo", "check", "--fail-"]) == ["--fail-on"]
    assert _complete(out.stdout, ["gonogo", "check", "--format", "s"]) == ["sarif"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_other_shells_get_a_script(cli: Any, shell: str) -> None:
    out = cli("completion", shell)
    assert out.code == 0
    expected = {
        "zsh": "autoload -U +X bashcompinit && bashcompinit",
        "fish": "complete -c gonogo -n '__fish_seen_subcommand_from check' "
        "-l fail-on -xa 'P0 P1 P2 P3'",
    }[shell]
    assert expected in out.stdout


# -- init, schema, explain ---------------------------------------------------------------


def test_init_counts_checks_and_points_editors_at_the_schema(
    make_repo: Callable[..., Path], cli: Any
) -> None:
    root = make_repo({"README.md": "x\n"})
    out = cli("init", str(root))
    plan = (root / "gonogo.yaml").read_text()
    checks = plan.count("      - id:")
    gates = plan.count("\n  - id:")
    assert out.stdout == (
        f"wrote {root / 'gonogo.yaml'} ({checks} checks in {gates} gates); "
        f"run `gonogo check {root}`\n"
    )
    assert plan.startswith("# yaml-language-server: $schema=.gonogo/plan.schema.json\n")
    schema = json.loads((root / ".gonogo" / "plan.schema.json").read_text())
    assert schema["$id"] == "urn:gonogo:plan:v1"
    assert (
        schema["properties"]["gates"]["description"]
        == "phases or milestones, judged GO / NO-GO in order"
    )


def test_explain_shows_plan_keys_not_python_types(cli: Any) -> None:
    out = cli("explain", "http")
    assert "HttpExpect" not in out.stdout
    assert "    json: dict[str, Any] = {}  dotted path → expected value" in out.stdout


# -- safe writes --------------------------------------------------------------------------


def test_output_to_dev_null_leaves_the_device(cli: Any, repo: Path) -> None:
    out = cli("check", str(repo), "--no-history", "--format", "json", "-o", "/dev/null")
    assert out.code == 1
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_into_a_fifo_reaches_its_reader(cli: Any, repo: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    out = cli("check", str(repo), "--no-history", "--format", "json", "-o", str(fifo))
    reader.join(30)
    assert out.code == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(got[0])["verdict"] == "NO-GO"


def test_output_through_a_symlink_writes_its_target(cli: Any, repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    out = cli("check", str(repo), "--no-history", "--format", "json", "-o", str(link))
    assert out.code == 1
    assert link.is_symlink()
    assert json.loads(target.read_text())["verdict"] == "NO-GO"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the target keeps its mode


def test_new_reports_follow_the_umask(cli: Any, repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.md"
    old = os.umask(0o022)
    try:
        cli("check", str(repo), "--no-history", "--format", "md", "-o", str(target))
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert stat.S_IMODE((repo / ".gonogo" / "last.json").stat().st_mode) == 0o644


def test_output_to_a_directory_is_a_usage_error(cli: Any, repo: Path, tmp_path: Path) -> None:
    out = cli("check", str(repo), "--no-history", "-o", str(tmp_path))
    assert out.code == 2
    assert (
        out.stderr.splitlines()[-1] == f"gonogo: error: cannot write {tmp_path}: it is a directory"
    )


def test_the_state_folder_ignores_itself(cli: Any, repo: Path) -> None:
    cli("check", str(repo))
    assert (repo / ".gonogo" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_every_format_flag_offers_term_and_json_and_defaults_to_term() -> None:
    """`--format` values are the same everywhere: term (the default) and json on each
    subcommand that has the flag."""
    import argparse

    from gonogo.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    seen = {}
    for name, command in sub.choices.items():
        for action in command._actions:
            if "--format" in action.option_strings:
                seen[name] = (action.default, {"term", "json"} <= set(action.choices or ()))
    assert seen == {
        "approvals": ("term", True),
        "audit": ("term", True),
        "check": ("term", True),
        "diff": ("term", True),
        "explain": ("term", True),
        "history": ("term", True),
        "secrets": ("term", True),
    }


def test_secrets_term_format_prints_one_line_per_finding(tmp_path: Path, cli) -> None:
    key = "AKIA" + "Q3EGRWHN7BX2KZPT"
    (tmp_path / "conf.ini").write_text(f"aws_access_key_id = {key}\n")
    out = cli("secrets", str(tmp_path), "--format", "term")
    assert out.code == 1
    assert out.stdout.splitlines()[0].startswith("conf.ini:1: ")
    assert out.stdout.splitlines()[-1] == "1 secret(s) in 1 file(s)"
