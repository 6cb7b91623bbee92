"""Personal data sealed under a key of each person's own, so that it can be forgotten.

A name or phone is encrypted with AES-GCM under a random key kept in ``personal_keys``,
with the person's id and the field name bound as associated data: a sealed value copied
into another person's event or field does not open. Erasure deletes the key; the sealed
bytes stay in the immutable log, unreadable for ever (crypto-shredding).
"""

from __future__ import annotations

import base64
import os
import re
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from domain.errors import InvalidValueError
from domain.rules import MAX_NAME, MAX_TITLE, checked_text, optional_text
from liaison.database import insert_or_ignore, personal_keys, scrub

PREFIX = "v1."
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,22}[0-9]$")


def checked_name(name: str) -> str:
    return checked_text("name", name, MAX_NAME)


def checked_neighbourhood(value: str | None) -> str | None:
    return optional_text("neighbourhood", value, MAX_TITLE)


def checked_phone(phone: str | None) -> str | None:
    """Digits, with an optional leading + and spaces or hyphens between; kept as digits."""
    if phone is None or not phone.strip():
        return None
    if not _PHONE.match(phone.strip()):
        raise InvalidValueError("phone", "must be a telephone number of 7 to 20 digits")
    return re.sub(r"[ \-]", "", phone.strip())


def masked_phone(phone: str | None) -> str | None:
    """``13812345678`` → ``138****5678``: enough to recognise, not enough to call."""
    if phone is None:
        return None
    digits = phone.lstrip("+")
    if len(digits) <= 7:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


class PersonalDataVault:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def new_subject(self, subject_id: UUID) -> bytes:
        """Create and commit the subject's key before any event sealed with it is saved
        (a retried command gets the key its first attempt made)."""
        key = AESGCM.generate_key(bit_length=256)
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(personal_keys).values(subject_id=subject_id.hex, key=key))
        except IntegrityError:
            existing = self._key(subject_id)
            if existing is None:
                raise
            return existing
        return key

    def add_subjects(self, conn: Connection, keys: dict[UUID, bytes]) -> None:
        """Keys of new subjects, in the caller's transaction, which must commit before any
        event sealed with them is saved. A subject that has a key keeps it (its id was used
        before: nothing sealed with the new key may then be saved)."""
        if keys:
            conn.execute(
                insert_or_ignore(personal_keys),
                [{"subject_id": subject.hex, "key": key} for subject, key in keys.items()],
            )

    def seal(self, key: bytes, subject_id: UUID, field: str, value: str | None) -> str | None:
        if value is None:
            return None
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, value.encode(), _associated(subject_id, field))
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, subject_id: UUID, field: str, sealed: str | None) -> str | None:
        """The plain value, or ``None`` when it was never given or has been erased."""
        if sealed is None:
            return None
        key = self._key(subject_id)
        if key is None or not sealed.startswith(PREFIX):
            return None
        raw = base64.urlsafe_b64decode(sealed[len(PREFIX) :])
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], _associated(subject_id, field)).decode()
        except InvalidTag:
            return None

    def erase(self, subject_id: UUID) -> None:
        """Delete the key, and scrub its bytes from every file of the database."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(personal_keys).where(personal_keys.c.subject_id == subject_id.hex)
            )
        scrub(self.engine)

    def _key(self, subject_id: UUID) -> bytes | None:
        with self.engine.connect() as connection:
            return connection.execute(
                select(personal_keys.c.key).where(personal_keys.c.subject_id == subject_id.hex)
            ).scalar_one_or_none()


def _associated(subject_id: UUID, field: str) -> bytes:
    return f"liaison:{subject_id.hex}:{field}".encode()
