"""Files a repository generates others from: a cookiecutter or copier project keeps its
product under a folder named with a template expression (`{{cookiecutter.project_slug}}/`)
and writes Jinja into the files (`{% if cookiecutter.use_celery == 'y' %}`). Such a file
is YAML, TOML or Python only once rendered, so a parse error in it says nothing about the
project: the probes that parse files ask here before they report one.

Only a file that fails to parse is asked about, so a valid file that quotes template
syntax (`"{{ .Values.image }}"`) is judged as usual, and GitHub's `${{ … }}` expressions
are not template markup.
"""

from __future__ import annotations

import re

_TEMPLATE_FOLDER = re.compile(r"\{\{[^/]*\}\}|\{%[^/]*%\}")
_MARKUP = re.compile(
    rb"\{%-?\s*(?:if|elif|else|endif|for|endfor|set|raw|endraw|include|import|from|macro|"
    rb"block|extends|with|filter)\b[^%]*-?%\}|(?<!\$)\{\{-?\s*[A-Za-z_][\w.]*[^{}]*\}\}"
)
_HEAD = 64 * 1024


def template_reason(rel: str, data: bytes) -> str | None:
    """Why `rel` is a template (a sentence's end), or None when it is an ordinary file."""
    folders = rel.split("/")[:-1]
    folder = next((f for f in folders if _TEMPLATE_FOLDER.search(f)), None)
    if folder is not None:
        return f"it is under the template folder {folder}/"
    found = _MARKUP.search(data, 0, _HEAD) or _MARKUP.search(data)
    if found is not None:
        markup = found.group(0).decode("utf-8", "replace")
        return f"it holds template markup ({markup[:40]})"
    return None


def templates_note(templates: list[str]) -> str:
    """`; 2 templates not parsed (a/x.yml, b/y.yml)`, or nothing."""
    if not templates:
        return ""
    shown = ", ".join(templates[:3]) + (", …" if len(templates) > 3 else "")
    return f"; {len(templates)} template(s) not parsed, judged once rendered ({shown})"
