"""Accounts: argon2id hashes, no hint of which part of a sign-in was wrong."""

from __future__ import annotations

from uuid import uuid4

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Column, DateTime, MetaData, String, Table, func, select, text

from domain.errors import InvalidValueError
from liaison.bootstrap import Liaison, bootstrap, create_schema
from liaison.database import SchemaMissingError, create_database_engine, users
from liaison.rights import PUBLIC, Actor, ForbiddenError, Role, operator
from liaison.settings import Settings
from liaison.users import UserExistsError
from tests.conftest import STORE


def test_a_password_is_stored_only_as_an_argon2id_hash(liaison: Liaison) -> None:
    liaison.users.add("congress1", "congress", "correct horse battery", None)

    with liaison.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored


def test_sign_in_succeeds_only_with_the_right_password(liaison: Liaison) -> None:
    cp = uuid4()
    liaison.users.add("desk", "staff", "correct horse battery", cp)

    user = liaison.users.authenticate("desk", "correct horse battery")
    assert user is not None and user.role is Role.STAFF and user.contact_point_id == cp
    assert liaison.users.authenticate("desk", "wrong password!!") is None
    assert liaison.users.authenticate("nobody", "correct horse battery") is None


@pytest.mark.parametrize(
    ("username", "role", "contact_point", "password", "field"),
    [
        ("x", "admin", None, "long enough pw", "username"),
        ("ok-name", "mayor", None, "long enough pw", "role"),
        ("ok-name", "staff", None, "long enough pw", "contact_point"),
        ("ok-name", "admin", uuid4(), "long enough pw", "contact_point"),
        ("ok-name", "admin", None, "short", "password"),
    ],
)
def test_bad_accounts_are_refused_naming_the_field(
    liaison: Liaison, username: str, role: str, contact_point, password: str, field: str
) -> None:
    with pytest.raises(InvalidValueError) as refused:
        liaison.users.add(username, role, password, contact_point)
    assert refused.value.field == field


def test_a_name_cannot_be_taken_twice(liaison: Liaison) -> None:
    liaison.users.add("admin", "admin", "long enough pw", None)
    with pytest.raises(UserExistsError):
        liaison.users.add("admin", "congress", "another long pw", None)


def test_only_admin_administers_accounts_whichever_door(liaison: Liaison) -> None:
    cp = liaison.app.designate_contact_point("曹杨新村街道基层立法联系点", "普陀区", operator()).id
    liaison.users.add("desk", "staff", "correct horse battery", cp)
    for actor in (Actor("desk", Role.STAFF, cp), Actor("c", Role.CONGRESS), PUBLIC):
        with pytest.raises(ForbiddenError):
            liaison.users.create(actor, "newcomer", "congress", None)
        with pytest.raises(ForbiddenError):
            liaison.users.add("newcomer", "congress", "long enough pw", None, actor=actor)
        with pytest.raises(ForbiddenError):
            liaison.users.accounts(actor)
        with pytest.raises(ForbiddenError):
            liaison.users.reset(actor, "desk")
        with pytest.raises(ForbiddenError):
            liaison.users.deactivate(actor, "desk")
        with pytest.raises(ForbiddenError):
            liaison.app.rename_contact_point(cp, "别的名字", actor)
        with pytest.raises(ForbiddenError):
            liaison.audit.entries(actor)
    assert liaison.users.authenticate("desk", "correct horse battery") is not None


def test_deactivation_ends_page_sessions_at_once(liaison: Liaison) -> None:
    user = liaison.users.add("congress1", "congress", "correct horse battery", None)
    token = liaison.sessions.start(user)
    assert liaison.sessions.find(token) is not None

    liaison.users.deactivate(operator("admin"), "congress1")

    assert liaison.sessions.find(token) is None
    assert liaison.users.authenticate("congress1", "correct horse battery") is None
    assert liaison.users.get("congress1") is None


def test_a_session_of_a_one_time_password_must_change_it(liaison: Liaison) -> None:
    user, password = liaison.users.create(operator("admin"), "congress1", "congress", None)
    session = liaison.sessions.find(liaison.sessions.start(user))
    assert session is not None and session.must_change

    liaison.users.change_password(user, "my own long password")

    assert liaison.sessions.find(liaison.sessions.start(user)).must_change is False  # type: ignore[union-attr]
    assert liaison.users.authenticate("congress1", password) is None
    with pytest.raises(InvalidValueError) as refused:
        liaison.users.change_password(user, "yet another password")  # the current one now
    assert refused.value.field == "current_password"


def test_older_databases_gain_the_new_account_columns(settings: Settings) -> None:
    """A users table of the first release (no active, must_change, generation) keeps its
    accounts, which sign in as before, once the application has started on it."""
    engine = create_database_engine(settings)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    old = MetaData()
    first_release = Table(
        "users",
        old,
        Column("username", String(64), primary_key=True),
        Column("role", String(16), nullable=False),
        Column("contact_point_id", String(32), nullable=True),
        Column("password_hash", String(200), nullable=False),
        Column("created_at", DateTime(timezone=True), server_default=func.now()),
    )
    with engine.begin() as conn:
        if STORE == "postgres":  # the template database has the new schema: go back
            conn.execute(text("DROP TABLE users"))
        old.create_all(conn)
        conn.execute(
            first_release.insert().values(
                username="old", role="congress", password_hash=hasher.hash("correct horse 1")
            )
        )
    engine.dispose()
    if STORE == "postgres":
        with pytest.raises(SchemaMissingError, match="users.active"):
            bootstrap(settings)
        create_schema(settings)
        create_schema(settings)  # again: nothing more to add

    wired = bootstrap(settings)
    try:
        wired.users.hasher = hasher
        assert wired.users.authenticate("old", "correct horse 1") is not None
        assert wired.users.generation("old") == 0
        (account,) = wired.users.accounts(operator())
        assert account.active and not account.must_change
    finally:
        wired.close()
