"""`when:` conditions; a check whose condition is false is `skip` with the reason."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from gonogo.fs.index import FileIndex
from gonogo.plan.schema import When


def unmet(when: When | None, environ: Mapping[str, str], files: FileIndex) -> str | None:
    """None when every condition holds, else a sentence naming the first one that does not."""
    if when is None:
        return None
    if when.env is not None:
        value = environ.get(when.env, "")
        if when.equals is not None and value != when.equals:
            return f"when: ${when.env} is not {when.equals!r}"
        if when.equals is None and not value:
            return f"when: ${when.env} is not set"
    if when.file is not None and not files.glob(when.file) and not files.dir_exists(when.file):
        return f"when: no file matches {when.file}"
    if when.platform is not None and not sys.platform.startswith(when.platform):
        return f"when: platform is {sys.platform}, not {when.platform}"
    return None
