"""Images a repository builds itself, from the modules of its own tree.

A Maven or Gradle multi-module project names each module's image after the module: the
`-t ${docker.image.prefix}/${project.artifactId}` of an exec build, Jib,
`spring-boot:build-image` and Gradle's image plugins all default to it. A compose file
that runs `springcommunity/spring-petclinic-customers-service` beside a
`spring-petclinic-customers-service/pom.xml` runs the image the build just made, under
whatever tag the build gave it: pinning a registry version there would run something
else than the checkout. A folder with only a Dockerfile or a `package.json` is no such
module: nothing names its image after it, and a compose file without `build:` pulls it.
"""

from __future__ import annotations

import posixpath

from gonogo.fs.index import FileIndex
from gonogo.probes.images import split

_BUILDS = frozenset(("pom.xml", "build.gradle", "build.gradle.kts"))


def modules(files: FileIndex) -> frozenset[str]:
    """The names of the tree's Maven and Gradle modules."""
    return frozenset(
        posixpath.basename(posixpath.dirname(rel))
        for rel in files.files
        if posixpath.basename(rel) in _BUILDS and "/" in rel
    )


def is_own(image: str, names: frozenset[str]) -> bool:
    """Whether `image` is named after one of the modules `names` (its last path part)."""
    repository = split(image.strip())[0]
    return "/" in repository and repository.rsplit("/", 1)[1] in names
