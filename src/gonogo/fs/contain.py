"""The one containment rule: gonogo reads and writes inside the project root, never
outside it, whatever a plan, a report or the repository's own symlinks ask.

- A path written in a plan (a check's `path`, `file`, `files`, `cwd`, `baseline`, a
  `when: {file}`), a path an audited report cites, and a fleet checkout's path are
  relative and stay below the root: an absolute path or a `..` that climbs above the
  root is refused (`escape`), and in a plan that is a plan error.
- A symlink met in the tree is followed only while it stays inside the root
  (`inside`); a link leading out is reported, never followed (the file probes make it
  a `file.outside-root` finding, the reader refuses it).
- gonogo's own state under `.gonogo/` is written and read without following symlinks at
  all (`gonogo.atomic`).

Nothing here imports more than `os`, so a secrets worker may use it.
"""

from __future__ import annotations

import os

_DRIVE = 2  # `C:` and `C:\\…`: absolute on Windows


def escape(path: str) -> str | None:
    """Why `path` (as written, `/`-separated, globs allowed) would leave the root ("is an
    absolute path", "climbs above the project root with `..`"), or None when it stays
    below it."""
    text = path.strip()
    if text.startswith(("/", "\\")) or (
        len(text) >= _DRIVE and text[1] == ":" and text[0].isalpha()
    ):
        return "is an absolute path"
    depth = 0
    for part in text.replace("\\", "/").split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return "climbs above the project root with `..`"
        elif part not in ("", "."):
            depth += 1
    return None


def plan_path(value: str) -> str:
    """A pydantic validator for plan fields holding a path or glob under the root."""
    why = escape(value)
    if why is not None:
        raise ValueError(
            f"{value!r} {why}; gonogo reads only inside the project, so write the path "
            "relative to the project root"
        )
    return value


def inside(root_real: str, path: str) -> bool:
    """True when `path` resolves (through every symlink) to `root_real` or below it;
    `root_real` is already a real path."""
    real = os.path.realpath(path)
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)
