"""`.gitleaksignore`: the findings a team reviewed and told gitleaks to skip.

Each line is a gitleaks fingerprint, `file:rule-id:line` (a finding in the files) or
`commit:file:rule-id:line` (a finding in a commit of the history); `#` starts a comment.
The rule ids are gitleaks', not gonogo's, and one value is often found by both under
different names, so an entry is matched by where it points, as a reviewer reads it:
- `file:rule-id:line`: a gonogo finding on that line of that file is allowed;
- `commit:file:rule-id:line`: the line is read from that commit (`git cat-file`), and a
  gonogo finding on a line of the file with exactly that text is allowed, wherever the
  line has moved since; a line edited since is a new line, and is reported. Entries
  whose commit this clone does not have are not applied, and `-v` counts them.
"""

from __future__ import annotations

import subprocess
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from gonogo.secrets.allow import Loaded, Problem, Seen, Verdict, read_text
from gonogo.secrets.tools import GITLEAKS_IGNORE

NAME = GITLEAKS_IGNORE
MAX_BYTES = 2 << 20
MAX_BLOB = 16 << 20  # lines are read from blobs up to this size
MAX_TOTAL = 64 << 20  # and from this much in all
GIT_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Ignored:
    at: frozenset[tuple[str, int]]  # (file, line) of `file:rule-id:line` entries
    texts: dict[str, frozenset[bytes]]  # file: the reviewed lines of commit entries

    def judge(self, seen: Seen) -> Verdict | None:
        if any((seen.path, n) in self.at for n in seen.numbers):
            return Verdict(f"{NAME} file:rule-id:line")
        reviewed = self.texts.get(seen.path)
        if reviewed and any(line.rstrip(b"\r") in reviewed for line in seen.lines):
            return Verdict(f"{NAME} commit:file:rule-id:line")
        return None


def load(root: Path) -> Loaded:
    text, problem = read_text(root, NAME, MAX_BYTES)
    if problem is not None or text is None:
        return Loaded(problems=(problem,) if problem else ())  # unread: scanned as any file
    at: set[tuple[str, int]] = set()
    wanted: dict[tuple[str, str], set[int]] = defaultdict(set)
    problems = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        if len(parts) not in (3, 4) or not parts[-1].isdigit() or int(parts[-1]) < 1:
            why = f"{line[:80]!r}: not file:rule-id:line nor commit:file:rule-id:line; skipped"
            problems.append(Problem(NAME, number, why))
            continue
        path = parts[-3].replace("\\", "/").removeprefix("./")
        if len(parts) == 3:
            at.add((path, int(parts[-1])))
        else:
            wanted[(parts[0].lower(), path)].add(int(parts[-1]))
    texts, missing = reviewed_lines(root, wanted)
    notes = [f"{NAME}: {len(at)} file:rule-id:line entries (matched by file and line)"]
    if wanted:
        n = sum(len(v) for v in wanted.values())
        gone = f"; {missing} not applied (commit or file not in this clone)" if missing else ""
        notes.append(
            f"{NAME}: {n} commit:file:rule-id:line entries (matched by the line's text at "
            f"that commit){gone}"
        )
    ignored = Ignored(frozenset(at), texts)
    return Loaded((ignored,), (), tuple(notes), tuple(problems), (NAME,))


def reviewed_lines(
    root: Path, wanted: dict[tuple[str, str], set[int]]
) -> tuple[dict[str, frozenset[bytes]], int]:
    """Per file, the text of the lines `wanted` names in each (commit, file), read with one
    `git cat-file --batch`; and how many entries could not be read."""
    if not wanted:
        return {}, 0
    order = list(wanted)
    request = "".join(f"{commit}:./{path}\n" for commit, path in order).encode(
        "utf-8", "surrogateescape"
    )
    blobs = _blobs(root, request, len(order))
    texts: dict[str, set[bytes]] = defaultdict(set)
    missing = 0
    for (commit, path), blob in zip(order, blobs, strict=True):
        numbers = wanted[(commit, path)]
        if blob is None:
            missing += len(numbers)
            continue
        lines = blob.split(b"\n")
        for n in numbers:
            if n <= len(lines):
                texts[path].add(lines[n - 1].rstrip(b"\r"))
            else:
                missing += 1
    return {path: frozenset(found) for path, found in texts.items()}, missing


def _blobs(root: Path, request: bytes, count: int) -> list[bytes | None]:
    """Each requested blob (None: not there, or too big), in order; all None when git
    cannot answer."""
    try:
        proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return [None] * count
    assert proc.stdin is not None and proc.stdout is not None
    writer = threading.Thread(target=_write, args=(proc.stdin, request), daemon=True)
    writer.start()
    timer = threading.Timer(GIT_TIMEOUT_S, proc.kill)
    timer.start()
    try:
        return _read(proc.stdout, count)
    finally:
        timer.cancel()
        proc.kill()
        proc.wait()
        writer.join()


def _write(stdin: IO[bytes], request: bytes) -> None:
    try:
        stdin.write(request)
        stdin.close()
    except OSError:  # git exited early (not a repository, killed)
        pass


def _read(out: IO[bytes], count: int) -> list[bytes | None]:
    found: list[bytes | None] = []
    total = 0
    while len(found) < count:
        header = out.readline()
        if not header:
            break
        fields = header.split()
        if len(fields) != 3 or not fields[2].isdigit():
            found.append(None)  # `<spec> missing`, `ambiguous`
            continue
        size = int(fields[2])
        keep = fields[1] == b"blob" and size <= MAX_BLOB and total + size <= MAX_TOTAL
        body = _take(out, size + 1, keep)  # the content, then a newline
        total += size if keep else 0
        found.append(body[:size] if keep and body is not None else None)
    return found + [None] * (count - len(found))


def _take(out: IO[bytes], n: int, keep: bool) -> bytes | None:
    chunks = []
    while n > 0:
        chunk = out.read(min(n, 1 << 20))
        if not chunk:
            return None
        n -= len(chunk)
        if keep:
            chunks.append(chunk)
    return b"".join(chunks) if keep else None
