"""Who is asking, and may they: bearer tokens (ingest or user), session cookies with
their CSRF token, and the role each route needs. Every write goes through one of
`ingest_token` or `writer`; every read through `reader`."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import HTTPException, Request

from gonogo.server import tokens, users
from gonogo.server.context import ctx

SESSION_COOKIE = "gonogo_session"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True, slots=True)
class Principal:
    user: users.User | None = None
    ingest: str | None = None  # the project an ingest token writes
    csrf: str | None = None  # set for a cookie session: its writes must present it
    cookie: str | None = None

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.name
        return f"token:{self.ingest}" if self.ingest else "anonymous"


class NotLoggedIn(HTTPException):
    """401 for the API; the pages turn it into a redirect to /login."""

    def __init__(self, detail: str = "log in first (a session cookie or a user token)") -> None:
        super().__init__(401, detail, headers={"WWW-Authenticate": "Bearer"})


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def principal(request: Request) -> Principal:
    c = ctx(request)
    token = _bearer(request)
    with c.db.read() as conn:
        if token is not None:
            found = tokens.lookup(conn, token)
            if found is None:
                raise HTTPException(
                    401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"}
                )
            if found.kind == "ingest":
                return Principal(ingest=found.subject)
            user = users.get(conn, found.subject)
            if user is None:
                raise HTTPException(401, "the token's user is disabled or gone")
            return Principal(user=user)
        cookie = request.cookies.get(SESSION_COOKIE)
        session = users.session(conn, cookie, now=c.now()) if cookie else None
    if session is None:
        return Principal()
    return Principal(user=session.user, csrf=session.csrf, cookie=cookie)


def reader(request: Request) -> Principal:
    who = principal(request)
    if who.user is None and not ctx(request).settings.public_read:
        raise NotLoggedIn()
    return who


def ingest_token(request: Request, project: str) -> Principal:
    who = principal(request)
    if who.ingest is None:
        if who.user is not None:
            raise HTTPException(
                403, "runs are pushed with the project's ingest token, not a user login"
            )
        raise HTTPException(
            401,
            "an ingest token is required (Authorization: Bearer …)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if who.ingest != project:
        raise HTTPException(
            403, f"this token writes to project {who.ingest!r} only, not {project!r}"
        )
    return who


def writer(request: Request, role: str, form_csrf: str | None = None) -> users.User:
    """The user, when they hold `role`; a cookie session must also present its CSRF token
    (the X-CSRF-Token header, or the form's `csrf` field)."""
    who = principal(request)
    if who.user is None:
        if who.ingest is not None:
            raise HTTPException(403, "an ingest token can only push runs")
        raise NotLoggedIn()
    if who.csrf is not None:
        given = form_csrf if form_csrf is not None else request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(given.encode(), who.csrf.encode()):
            raise HTTPException(403, "missing or wrong CSRF token")
    if not who.user.can(role):
        raise HTTPException(
            403, f"{who.user.name} is a {who.user.role}; this needs the {role} role"
        )
    return who.user
