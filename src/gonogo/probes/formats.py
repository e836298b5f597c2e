"""Safe parsers for `file.valid`: each returns None, or (line, message) for the first error."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable

Problem = tuple[int | None, str] | None


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def parse_yaml(data: bytes) -> Problem:
    import yaml

    try:
        for _ in yaml.compose_all(_text(data), Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return (mark.line + 1 if mark else None), str(exc.problem or exc)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        return None, str(exc) or type(exc).__name__
    return None


def parse_json(data: bytes) -> Problem:
    try:
        json.loads(_text(data))
    except json.JSONDecodeError as exc:
        return exc.lineno, exc.msg
    except (UnicodeDecodeError, RecursionError) as exc:
        return None, str(exc) or type(exc).__name__
    return None


def parse_toml(data: bytes) -> Problem:
    try:
        tomllib.loads(_text(data))
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        line = None
        if "(at line " in msg:
            line = int(msg.split("(at line ")[1].split(",")[0])
        return line, msg
    except UnicodeDecodeError as exc:
        return None, str(exc)
    return None


def parse_xml(data: bytes) -> Problem:
    from xml.parsers.expat import ExpatError

    import defusedxml.ElementTree as ET
    from defusedxml import DefusedXmlException

    try:
        ET.fromstring(data)
    except ET.ParseError as exc:
        return exc.position[0], str(exc)
    except (DefusedXmlException, ExpatError) as exc:
        return None, f"refused: {exc}"
    return None


def parse_python(data: bytes) -> Problem:
    try:
        compile(data, "<file>", "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError as exc:
        return exc.lineno, exc.msg
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, str(exc) or type(exc).__name__
    return None


PARSERS: dict[str, Callable[[bytes], Problem]] = {
    "yaml": parse_yaml,
    "json": parse_json,
    "toml": parse_toml,
    "xml": parse_xml,
    "python": parse_python,
}
