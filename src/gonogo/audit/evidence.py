"""Evidence files a claim cites, checked through the engine that `gonogo check` uses,
read as a reviewer reads them: `#L10-L24` and `:42` anchors name lines that must
exist; a path leaving the root (`../`) is broken, not unverifiable; a file starting
with `#!` must be executable whatever its name; case must match exactly.

When the root holds none of the paths a report cites, the audit cannot tell a wrong
`--root` from a report whose every file is invented: those claims are unverifiable,
and a warning asks whether `--root` is right.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gonogo.audit.claims import file_checks
from gonogo.audit.markers import escapes, problem_with, split_anchor
from gonogo.audit.model import CheckOutcome, Claim, ClaimResult, FileCheck, Verdict
from gonogo.audit.regex import rx

MAX_LINE_BYTES = 16 * 1024 * 1024
BATCH = 2000  # checks per internal plan: keeps each under the plan loader's size limit


def verify_evidence(
    evidence: Sequence[Claim], root: Path, base: str = "", outside: Path | None = None
) -> tuple[list[ClaimResult], list[str]]:
    """Run the claims' file checks as a plan; the results and any warning about the root.
    `base` is the report's folder from the root: a file named without a folder is looked
    for beside the report first, as a reader of the report would. `outside` is the
    report's folder when it is not under the root."""
    evidence = [_with_shebangs(_beside(_rooted(c, root), root, base), root) for c in evidence]
    per_claim, statuses = _run_unique(evidence, root)
    cited = {c.path for claim in evidence for c in claim.checks if c.kind == "file.exists"}
    lost = bool(cited) and not any(_exists(root, p) for p in cited)
    out = []
    tree = _Tree(root)
    for claim, ids in zip(evidence, per_claim, strict=True):
        escaping = [p for p in claim.cited if escapes(p)]
        if escaping:
            reason = f"{escaping[0]} leaves the repository root"
            out.append(ClaimResult(claim, Verdict.BROKEN, reason, evidence=tuple(claim.cited)))
        elif not ids:
            out.append(ClaimResult(claim, Verdict.UNVERIFIABLE, _why_unverifiable(claim)))
        else:
            outcomes = tuple(
                CheckOutcome(check, cid, *statuses[cid])
                for check, cid in zip(claim.checks, ids, strict=True)
            )
            out.append(_judge(claim, outcomes, tree, lost, outside))
    warnings = []
    if lost:
        warnings.append(
            f"--root {root} holds none of the {len(cited)} path(s) the report cites "
            "(is --root right?); their claims are unverifiable"
        )
    return out, warnings


def _run_unique(
    evidence: Sequence[Claim], root: Path
) -> tuple[list[tuple[str, ...]], dict[str, tuple[str, str]]]:
    """Each distinct check once (a path cited on 300 rows is checked once), in plans of
    at most `BATCH` checks; per claim, the ids of its checks."""
    unique: dict[str, dict[str, Any]] = {}
    key_ids: dict[tuple[str, ...], str] = {}
    per_claim = []
    for claim in evidence:
        mine = []
        for check in claim.checks:
            key = (check.kind, *sorted(f"{k}={v!r}" for k, v in check.params.items()))
            cid = key_ids.get(key)
            if cid is None:
                cid = key_ids[key] = f"c{len(key_ids) + 1}"
                unique[cid] = {"id": cid, "kind": check.kind, **check.params}
            mine.append(cid)
        per_claim.append(tuple(mine))
    exists = {e["path"]: k for k, e in unique.items() if e["kind"] == "file.exists"}
    for entry in unique.values():
        if entry["kind"] == "file.valid" and entry["path"] in exists:
            entry["needs"] = [exists[entry["path"]]]
    statuses: dict[str, tuple[str, str]] = {}
    items = list(unique.values())
    shared = _Shared(root) if len(items) > BATCH else None  # one listing, one git call
    for start in range(0, len(items), BATCH):
        batch = _with_needs(items[start : start + BATCH])
        gates = [{"id": "evidence", "checks": batch}]
        plan = {"version": 1, "project": root.name or "project", "gates": gates}
        text = json.dumps(plan, ensure_ascii=False)  # JSON is YAML, and far quicker to write
        statuses |= run_plan_text(text, root, shared)
    return per_claim, statuses


class _Shared:
    """What the batches of one audit share: the tree's listing and its git state."""

    def __init__(self, root: Path) -> None:
        from gonogo.fs.index import FileIndex
        from gonogo.git import git_info

        self.files = FileIndex(root)
        self.git = git_info(root)


def _with_needs(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep `needs` only where the check it names runs in the same plan."""
    ids = {e["id"] for e in batch}
    out = []
    for e in batch:
        if any(n not in ids for n in e.get("needs", ())):
            e = {k: v for k, v in e.items() if k != "needs"}
        out.append(e)
    return out


def _exists(root: Path, rel: str) -> bool:
    if any(c in rel for c in "*?["):
        return any(root.glob(rel))
    return os.path.lexists(root / rel)


def _with_shebangs(claim: Claim, root: Path) -> Claim:
    """A cited file that starts with `#!` is a script: it must be executable too (unless
    it is only listed as a file that was written or changed)."""
    if claim.listed:
        return claim
    checks = []
    changed = False
    for check in claim.checks:
        params = dict(check.params)
        plain = check.kind == "file.exists" and params.get("executable") is False
        if plain and _has_shebang(root / check.path):
            params["executable"] = True
            changed = True
        checks.append(FileCheck(check.kind, params))
    return dataclasses.replace(claim, checks=tuple(checks)) if changed else claim


def _rooted(claim: Claim, root: Path) -> Claim:
    """`/src/plugins/auth.ts` whose first folder is at the root is a path from the root, as
    repository docs write them; `/etc/hosts` or `/tmp/x/` stays outside the repository."""
    extra: list[FileCheck] = []
    for written in claim.cited:
        if written.startswith("/") and not written.startswith("//"):
            body = written.lstrip("/")
            first = body.split("/", 1)[0]
            if first and "/" in body and os.path.lexists(root / first):
                extra += file_checks(split_anchor(body)[0])
    if not extra:
        return claim
    cited = tuple(c.lstrip("/") if c.startswith("/") else c for c in claim.cited)
    return dataclasses.replace(claim, checks=claim.checks + tuple(extra), cited=cited)


def _beside(claim: Claim, root: Path, base: str) -> Claim:
    """A file named without a folder that is not at the root but beside the report is
    that file: `NOTES.md` in docs/status.md names docs/NOTES.md."""
    if not base or not claim.checks:
        return claim
    moved: dict[str, str] = {}
    for check in claim.checks:
        path = check.path
        if "/" in path or any(c in path for c in "*?[") or path in moved:
            continue
        if not os.path.lexists(root / path) and os.path.lexists(root / base / path):
            moved[path] = f"{base}/{path}"
    if not moved:
        return claim
    checks = tuple(
        FileCheck(c.kind, {**c.params, "path": moved.get(c.path, c.path)}) for c in claim.checks
    )
    cited = tuple(
        moved[split_anchor(c)[0]] + c[len(split_anchor(c)[0]) :]
        if split_anchor(c)[0] in moved
        else c
        for c in claim.cited
    )
    named = tuple(c for c in claim.named if split_anchor(c)[0] not in moved)
    return dataclasses.replace(claim, checks=checks, cited=cited, named=named)


def _has_shebang(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(2) == b"#!"
    except OSError:
        return False


def _beside_report(name: str, outside: Path | None) -> str:
    """The file a report outside --root names without a folder, when it is beside it."""
    if outside is None or "/" in name or not (outside / name).exists():
        return ""
    return name


def _judge(
    claim: Claim,
    outcomes: tuple[CheckOutcome, ...],
    tree: _Tree,
    lost: bool,
    outside: Path | None = None,
) -> ClaimResult:
    root = tree.root
    files = tuple(dict.fromkeys(o.check.path for o in outcomes))
    bad = [o for o in outcomes if o.status != "pass"]
    if bad and lost:
        reason = (
            f"{bad[0].message}; the root holds none of the report's cited paths (is --root right?)"
        )
        return ClaimResult(claim, Verdict.UNVERIFIABLE, reason, outcomes, evidence=files)
    if bad:
        first = next((o for o in bad if o.status != "blocked"), bad[0])
        reason = first.message if first.status == "fail" else f"{first.status}: {first.message}"
        missing = "no file matches" in reason
        hint = _case_hint(tree, first.check.path) if missing else ""
        named = first.check.path in {split_anchor(p)[0] for p in claim.named}
        named = named or "/" not in first.check.path  # a file name, backticked or not
        elsewhere = _elsewhere(tree, first.check.path) if missing and named and not hint else ""
        if elsewhere:
            reason += f"; a file of that name is at {elsewhere}: the claim names it, not its path"
            return ClaimResult(claim, Verdict.UNVERIFIABLE, reason, outcomes, evidence=files)
        if missing and not hint and _maybe_a_name(first.check.path, claim):
            reason += "; with no extension it may be a name (a route, method or topic), not a path"
            return ClaimResult(claim, Verdict.UNVERIFIABLE, reason, outcomes, evidence=files)
        beside = _beside_report(first.check.path, outside) if missing and named else ""
        if beside:
            reason += f"; {beside} is beside the report, outside --root"
            return ClaimResult(claim, Verdict.UNVERIFIABLE, reason, outcomes, evidence=files)
        if missing and not hint and named and claim.mentioned:
            reason += "; named in passing, and no file of that name is in the repository"
            return ClaimResult(claim, Verdict.UNVERIFIABLE, reason, outcomes, evidence=files)
        return ClaimResult(claim, Verdict.BROKEN, reason + hint, outcomes, evidence=files)
    problem = _line_problem(claim, root) or _count_problem(claim, files, root)
    if problem:
        return ClaimResult(claim, Verdict.BROKEN, problem, outcomes, evidence=files)
    return ClaimResult(claim, Verdict.HOLDS, _verified(outcomes, claim), outcomes, evidence=files)


MAX_WALK = 20_000  # directory entries looked at when searching a bare file name


class _Tree:
    """What the audit reads of the repository's folders, read once per audit: a folder's
    names (with their lower-case forms) and, walked once within `MAX_WALK` entries, where
    each file name lives. A report citing 20,000 missing files costs one walk, not 20,000."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._names: dict[Path, tuple[set[str], dict[str, str]] | None] = {}
        self._where: dict[str, list[Path]] | None = None

    def names(self, folder: Path) -> tuple[set[str], dict[str, str]] | None:
        if folder not in self._names:
            try:
                listed = os.listdir(folder)
            except OSError:
                self._names[folder] = None
            else:
                lower: dict[str, str] = {}
                for n in listed:
                    lower.setdefault(n.lower(), n)
                self._names[folder] = (set(listed), lower)
        return self._names[folder]

    def where(self, base: str) -> list[Path]:
        """Folders (relative to the root, in walk order) holding a file named `base`."""
        if self._where is None:
            self._where = {}
            seen = 0
            for folder, dirs, names in os.walk(self.root):
                dirs[:] = [d for d in dirs if _walked(d)]
                seen += len(dirs) + len(names)
                here = Path(folder).relative_to(self.root)
                for n in names:
                    self._where.setdefault(n, []).append(here)
                if seen > MAX_WALK:
                    break
        return self._where.get(base, [])


# Hidden folders that hold files a report names (CI workflows, hooks); other hidden
# folders (.git, .venv, caches) are not searched.
CONFIG_FOLDERS = frozenset(
    (".github", ".gitlab", ".circleci", ".buildkite", ".devcontainer", ".husky", ".config")
)


def _walked(folder: str) -> bool:
    return folder != "node_modules" and (not folder.startswith(".") or folder in CONFIG_FOLDERS)


def _elsewhere(tree: _Tree, name: str) -> str:
    """Where a file named by its bare name ("in cursor.json") or by a path relative to
    some package (`tokens/index.ts` for packages/ui/src/tokens/index.ts) lives, or ''."""
    if any(ch in name for ch in "*?[") or name.startswith(("./", "/")) or name.endswith("/"):
        return ""
    *parents, base = name.split("/")
    for here in tree.where(base):
        if here != Path(".") and _ends_with(here, parents):
            return str(here / base)
    return ""


def _ends_with(folder: Path, parents: Sequence[str]) -> bool:
    parts = folder.parts
    return not parents or (len(parts) > len(parents) and list(parts[-len(parents) :]) == parents)


def _maybe_a_name(path: str, claim: Claim) -> bool:
    """`tools/list` or `api/v1/users`: slashes but no extension, cited without a trailing
    slash or `./`. Missing, it is more likely an identifier than a lost file."""
    last = path.rpartition("/")[2]
    written = [c for c in claim.cited if split_anchor(c)[0].removeprefix("./").rstrip("/") == path]
    as_dir = any(c.endswith("/") or c.startswith("./") for c in written)
    return "." not in last and not as_dir and not any(ch in path for ch in "*?[")


def _verified(outcomes: Sequence[CheckOutcome], claim: Claim) -> str:
    said = []
    for o in outcomes:
        if o.check.kind == "file.exists":
            extra = [
                w
                for w, on in (
                    ("non-empty", o.check.params.get("non_empty")),
                    ("executable", o.check.params.get("executable")),
                )
                if on
            ]
            said.append(o.message + (f" ({', '.join(extra)})" if extra else ""))
        else:
            said.append(f"parsed as {str(o.check.params.get('format', '')).upper()}")
    ranges = [split_anchor(p) for p in claim.cited]
    said += [f"{p} has lines {a}-{b}" for p, r in ranges if r for a, b in [r]]
    return "; ".join(said)


def _line_problem(claim: Claim, root: Path) -> str:
    for cited in claim.cited:
        path, span = split_anchor(cited)
        if span is None:
            continue
        count = _line_count(root / path.removeprefix("./"))
        if count is not None and (span[1] > count or span[0] < 1 or span[0] > span[1]):
            shown = f"{span[0]}" if span[0] == span[1] else f"{span[0]}-{span[1]}"
            return f"{cited} cites line {shown} but {path} has {count} lines"
    return ""


LINES_CLAIM = r"(?i)\b(\d{1,3}(?:,\d{3})+|\d{1,7})(\+)?\s+lines\b"


def _count_problem(claim: Claim, files: Sequence[str], root: Path) -> str:
    """'README.md (9,334 lines)': the one cited file must have that many lines (at
    least that many for '400+ lines')."""
    m = rx(LINES_CLAIM).search(claim.text) if "lines" in claim.text.lower() else None
    if m is None or len(files) != 1 or not (root / files[0]).is_file():
        return ""
    if _subject(claim.text) != files[0]:
        return ""  # "Legal disclaimer in README.md (155 lines)" counts a part of the file
    want, plus = int(m.group(1).replace(",", "")), bool(m.group(2))
    got = _line_count(root / files[0])
    if got is None or (got >= want if plus else _about(got, want)):
        return ""
    said = f"{m.group(1)}{'+' if plus else ''} lines"
    rule = " (a round figure holds within a tenth)" if want % 5 == 0 and not plus else ""
    return f"says {said} but {files[0]} has {got:,} lines{rule}"


def _about(got: int, want: int) -> bool:
    """A round figure ("150 lines") is an estimate: within a tenth holds; others are exact."""
    if want % 5 or want < 10:
        return got == want
    return abs(got - want) * 10 <= want


def _subject(text: str) -> str:
    """The first word of a claim after its mark, checkbox and label: `README.md` for
    "✅ README.md (400 lines)" and "File: README.md (400 lines)"."""
    words = text.replace("[x]", " ").replace("[X]", " ").split()
    words = [w for w in words if any(c.isalnum() for c in w)]
    if words and words[0].startswith("[") and words[0].endswith("]"):  # [DONE]
        words = words[1:]
    if words and words[0].endswith(":"):
        words = words[1:]
    return words[0].strip("`*_()[],:;").removeprefix("./") if words else ""


def _line_count(path: Path) -> int | None:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_LINE_BYTES)
    except OSError:
        return None
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def _case_hint(tree: _Tree, rel: str) -> str:
    """'; docs/README.md differs only in case' when such a file exists."""
    folder = tree.root
    parts = rel.split("/")
    for i, part in enumerate(parts):
        names = tree.names(folder)
        if names is None:
            return ""
        exact, lower = names
        if part in exact:
            folder = folder / part
            continue
        same = lower.get(part.lower())
        if same is None:
            return ""
        real = "/".join([*parts[:i], same, *parts[i + 1 :]])
        return f"; {real} exists, but case must match exactly"
    return ""


def _why_unverifiable(claim: Claim) -> str:
    problems = [problem_with(p) for p in claim.cited if problem_with(p)]
    if problems:
        return "; ".join(problems)
    if claim.cited:
        return f"says {claim.cited[0]} is excluded or gone; its presence is not the claim"
    return "cites no file, glob or number that can be checked"


def run_plan_text(
    text: str, root: Path, shared: _Shared | None = None
) -> dict[str, tuple[str, str]]:
    """Status and message of each check of a plan given as YAML text."""
    from gonogo.engine.scheduler import RunOptions, run_plan
    from gonogo.plan.loader import parse_plan
    from gonogo.probes.registry import BUILTIN

    plan = parse_plan(text, BUILTIN, source="<audit plan>")
    opts = RunOptions(jobs=8)
    if shared is not None:
        opts = RunOptions(jobs=8, files=shared.files, git=shared.git)
    report = asyncio.run(run_plan(plan, root, BUILTIN, opts))
    return {c.check_id: (str(c.status), c.message) for c in report.checks}
