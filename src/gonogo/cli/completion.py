"""`gonogo completion bash|zsh|fish`: a completion script built from the parser itself,
so it always knows every command, flag and choice of the installed version.

    eval "$(gonogo completion bash)"              # ~/.bashrc
    eval "$(gonogo completion zsh)"               # ~/.zshrc
    gonogo completion fish > ~/.config/fish/completions/gonogo.fish
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass
from typing import Any

SHELLS = ("bash", "zsh", "fish")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("completion", help="print a shell completion script (bash, zsh, fish)")
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    p.set_defaults(handler=run)


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    flags: tuple[str, ...]
    choices: dict[str, tuple[str, ...]]  # flag -> the values it takes


def commands(parser: argparse.ArgumentParser) -> list[Command]:
    out = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {a.dest: a.help or "" for a in action._choices_actions}
        for name, sub in action.choices.items():
            flags: list[str] = []
            choices: dict[str, tuple[str, ...]] = {}
            for a in sub._actions:
                flags += [f for f in a.option_strings if f.startswith("--")]
                if a.option_strings and a.choices:
                    for flag in a.option_strings:
                        choices[flag] = tuple(str(c) for c in a.choices)
            out.append(Command(name, helps.get(name, ""), tuple(sorted(flags)), choices))
    return out


def run(args: argparse.Namespace) -> int:
    from gonogo.cli.main import build_parser

    cmds = commands(build_parser())
    print({"bash": bash, "zsh": zsh, "fish": fish}[args.shell](cmds), end="")
    return 0


def bash(cmds: list[Command]) -> str:
    cases = []
    for c in cmds:
        picks = "".join(
            f'      {flag}) COMPREPLY=($(compgen -W {shlex.quote(" ".join(vals))} -- "$cur")); '
            "return ;;\n"
            for flag, vals in c.choices.items()
        )
        cases.append(
            f"    {c.name})\n"
            f"      opts={shlex.quote(' '.join(c.flags))}\n"
            f'      case "$prev" in\n{picks}      esac ;;\n'
        )
    names = " ".join(c.name for c in cmds)
    return (
        '# gonogo bash completion: eval "$(gonogo completion bash)"\n'
        "_gonogo() {\n"
        '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"\n'
        '  local opts=""\n'
        '  if [ "$COMP_CWORD" -eq 1 ]; then\n'
        f'    COMPREPLY=($(compgen -W "{names} --version --help" -- "$cur")); return\n'
        "  fi\n"
        '  case "${COMP_WORDS[1]}" in\n' + "".join(cases) + "  esac\n"
        '  if [[ "$cur" == -* ]]; then\n'
        '    COMPREPLY=($(compgen -W "$opts" -- "$cur"))\n'
        "  else\n"
        '    COMPREPLY=($(compgen -f -- "$cur"))\n'
        "  fi\n"
        "}\n"
        "complete -o filenames -F _gonogo gonogo\n"
    )


def zsh(cmds: list[Command]) -> str:
    """zsh runs the bash function through its own bashcompinit layer."""
    return (
        '# gonogo zsh completion: eval "$(gonogo completion zsh)"\n'
        "autoload -U +X compinit && compinit\n"
        "autoload -U +X bashcompinit && bashcompinit\n" + bash(cmds).split("\n", 1)[1]
    )


def fish(cmds: list[Command]) -> str:
    lines = [
        "# gonogo fish completion: gonogo completion fish > ~/.config/fish/completions/gonogo.fish"
    ]
    lines.append("complete -c gonogo -f")
    for c in cmds:
        lines.append(
            f"complete -c gonogo -n __fish_use_subcommand -a {c.name} -d {shlex.quote(c.help)}"
        )
        seen = f"'__fish_seen_subcommand_from {c.name}'"
        for flag in c.flags:
            values = c.choices.get(flag)
            extra = f" -xa {shlex.quote(' '.join(values))}" if values else ""
            lines.append(f"complete -c gonogo -n {seen} -l {flag[2:]}{extra}")
    return "\n".join(lines) + "\n"
