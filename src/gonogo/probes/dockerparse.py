"""Reading a Dockerfile into instructions and build stages.

Lines joined at the escape character (`\\`, or the one a `# escape=` directive names),
comments and blank lines dropped, heredoc bodies (`RUN <<EOF … EOF`) kept out of the
instruction stream, and `ARG` defaults expanded in `FROM` lines the way BuildKit does
(`${VAR}`, `$VAR`, `${VAR:-default}`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.I)
_HEREDOC = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
_ARG_REF = re.compile(r"\$\{([A-Za-z_]\w*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_]\w*)")


@dataclass(frozen=True, slots=True)
class Instruction:
    line: int
    word: str  # upper case: FROM, RUN, USER, ...
    args: str


@dataclass
class Stage:
    image: str  # as written, ARGs not yet expanded
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)

    def last(self, word: str) -> Instruction | None:
        return next((i for i in reversed(self.instructions) if i.word == word), None)


def instructions(text: str) -> list[Instruction]:
    lines = text.splitlines()
    escape = _escape(lines)
    out: list[Instruction] = []
    buf, start, i = "", 0, 0
    while i < len(lines):
        raw, i = lines[i], i + 1
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # a comment inside a continued instruction is dropped too
        if not buf:
            start = i
        if line.endswith(escape) and not line.endswith(escape * 2):
            buf += line[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.partition(" ")
        out.append(Instruction(start, word.upper(), rest.strip()))
        i = _skip_heredocs(lines, i, buf)
        buf = ""
    if buf:
        word, _, rest = buf.partition(" ")
        out.append(Instruction(start, word.upper(), rest.strip()))
    return out


def _escape(lines: list[str]) -> str:
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if match:
            return match.group(1)
        if line.strip() and not line.strip().startswith("#"):
            break
    return "\\"


def _skip_heredocs(lines: list[str], i: int, instruction: str) -> int:
    """The index after every heredoc body the instruction opened."""
    for match in _HEREDOC.finditer(instruction):
        end = match.group(2)
        while i < len(lines) and lines[i].strip() != end:
            i += 1
        i += 1
    return i


def stages(text: str) -> tuple[list[Stage], dict[str, str]]:
    """The build stages, and the global ARG defaults (those before the first FROM)."""
    global_args: dict[str, str] = {}
    out: list[Stage] = []
    for ins in instructions(text):
        if ins.word == "FROM":
            parts = [p for p in ins.args.split() if not p.startswith("--")]
            alias = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
            out.append(Stage(parts[0] if parts else "", alias, ins.line))
        elif out:
            out[-1].instructions.append(ins)
        elif ins.word == "ARG":
            for name, value in assignments(ins.args):
                global_args[name] = value if value is not None else ""
    return out, global_args


def assignments(args: str) -> list[tuple[str, str | None]]:
    """`NAME=value NAME2="v 2"` pairs of ARG and ENV; `ENV NAME value` (the old form) is
    one pair; an ARG without a default has the value None."""
    import shlex

    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    if not words:
        return []
    if "=" not in words[0]:
        if len(words) == 1:
            return [(words[0], None)]
        return [(words[0], args.split(None, 1)[1].strip())]
    return [(w.partition("=")[0], w.partition("=")[2]) for w in words if "=" in w]


def expand(image: str, args: dict[str, str]) -> str | None:
    """`image` with ARG references replaced; None when one has no value at all (it is
    given with `--build-arg`, so the Dockerfile alone does not say what it pulls)."""
    unknown = False

    def sub(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(4)
        value = args.get(name) or ""
        if match.group(2) == "-" and not value:
            value = match.group(3) or ""
        elif match.group(2) == "+":
            value = match.group(3) or "" if value else ""
        if not value and match.group(2) != "+":
            unknown = True
        return value

    out = _ARG_REF.sub(sub, image)
    return None if unknown else out


def resolve(image: str, args: dict[str, str]) -> str:
    """`image` with the ARG references it can expand expanded and the others left out:
    enough to know the repository (`${TAG}` unset still names `elasticsearch`)."""
    return expand(image, args) or _ARG_REF.sub("", image)
