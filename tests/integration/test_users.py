"""Accounts: argon2id hashes, no hint of which part of a sign-in was wrong."""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import select

from domain.errors import InvalidValueError
from liaison.bootstrap import Liaison
from liaison.database import users
from liaison.rights import Role
from liaison.users import UserExistsError


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
