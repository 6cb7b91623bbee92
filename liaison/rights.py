"""Who may do what: decided here, once, whichever door a request comes through.

Every command and query of the application takes an ``Actor`` and asks this module before it
acts. The web (API and pages) and the CLI only say who is asking; they map the refusals below
to status codes (``ForbiddenError`` 403, ``HiddenError`` 404 as for an unknown id).

admin does everything; congress (the legislative affairs office) registers drafts, reads
everything and decides outcomes; staff read and write only their own contact point's records;
collectors (信息员) record opinions gathered in their point's neighbourhood and read only
what they recorded; the public may comment on open drafts and follow receipts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.errors import DomainError
from liaison.errors import NotFoundError


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    CONGRESS = "congress"
    PUBLIC = "public"
    COLLECTOR = "collector"


ACCOUNT_ROLES = (Role.ADMIN, Role.STAFF, Role.CONGRESS, Role.COLLECTOR)
"""Roles a signed-in account may have (the public has no account)."""


@dataclass(frozen=True)
class Actor:
    """Whoever asks: an account with its role and (staff, collector) contact point, or the
    public."""

    username: str
    role: Role
    contact_point_id: UUID | None = None


PUBLIC = Actor("public", Role.PUBLIC)


def operator(name: str = "operator") -> Actor:
    """Someone at the server's console (the CLI, the demo loader): every right."""
    return Actor(name, Role.ADMIN)


class ForbiddenError(DomainError):
    """Signed in, but this role or contact point may not do it (403, audited)."""


class HiddenError(NotFoundError):
    """Another contact point's record, asked for by id: answered as unknown (404, audited)."""


# What each kind of work needs, admin always admitted.
REGISTRARS = (Role.CONGRESS,)
"""Register drafts, open and close them, add readings, enact."""
KEEPERS = (Role.STAFF,)
"""A contact point's own work: participants, sessions, opinions, screening, reports, feedback."""
DECIDERS = (Role.CONGRESS, Role.STAFF)
"""Record the congress's decision (staff: one they were told of offline)."""
READERS = (Role.CONGRESS, Role.STAFF)
"""Read records, figures and traces (staff: their own contact point's)."""
GATHERERS = (Role.STAFF, Role.COLLECTOR)
"""Record opinions gathered in the neighbourhood (channel ``collector``), in batches too."""
OPINION_READERS = (*READERS, Role.COLLECTOR)
"""Read one opinion by id (collectors: only one they recorded)."""
BOUND = (Role.STAFF, Role.COLLECTOR)
"""Roles bound to one contact point."""
ADMINISTRATION: tuple[Role, ...] = ()
"""Accounts, contact points and the audit log: admin alone."""


def require_role(actor: Actor, roles: tuple[Role, ...]) -> None:
    if actor.role is not Role.ADMIN and actor.role not in roles:
        raise ForbiddenError("your role may not do this")


def require_point(actor: Actor, contact_point_id: UUID) -> None:
    """A request that names a contact point: staff and collectors may name only their own."""
    if actor.role in BOUND and actor.contact_point_id != contact_point_id:
        raise ForbiddenError("staff act for their own contact point only")


def require_visible(actor: Actor, contact_point_id: UUID, what: str) -> None:
    """A record fetched by id: another contact point's records do not exist for staff."""
    if actor.role in BOUND and actor.contact_point_id != contact_point_id:
        raise HiddenError(f"no {what}")


def require_own(actor: Actor, recorded_by: str, what: str) -> None:
    """A collector's records are theirs alone: another's do not exist for them."""
    if actor.role is Role.COLLECTOR and recorded_by != actor.username:
        raise HiddenError(f"no {what}")


def scope(actor: Actor, requested: UUID | None) -> UUID | None:
    """The contact point a read covers: staff always their own; others what they ask."""
    if actor.role is Role.STAFF:
        if requested is not None:
            require_point(actor, requested)
        return actor.contact_point_id
    return requested


def desk(actor: Actor, requested: UUID | None) -> UUID | None:
    """The contact point whose desk a page shows: staff their own (another does not exist for
    them); an admin the one asked for, or none yet."""
    require_role(actor, KEEPERS)
    if actor.role is Role.STAFF:
        if requested is not None and requested != actor.contact_point_id:
            raise HiddenError("no such contact point")
        return actor.contact_point_id
    return requested
