"""The `secrets` probe: a labelled set (precision and recall), redaction, baseline,
inline allow, exclude, the worker processes, and the CLI."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gonogo.fs.index import FileIndex
from gonogo.models import Status
from gonogo.probes.base import Context
from gonogo.probes.secrets import PROBE, SecretsParams
from gonogo.secrets import tree
from gonogo.secrets.baseline import load
from gonogo.secrets.parallel import (
    Workers,
    chunks,
    paths_bytes,
    scan_parallel,
    start_early,
    worker_flags,
)
from gonogo.secrets.scan import Hit, Totals, compiled, scan_data, scan_files
from gonogo.secrets.tree import Scan, find_secrets
from secret_corpus import render, score
from secret_samples import decoys, true_secrets


def run(root: Path, **params: object):
    ctx = Context(root, FileIndex(root), environ={})
    return asyncio.run(PROBE.run(SecretsParams.model_validate(params), ctx))


def test_corpus_precision_and_recall_are_at_least_97_percent(tmp_path: Path) -> None:
    """The tuned part of the labelled corpus (tests/data/secrets/tuned): every secret
    class, 25+ file types; misses are printed by class."""
    corpus = render(["tuned"])
    corpus.write(tmp_path)
    assert len(corpus.positives) >= 150 and len(corpus.negatives) >= 200
    hits, _ = scan_files(str(tmp_path), sorted(corpus.files))
    result = score(corpus, [(h.path, h.line, h.kind) for h in hits])
    print(result.summary("tuned corpus"))
    print(result.misses(corpus))
    assert result.precision >= 0.97, result.misses(corpus)
    assert result.recall >= 0.97, result.misses(corpus)


@pytest.mark.parametrize(("name", "text", "kind"), true_secrets(), ids=lambda v: str(v)[:20])
def test_each_true_secret_is_found_with_its_kind(name: str, text: str, kind: str) -> None:
    assert kind in {h.kind for h in scan_data(text.encode(), name)}


@pytest.mark.parametrize(("name", "text"), decoys(), ids=lambda v: str(v)[:20])
def test_decoys_are_not_flagged(name: str, text: str) -> None:
    assert scan_data(text.encode(), name) == []


def test_findings_are_redacted_everywhere(make_repo, cli) -> None:
    files = {name: text for name, text, _ in true_secrets()}
    root = make_repo(files)
    plan = "version: 1\ngates:\n  - id: g\n    checks:\n      - {id: s, kind: secrets}\n"
    (root / "gonogo.yaml").write_text(plan)
    result = cli("check", str(root), "--format", "json", "--no-history")
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    check = report["checks"][0]
    assert check["status"] == "fail"
    assert len(check["findings"]) >= len(files)
    outputs = [result.stdout, result.stderr, (root / ".gonogo/last.md").read_text()]
    for name, text, _ in true_secrets():
        for token in _secret_parts(text):
            for out in outputs:
                assert token not in out, f"{name}: secret leaked"
    one = next(f for f in check["findings"] if f["path"] == "aws.py")
    assert one["line"] == 1
    assert one["rule"] == "secrets.aws-access-key-id"
    assert one["message"].startswith("AWS access key ID AKIA… (20 chars)")


def _secret_parts(text: str) -> list[str]:
    """Substrings of a sample long enough to count as a leak (beyond a 4-char preview)."""
    words = [w.strip("\"',;(){}") for w in text.replace("=", " ").replace(":", " ").split()]
    return [w[4:] for w in words if len(w) >= 16]


def test_baseline_accepts_reviewed_findings_and_survives_line_moves(make_repo, cli) -> None:
    secret = "Kq7" + "Zr8vQ2mX7pL4kT9w"
    root = make_repo({"app.py": f'API_KEY = "{secret}"\n', "README.md": "x\n"})
    assert run(root).status is Status.FAIL
    result = cli("secrets", str(root), "--update-baseline")
    assert result.code == 0, result.stderr
    text = (root / ".gonogo-secrets.json").read_text()
    baseline = json.loads(text)
    assert baseline["schema"] == "gonogo.secrets-baseline/v2"
    assert baseline["kdf"] == {"name": "scrypt", "n": 16384, "r": 8, "p": 1, "dklen": 16}
    [entry] = baseline["entries"]
    assert sorted(entry) == ["hash", "path", "rule"]  # no preview, no length, no line
    assert (entry["rule"], entry["path"]) == ("secrets.generic-secret", "app.py")
    # neither the preview nor the length: the only numbers are the KDF's parameters (the
    # random salt and hash are hex, where any two digits can turn up by chance)
    assert secret[:4] not in text
    assert sorted(baseline) == ["entries", "kdf", "salt", "schema"]
    assert re.findall(r":\s*(\d+)", text) == ["16384", "8", "1", "16"]
    assert run(root).status is Status.PASS
    (root / "app.py").write_text(f'# moved\n\nAPI_KEY = "{secret}"\n')
    outcome = run(root)
    assert outcome.status is Status.PASS
    assert outcome.evidence["baselined"] == 1
    (root / "app.py").write_text(f'API_KEY = "{secret}"\nOTHER_TOKEN = "Xy9{secret[::-1]}"\n')
    outcome = run(root)
    assert outcome.status is Status.FAIL
    assert [(f.path, f.line) for f in outcome.findings] == [("app.py", 2)]


def test_update_baseline_keeps_the_salt_and_review_notes(make_repo, cli) -> None:
    root = make_repo({"a.py": 'TOKEN = "Zr8vQ2mX7pL4kT9wKq7"\n'})
    assert cli("secrets", str(root), "--update-baseline").code == 0
    data = json.loads((root / ".gonogo-secrets.json").read_text())
    data["entries"][0]["note"] = "rotated 2026-12-01, a dead key"
    (root / ".gonogo-secrets.json").write_text(json.dumps(data))
    (root / "b.py").write_text('SECRET = "Qw3rTy9UiOp2AsDfGh"\n')
    assert cli("secrets", str(root), "--update-baseline").code == 0
    again = json.loads((root / ".gonogo-secrets.json").read_text())
    assert again["salt"] == data["salt"]
    assert [(e["path"], e.get("note")) for e in again["entries"]] == [
        ("a.py", "rotated 2026-12-01, a dead key"),
        ("b.py", None),
    ]
    assert again["entries"][0]["hash"] == data["entries"][0]["hash"]


def test_an_old_baseline_asks_to_be_rewritten(make_repo, cli) -> None:
    old = {"schema": "gonogo.secrets-baseline/v1", "entries": [{"fingerprint": "ab"}]}
    root = make_repo({".gonogo-secrets.json": json.dumps(old), "a.py": "x = 1\n"})
    outcome = run(root)
    assert outcome.status is Status.ERROR
    assert "run `gonogo secrets --update-baseline` to rewrite it" in outcome.message
    assert cli("secrets", str(root)).code == 2
    assert cli("secrets", str(root), "--update-baseline").code == 0
    data = json.loads((root / ".gonogo-secrets.json").read_text())
    assert data["schema"] == "gonogo.secrets-baseline/v2"


def test_cli_secrets_lists_findings_and_exits_1(make_repo, cli) -> None:
    root = make_repo({"deploy/.env": "DB_PASSWORD=hX9-vLq2-Rt7w\n"})
    result = cli("secrets", str(root))
    assert result.code == 1
    assert "deploy/.env:1" in result.stdout
    assert "hX9-vLq2-Rt7w" not in result.stdout + result.stderr
    assert "hX9-… (13 chars)" in result.stdout


def test_malformed_baseline_is_an_error_naming_the_file(make_repo) -> None:
    root = make_repo({".gonogo-secrets.json": "{not json", "a.txt": "x\n"})
    outcome = run(root)
    assert outcome.status is Status.ERROR
    assert ".gonogo-secrets.json:1" in outcome.message


def test_excludes_follow_gitignore_rules(make_repo, cli) -> None:
    aws = next(t for n, t, _ in true_secrets() if n == "aws.py")
    files = {"deploy/keys/id.py": aws, "pkg/sub/x_test.go": aws, "src/ok.py": aws}
    root = make_repo(files)
    assert {f.path for f in run(root).findings} == set(files)
    assert {f.path for f in run(root, exclude=["*_test.go", "keys/"]).findings} == {"src/ok.py"}
    assert run(root, exclude=["*.py", "!src/ok.py", "*.go"]).findings[0].path == "src/ok.py"
    assert run(root, path="pkg/**").findings[0].path == "pkg/sub/x_test.go"
    (root / ".gonogoignore").write_text("# reviewed fixtures\ndeploy/\n")
    (root / "gonogo.yaml").write_text(
        "version: 1\ngates:\n  - id: g\n    checks:\n"
        "      - {id: s, kind: secrets, exclude: ['pkg/**/*.go']}\n"
    )
    assert {f.path for f in run(root).findings} == {"src/ok.py", "pkg/sub/x_test.go"}
    result = cli("secrets", str(root), "-v", "--format", "json")
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["src/ok.py"]
    assert result.stderr.splitlines() == [
        "excludes in effect:",
        "  pkg/**/*.go  (from gonogo.yaml secrets checks)",
        "  deploy/  (from .gonogoignore)",
        "tool allowlists: none",
    ]


def test_binary_files_and_fifos_are_skipped(tmp_path: Path) -> None:
    key = next(t for n, t, _ in true_secrets() if n == "aws.py")
    (tmp_path / "blob.bin").write_bytes(b"\0\1\2" + key.encode())
    os.mkfifo(tmp_path / "pipe")
    hits, totals = scan_files(str(tmp_path), ["blob.bin", "pipe"])
    assert hits == []
    assert totals.skipped_binary == 1


def in_workers(root: Path, rels: list[str]) -> tuple[list[Hit], Totals]:
    with Workers(str(root), 2) as workers:
        return scan_parallel(workers, [paths_bytes(rels)], worker_flags(max_hits=1000), 1000)


def test_worker_processes_find_the_same_hits(tmp_path: Path) -> None:
    rels = []
    for i, (name, text, _) in enumerate(true_secrets() * 3):
        rel = f"d{i % 5}/{i}/{name}"
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text(text)
        rels.append(rel)
    for i in range(200):
        (tmp_path / f"d0/plain{i}.py").write_text("print('hello')\n" * 20)
        rels.append(f"d0/plain{i}.py")
    serial, _ = scan_files(str(tmp_path), rels)
    parallel, totals = in_workers(tmp_path, rels)
    assert sorted(parallel, key=lambda h: (h.path, h.line, h.kind)) == sorted(
        serial, key=lambda h: (h.path, h.line, h.kind)
    )
    assert totals.files == len(rels)
    assert len(parallel) >= len(true_secrets() * 3)


def test_big_tree_scan_starts_on_tracked_files_and_adds_the_rest(make_repo) -> None:
    """Workers begin on git's tracked files; untracked ones join, ignored and deleted
    ones do not, and a deleted file is not reported as unreadable."""
    aws = next(t for n, t, _ in true_secrets() if n == "aws.py")
    gh = next(t for n, t, _ in true_secrets() if n == "gh2.yml")
    files = {f"pkg/m{i}.py": f"x = {i}\n" for i in range(60)}
    files |= {".gitignore": "build/\n", "pkg/tracked.py": aws, "pkg/gone.py": aws}
    files |= {".gonogo/notes.py": aws}  # gonogo's own folder, committed by mistake
    root = make_repo(files)
    (root / "pkg/gone.py").unlink()  # tracked, deleted from the work tree
    (root / "new.yml").write_text(gh)  # untracked, not ignored
    (root / "build").mkdir()
    (root / "build/out.py").write_text(aws)  # ignored
    (root / "vendor").mkdir()
    (root / "vendor/lib.py").write_text(aws)  # untracked, excluded by the check

    index = FileIndex(root)
    scan = find_secrets(index, Scan(exclude=("vendor/",)), parallel_min_files=10)
    hits, totals = asyncio.run(scan)
    assert sorted({h.path for h in hits}) == ["new.yml", "pkg/tracked.py"]
    assert totals.files == 63  # 60 modules, tracked.py, .gitignore, new.yml
    assert totals.unreadable == []
    assert not index.listed  # tracked + untracked sufficed: nobody looked for deleted files
    assert "pkg/gone.py" in index.tracked() and "pkg/gone.py" not in index.files
    # the same answer as the in-process scan of the finished listing
    serial, _ = asyncio.run(find_secrets(FileIndex(root), Scan(exclude=("vendor/",), jobs=1)))
    assert hits == serial


def test_a_big_scan_and_the_file_checks_of_its_run_share_one_listing(
    make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_git = shutil.which("git")
    assert real_git is not None
    root = make_repo({f"m{i}.py": f"x = {i}\n" for i in range(30)})
    (root / "new.py").write_text("y = 1\n")
    log = tmp_path / "git-calls.log"
    shim = tmp_path / "shim" / "git"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real_git}" "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")

    index = FileIndex(root)
    hits, totals = asyncio.run(find_secrets(index, parallel_min_files=10))
    assert hits == [] and totals.files == 31
    assert "new.py" in index.files and index.glob("m1*.py") == [
        "m1.py",
        *(f"m1{i}.py" for i in range(10)),
    ]
    calls = sorted(log.read_text().splitlines())
    assert calls == ["ls-files -c -z", "ls-files -d -z", "ls-files -o --exclude-standard -z"]


def test_symlinks_leading_out_of_the_tree_are_not_read(make_repo, tmp_path: Path) -> None:
    aws = next(t for n, t, _ in true_secrets() if n == "aws.py")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keys.py").write_text(aws)
    root = make_repo({"ok.py": "x = 1\n", "inner.py": aws})
    (root / "link.py").symlink_to(outside / "keys.py")
    (root / "linkdir").symlink_to(outside, target_is_directory=True)
    (root / "inner_link.py").symlink_to("inner.py")
    rels = ["ok.py", "inner.py", "link.py", "linkdir/keys.py", "inner_link.py"]
    for hits, totals in (
        scan_files(str(root), rels),
        in_workers(root, rels),
    ):
        assert sorted(h.path for h in hits) == ["inner.py", "inner_link.py"]
        assert sorted(totals.unreadable) == ["link.py", "linkdir/keys.py"]
        assert totals.n_unreadable == 2


def test_a_path_deeper_than_the_stack_allows_is_read(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 400)
    os.makedirs(tmp_path / deep)
    (tmp_path / deep / "f.txt").write_text("hello\n")
    # In a child interpreter: the lowered recursion limit would reach every thread of
    # the test process, the probe threads of other tests among them.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from gonogo.fs.index import FileIndex\n"
        f"reader = FileIndex(Path({str(tmp_path)!r})).reader\n"
        "sys.setrecursionlimit(150)  # fewer frames than the path has parts\n"
        f"sys.stdout.buffer.write(reader.read({deep + '/f.txt'!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    assert out.stdout == b"hello\n"


def test_worker_scans_paths_as_they_arrive_and_rejects_bad_usage(tmp_path: Path) -> None:
    aws = next(t for n, t, _ in true_secrets() if n == "aws.py")
    (tmp_path / "a.py").write_text(aws)
    (tmp_path / "b.py").write_text("x = 1\n")
    argv = [sys.executable, "-m", "gonogo.secrets.worker", str(tmp_path)]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.write(b"a.py\0missing.py\0")
    proc.stdin.flush()
    out, _ = proc.communicate(b"b.py")  # the last path may lack its NUL
    *hit_lines, last = out.decode().splitlines()
    assert [json.loads(line)["hit"]["path"] for line in hit_lines] == ["a.py"]
    assert json.loads(last)["totals"]["files"] == 2  # missing.py is gone, not unreadable
    assert json.loads(last)["totals"]["unreadable"] == []
    for bad in (argv[:-1], [*argv, "--exclude"], [*argv, "--nope", "x"]):
        usage = subprocess.run(bad, capture_output=True, text=True, check=False)
        assert usage.returncode == 2
        assert "usage" in usage.stderr


def test_worker_drops_what_exclude_and_skip_name(tmp_path: Path) -> None:
    aws = next(t for n, t, _ in true_secrets() if n == "aws.py")
    for rel in ("keep.py", "vendor/x.py", "gen/a_pb2.py", "baseline.json"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text(aws)
    flags = ["--exclude", "vendor/", "--exclude", "**/*_pb2.py", "--skip", "baseline.json"]
    argv = [sys.executable, "-m", "gonogo.secrets.worker", str(tmp_path), *flags]
    listing = b"keep.py\0vendor/x.py\0gen/a_pb2.py\0baseline.json\0"
    out = subprocess.run(argv, input=listing, capture_output=True, check=True).stdout
    *hit_lines, last = out.decode().splitlines()
    assert [json.loads(line)["hit"]["path"] for line in hit_lines] == ["keep.py"]
    assert json.loads(last)["totals"]["files"] == 1


def test_the_compiled_prefilter_is_cached_and_a_bad_copy_is_compiled_again(
    tmp_path: Path,
) -> None:
    """Hyperscan's database is compiled once and loaded by later processes; a copy that
    is damaged, or a cache that cannot be written, changes nothing but the time."""
    aws = next(t for n, t, _ in true_secrets() if n == "aws.py")
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree/a.py").write_text(aws)
    argv = [sys.executable, "-m", "gonogo.secrets.worker", str(tmp_path / "tree")]

    def run(cache: Path) -> list[str]:
        env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
        out = subprocess.run(argv, input=b"a.py\0", capture_output=True, check=True, env=env)
        return [json.loads(line)["hit"]["path"] for line in out.stdout.decode().splitlines()[:-1]]

    cache = tmp_path / "cache"
    assert run(cache) == ["a.py"]
    if compiled().hints.engine == "re2":  # no Hyperscan wheel here: RE2's set compiles fast
        assert list(cache.glob("**/*.hsdb")) == []
        return
    (stored,) = (cache / "gonogo").glob("prefilter-*.hsdb")
    sound = stored.read_bytes()
    assert run(cache) == ["a.py"] and stored.read_bytes() == sound  # loaded, not rewritten
    stored.write_bytes(sound[:-100] + b"x" * 100)  # damaged: compiled again and replaced
    assert run(cache) == ["a.py"] and stored.read_bytes() == sound
    (tmp_path / "file").write_text("")  # a cache folder that cannot be made
    assert run(tmp_path / "file") == ["a.py"]


def framed(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def test_a_worker_started_early_takes_its_options_on_stdin(
    tmp_path: Path,
) -> None:
    aws = next(t for n, t, _ in true_secrets() if n == "aws.py")
    for rel in ("keep.py", "vendor/x.py"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text(aws)
    argv = [sys.executable, "-m", "gonogo.secrets.worker", str(tmp_path), "--options", "stdin"]
    options = framed(json.dumps(["--exclude", "vendor/", "--max-hits", "5"]).encode())
    done = subprocess.run(argv, input=options + b"keep.py\0vendor/x.py\0", capture_output=True)
    *hit_lines, last = done.stdout.decode().splitlines()
    assert [json.loads(line)["hit"]["path"] for line in hit_lines] == ["keep.py"]
    assert json.loads(last)["totals"]["files"] == 1
    # the caller stopped before sending anything: no output, no error
    quiet = subprocess.run(argv, input=b"", capture_output=True)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")
    for bad in (framed(b"{not json"), framed(b'{"a": 1}'), framed(b'["--options", "stdin"]')):
        usage = subprocess.run(argv, input=bad, capture_output=True, text=False)
        assert (usage.returncode, usage.stderr.startswith(b"usage:")) == (2, True)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_workers_start_early_only_for_a_big_tree_and_never_outlive_their_scan(
    make_repo,
) -> None:
    root = make_repo({f"m{i}.py": f"x = {i}\n" for i in range(20)})
    with Workers(str(root), 2) as small:
        start_early(FileIndex(root), small, min_files=21)
        assert not small.started  # 20 tracked files: scanned in the caller's process
    with Workers(str(root), 2) as big:
        index = FileIndex(root)
        start_early(index, big, min_files=20)
        pids = [p.pid for p in big._procs]
        assert len(pids) == 2 and not any(_gone(pid) for pid in pids)
    assert all(_gone(pid) for pid in pids)  # closed before any option was sent
    with pytest.raises(RuntimeError, match="stopped"):
        big.start()
    with Workers(str(root), 1) as one:
        start_early(FileIndex(root), one, min_files=1)
        assert not one.started  # -j 1: one process, the caller's


def test_a_cancelled_scan_kills_its_workers(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine cancels a check at its deadline: the workers of its scan go with it."""
    root = make_repo({f"m{i}.py": f"x = {i}\n" for i in range(20)})
    seen: list[Workers] = []
    walking = threading.Event()
    release = threading.Event()

    class Recorded(Workers):
        def start(self) -> None:
            super().start()
            seen.append(self)

    index = FileIndex(root)
    listing = index.git_listing

    def slow_listing(*args: str) -> bytes | None:
        if args == ("-o", "--exclude-standard"):  # the untracked walk: held until released
            walking.set()
            release.wait(30)
        return listing(*args)

    monkeypatch.setattr(tree, "Workers", Recorded)
    monkeypatch.setattr(index, "git_listing", slow_listing)

    async def cancel_midway() -> None:
        task = asyncio.ensure_future(tree.find_secrets(index, parallel_min_files=10))
        await asyncio.to_thread(walking.wait, 30)
        pids = [p.pid for w in seen for p in w._procs]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # the walk is still held: the workers went because the scan was cancelled
        assert len(pids) == 2 and all(_gone(pid) for pid in pids)
        assert seen[0]._procs == [] and not release.is_set()
        release.set()

    asyncio.run(cancel_midway())


def test_gonogo_secrets_on_a_big_repository_scans_in_workers(make_repo, cli) -> None:
    aws = next(t for n, t, _ in true_secrets() if n == "aws.py")
    files = {f"pkg/{i // 100}/m{i}.py": "x = 1\n" for i in range(4000)}
    root = make_repo({**files, "pkg/keys.py": aws})
    (root / "new.py").write_text(aws)  # untracked
    done = cli("secrets", str(root), "--format", "json")
    report = json.loads(done.stdout)
    assert (done.code, report["files"], report["total"]) == (1, 4002, 2)
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [
        ("new.py", "secrets.aws-access-key-id"),
        ("pkg/keys.py", "secrets.aws-access-key-id"),
    ]
    # a configuration error found after the workers started: exit 2, and none is left
    (root / ".gonogo-secrets.json").write_text("{not json")
    bad = cli("secrets", str(root))
    assert bad.code == 2 and ".gonogo-secrets.json" in bad.stderr
    left = subprocess.run(["pgrep", "-f", f"gonogo.secrets.worker {root}"], capture_output=True)
    assert left.stdout == b""


@pytest.mark.parametrize("size", [1, 7, 64, 1 << 16])
def test_listing_chunks_end_at_a_path_and_lose_nothing(size: int) -> None:
    raw = paths_bytes([f"dir{i}/file_{i}.py" for i in range(500)] + ["ü/x" * 30])
    parts = [bytes(c) for c in chunks(raw, size)]
    assert b"".join(parts) == raw
    assert all(p.endswith(b"\0") and p.count(b"\0") >= 1 for p in parts)
    longest = max(len(p) for p in raw.split(b"\0")) + 1
    assert all(len(p) <= max(size, longest) for p in parts)  # a path longer than a chunk
    assert [bytes(c) for c in chunks(b"a\0b", size)][-1].endswith(b"b\0")  # a last NUL


def test_a_hint_set_that_gives_up_runs_every_detector() -> None:
    class GaveUp:  # what RE2's set answers when its DFA runs out of memory
        engine = "re2"

        def found(self, data: bytes) -> list[int]:
            return []

    patterns = compiled()
    assert patterns.candidates(b"print('hello')\n", "a.py") == ()
    failed = dataclasses.replace(patterns, hints=GaveUp())
    code = tuple(m for m in patterns.matchers if m.det.files is None or m.det.files("a.py"))
    assert failed.candidates(b"print('hello')\n", "a.py") == code
    assert failed.candidates(b"print('hello')\n", "app.env") == tuple(
        m for m in patterns.matchers if m.det.files is None or m.det.files("app.env")
    )


def test_worker_processes_hash_and_accept_baselined_findings(make_repo, cli) -> None:
    files = {f"m{i}.py": f"x = {i}\n" for i in range(12)}
    root = make_repo({**files, "app.py": 'API_TOKEN = "Zr8vQ2mX7pL4kT9wKq7"\n'})
    assert cli("secrets", str(root), "--update-baseline").code == 0
    reviewed = load(root / ".gonogo-secrets.json")
    [entry] = reviewed.entries
    rehashed, _ = asyncio.run(
        find_secrets(FileIndex(root), Scan(review=reviewed, rewrite=True), parallel_min_files=5)
    )
    assert [(h.path, h.reviewed) for h in rehashed] == [("app.py", entry["hash"])]
    hits, totals = asyncio.run(
        find_secrets(FileIndex(root), Scan(review=reviewed), parallel_min_files=5)
    )
    assert (hits, totals.baselined, totals.files) == ([], 1, 13)


def test_secrets_in_tests_and_docs_are_counted_not_listed_when_asked(make_repo) -> None:
    secret = "Kq7" + "Zr8vQ2mX7pL4kT9w"
    root = make_repo(
        {
            "app.py": f'API_KEY = "{secret}"\n',
            "tests/test_login.py": f'PASSWORD = "{secret}1"\n',
            "docs/setup.md": f'    SECRET_KEY = "{secret}2"\n',
        }
    )
    listed = run(root)
    assert [(f.path, f.line, f.severity) for f in listed.findings] == [
        ("app.py", 1, "error"),
        ("docs/setup.md", 1, "warning"),
        ("tests/test_login.py", 1, "warning"),
    ]
    counted = run(root, in_tests_and_docs="count")
    assert counted.status is Status.FAIL
    assert [(f.path, f.line) for f in counted.findings] == [("app.py", 1)]
    assert counted.evidence["in_tests_and_docs"] == {"docs": 1, "test": 1}
    assert counted.message.startswith(
        "1 secret(s) found; 2 more in documentation or test files, counted, not listed; first "
    )


def test_a_setting_on_a_commented_out_line_is_a_warning_and_a_vendor_token_stays_an_error(
    make_repo,
) -> None:
    """A chart documents its options as commented-out values: not in effect, so a
    warning that says so (and counted in the default plan); a vendor's token or a key in
    a comment is as usable as anywhere."""
    secret = "Kq7" + "Zr8vQ2mX7pL4kT9w"
    gh = next(t for n, t, _ in true_secrets() if n == "gh.sh")
    token = re.search(r"ghp_\w{36}", gh)
    assert token is not None
    root = make_repo(
        {
            "values.yaml": (
                "secrets: []\n"
                "#  - name: env\n"
                f'#      ELASTICSEARCH_PASSWORD: "{secret}"\n'
                f"#  github_token: {token.group()}\n"
                f'password: "{secret}9"\n'
            ),
            "app.py": f'# api_key = "{secret}8"\n',
        }
    )
    listed = run(root)
    assert [(f.path, f.line, f.rule, f.severity) for f in listed.findings] == [
        ("values.yaml", 4, "secrets.github-token", "error"),
        ("values.yaml", 5, "secrets.generic-secret", "error"),
        ("app.py", 1, "secrets.generic-secret", "warning"),
        ("values.yaml", 3, "secrets.generic-secret", "warning"),
    ]
    assert listed.findings[2].message.endswith(
        "in a comment (a warning: not in effect, but make sure it is not a real one)"
    )
    counted = run(root, in_tests_and_docs="count")
    assert [(f.path, f.line) for f in counted.findings] == [("values.yaml", 4), ("values.yaml", 5)]
    assert counted.evidence["in_tests_and_docs"] == {"comment": 2}
    assert "; 2 more in comments, counted, not listed" in counted.message


def test_a_rust_test_in_a_source_file_and_an_api_docs_folder_are_warnings() -> None:
    """Rust keeps unit tests beside the code (`#[test]`, `#[cfg(test)] mod tests`); a
    folder named for documentation in compounds (`api-docs/`) holds examples."""
    source = (
        b"fn connect() {\n"
        b'    let url = "postgres://app:Xk29mQpL7vRz@db/app";\n'
        b"}\n\n"
        b"#[tokio::test]\n"
        b"async fn parses_a_password() {\n"
        b'    let url = "postgres://app:Vb83LqZx2TnQ@db/app";\n'
        b"}\n\n"
        b"#[cfg(test)]\n"
        b"mod tests {\n"
        b'    const URL: &str = "postgres://app:Qw81ZpLm4xTr@db/app";\n'
        b"}\n"
    )
    hits = scan_data(source, "src/options.rs")
    assert [(h.line, h.kind, h.severity, h.context) for h in hits] == [
        (2, "url-password", "error", ""),
        (7, "url-password", "warning", "test"),
        (12, "url-password", "warning", "test"),
    ]
    api = (
        b"components:\n  examples:\n    User:\n      session_key: 12OcZD8lsuGEFvxxY0k4lJihOYBZGWa\n"
    )
    assert [(h.line, h.context) for h in scan_data(api, "api-docs/api.yaml")] == [(4, "docs")]
    env = b"DB_PASSWORD=Xk29mQpL7vRzW\n"
    assert [(h.line, h.context) for h in scan_data(env, "scripts/test-environments/.env")] == [
        (1, "test")
    ]


def test_the_default_plan_counts_test_secrets_and_skips_bundled_libraries(make_repo, cli) -> None:
    secret = "Kq7" + "Zr8vQ2mX7pL4kT9w"
    root = make_repo(
        {
            "tests/test_login.py": f'PASSWORD = "{secret}"\n',
            "web/static/lib/chart/chart.js": f'var token = "{secret}";\n',
            "web/static/src/app.min.js": f'var token="{secret}";\n',
            "README.md": "x\n",
        }
    )
    out = cli("check", str(root), "--no-history", "--format", "json", "--select", "no-secrets")
    [check] = json.loads(out.stdout)["checks"]
    assert (check["status"], check["findings"]) == ("pass", [])
    assert check["evidence"]["in_tests_and_docs"] == {"test": 1}
    assert check["message"].startswith("no unreviewed secret in ")
    assert check["message"].endswith("; 1 more in test files, counted, not listed")


def test_a_package_manifests_dependencies_name_packages_not_secrets(make_repo) -> None:
    """`"better-auth": "catalog:"` in package.json's dependencies is a package and the
    version wanted; a secret-named key elsewhere in the manifest is still judged."""
    secret = "Kq7" + "Zr8vQ2mX7pL4kT9w"
    manifest = {
        "name": "web",
        "dependencies": {"better-auth": "catalog:", "@auth/core": "^0.37.4"},
        "devDependencies": {"passport-token": "workspace:*"},
        "config": {"authToken": secret},
    }
    root = make_repo({"apps/web/package.json": json.dumps(manifest, indent=2) + "\n"})
    outcome = run(root)
    assert [(f.rule, f.path, f.line) for f in outcome.findings] == [
        ("secrets.generic-secret", "apps/web/package.json", 11)
    ]


def test_regular_expressions_and_names_are_no_secrets(make_repo) -> None:
    """A detector's or a benchmark's pattern in a secret-named variable (`password =
    r'([a-f0-9]{48})'`, `pat = 'ERR_SYS|LINK_REQ_RST'`) and a migration's name are not
    values anyone logs in with; a random literal beside them still is."""
    secret = "Kq7" + "Zr8vQ2mX7pL4kT9w"
    root = make_repo(
        {
            "plugins/hmac.py": "password = r'([a-f0-9]{48}(?![a-f0-9]))'\n"
            "key_or_pass = r'(?:key|pwd|password|pass|token)'\n"
            "cl_api_key = r'([a-z]{24})'\n",
            "bench/suite.py": "pat = '[A-Z]+_RESUME'\npat = 'ERR_SYS|PME_TURN_OFF|LINK_REQ_RST'\n",
            "users/migrations/0001_initial.py": "dependencies = [\n"
            '    ("auth", "0012_alter_user_first_name_max_length"),\n]\n',
            "app/settings.py": f'api_key = "{secret}"\n',
        }
    )
    outcome = run(root)
    assert [(f.rule, f.path, f.line) for f in outcome.findings] == [
        ("secrets.generic-secret", "app/settings.py", 1)
    ]


def test_the_test_and_development_environments_configuration_is_counted(make_repo, cli) -> None:
    """Phoenix commits a generated `secret_key_base` in `config/dev.exs` and
    `config/test.exs`; the one of the deployed environment is a finding."""
    dev, test, prod = ("9CY+MFunosoVAMkzDqYQnSIYRDoa", "7WKq9+4aRwQEUAE69h03WLZK", "yYrE2Qk9+Lw8")
    root = make_repo(
        {
            "README.md": "x\n",
            "ui/config/dev.exs": f'config :ui, secret_key_base: "{dev}heVhN0pX"\n',
            "ui/config/test.exs": f'config :ui, secret_key_base: "{test}qkUmgMOl"\n',
            "api/src/main/resources/application-dev.yml": f"api:\n  secret: {dev}Zq1\n",
            "ui/config/prod.exs": f'config :ui, secret_key_base: "{prod}vQ2mX7pL4kT9wA3"\n',
        }
    )
    out = cli("check", str(root), "--no-history", "--format", "json", "--select", "no-secrets")
    [check] = json.loads(out.stdout)["checks"]
    assert [(f["rule"], f["path"], f["line"]) for f in check["findings"]] == [
        ("secrets.generic-secret", "ui/config/prod.exs", 1)
    ]
    assert check["evidence"]["in_tests_and_docs"] == {"dev": 2, "test": 1}
    assert check["message"] == (
        "1 secret(s) found; 3 more in development configuration or test files, counted, not "
        "listed; first ui/config/prod.exs:1 hardcoded secret yYrE… (27 chars)"
    )


def test_a_scanners_own_allowlist_lists_no_secrets(make_repo) -> None:
    """The sample keys a gitleaks configuration allowlists (`[[rules.allowlists]]
    regexes`) were declared no secret, wherever that configuration sits; the same key
    in a rule's own table, or in code, is still found."""
    key = "AIza" + "SyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs"
    other = "AIza" + "SyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM"
    config = (
        '[[rules]]\nid = "gcp-api-key"\n'
        "[[rules.allowlists]]\nregexes = [\n"
        f"    '''{key}''',\n]\n\n"
        f'[[rules]]\nid = "other"\nexample = "{other}"\n'
        f"[allowlist]\nstopwords = ['''{other}''']\n"
    )
    root = make_repo({"config/gitleaks.toml": config, "app.js": f'const k = "{key}";\n'})
    outcome = run(root)
    assert [(f.rule, f.path, f.line) for f in outcome.findings] == [
        ("secrets.google-api-key", "app.js", 1),
        ("secrets.google-api-key", "config/gitleaks.toml", 10),
    ]
