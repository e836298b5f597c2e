"""Whether a container image reference is pinned: one judgement for Dockerfiles and
compose files.

An image is pinned by a digest (`@sha256:…`) or by a tag that names a version. It is
not pinned when it has no tag (which means `:latest`), when the tag is `latest`, or when
the tag names no version at all and moves by design: `lts`, `stable`, `current`,
`edge`, or a bare variant such as `alpine` or `slim` (the newest release on Alpine).
Release names stay pinned: `debian:bookworm-slim` and `ubuntu:noble` change only within
their release.
"""

from __future__ import annotations

import re

_FLOATING = frozenset(
    [
        "latest",
        "lts",
        "stable",
        "current",
        "edge",
        "rolling",
        "mainline",
        "nightly",
        "dev",
        "devel",
        "develop",
        "master",
        "main",
        "beta",
        "alpha",
        "rc",
        "testing",
        "unstable",
        "sid",
        "canary",
        "next",
        "insiders",
        "preview",
    ]
)
_VARIANTS = frozenset(
    [
        "alpine",
        "slim",
        "busybox",
        "musl",
        "glibc",
        "uclibc",
        "windowsservercore",
        "nanoserver",
        "fpm",
        "apache",
        "cli",
        "zts",
        "jdk",
        "jre",
        "full",
        "minimal",
    ]
)


def split(image: str) -> tuple[str, str, str]:
    """(repository, tag, digest) of an image reference; tag and digest may be empty."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1 :], digest
    return name, "", digest


def unpinned(image: str) -> str | None:
    """Why `image` is not pinned (said in a sentence's middle), or None when it is."""
    repo, tag, digest = split(image.strip())
    if digest or repo == "scratch":
        return None
    if not tag:
        return "has no tag, so it pulls whatever :latest is today"
    if tag == "latest":
        return "uses :latest, which changes with every release"
    if _floats(tag):
        return f"uses the floating tag :{tag}, which names no version"
    return None


def _floats(tag: str) -> bool:
    if any(c.isdigit() for c in tag):
        return False
    words = [w for w in re.split(r"[-_.]", tag.lower()) if w]
    return any(w in _FLOATING for w in words) or all(w in _VARIANTS for w in words)
