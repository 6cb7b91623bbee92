"""Receipt codes residents can read aloud and type on a phone: ``LX-7K3MQ-9TDH2``.

31 symbols without 0/O, 1/I/L; ten of them give 49 random bits. Each code is claimed in a
table with a unique key before its suggestion is saved, so two suggestions never share one.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from uuid import UUID

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from liaison.database import insert_or_ignore, receipt_codes

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DASHES_AND_SPACES = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff0d\u00b7\u30fb]")
LENGTH = 10
CODES = len(ALPHABET) ** LENGTH


def new_code() -> str:
    """A random code: one draw below 31¹⁰, written in the alphabet's digits (a draw per
    symbol asked the operating system for randomness ten times)."""
    number = secrets.randbelow(CODES)
    symbols = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        symbols.append(ALPHABET[digit])
    return f"LX-{''.join(symbols[:5])}-{''.join(symbols[5:])}"


def normalised(code: str) -> str | None:
    """Accept lower case, spaces, missing hyphens, full-width letters and any kind of dash
    (a Chinese input method types ``ＬＸ－Ｅ７ＭＭＤ``); ``None`` when it cannot be a code."""
    symbols = re.sub(DASHES_AND_SPACES, "", unicodedata.normalize("NFKC", code).upper())
    if symbols.startswith("LX"):
        symbols = symbols[2:]
    if len(symbols) != LENGTH or any(s not in ALPHABET for s in symbols):
        return None
    return f"LX-{symbols[:5]}-{symbols[5:]}"


class ReceiptBook:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(self, suggestion_id: UUID) -> str:
        """A new code for the suggestion, or the one it already has (a retried command)."""
        for _ in range(8):
            code = new_code()
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        insert(receipt_codes).values(code=code, suggestion_id=suggestion_id.hex)
                    )
            except IntegrityError:
                existing = self.code_of(suggestion_id)
                if existing is not None:
                    return existing
                continue
            return code
        raise RuntimeError("could not find a free receipt code")  # pragma: no cover

    def claim_many(self, suggestion_ids: list[UUID]) -> dict[UUID, str]:
        """Codes for a batch, claimed in one transaction (one at a time on a rare collision)."""
        codes = {suggestion_id: new_code() for suggestion_id in suggestion_ids}
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(receipt_codes),
                    [{"code": c, "suggestion_id": i.hex} for i, c in codes.items()],
                )
        except IntegrityError:
            return {suggestion_id: self.claim(suggestion_id) for suggestion_id in suggestion_ids}
        return codes

    def claim_in(self, conn: Connection, suggestion_ids: list[UUID]) -> dict[UUID, str]:
        """Codes for suggestions, claimed together in the caller's transaction (a suggestion
        that has one keeps it); a code taken already (49 random bits: rare) is drawn again."""
        codes: dict[UUID, str] = {}
        wanted = list(suggestion_ids)
        for _ in range(8):
            if not wanted:
                return codes
            drawn = {i.hex: (i, new_code()) for i in wanted}
            made = conn.execute(  # one cached statement for all (see IdempotencyStore.claim_many)
                insert_or_ignore(receipt_codes).returning(
                    receipt_codes.c.suggestion_id, receipt_codes.c.code
                ),
                [{"code": c, "suggestion_id": h} for h, (_i, c) in drawn.items()],
            )
            found = list(made)
            if len(found) < len(drawn):  # a suggestion that has a code, or a code taken
                made_now = {row.suggestion_id for row in found}
                found += conn.execute(
                    select(receipt_codes.c.suggestion_id, receipt_codes.c.code).where(
                        receipt_codes.c.suggestion_id.in_([h for h in drawn if h not in made_now])
                    )
                ).all()
            for suggestion_id, code in found:
                codes[drawn[suggestion_id][0]] = code
            wanted = [i for i in wanted if i not in codes]
        raise RuntimeError("could not find a free receipt code")  # pragma: no cover

    def code_of(self, suggestion_id: UUID) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(
                select(receipt_codes.c.code).where(
                    receipt_codes.c.suggestion_id == suggestion_id.hex
                )
            ).scalar_one_or_none()

    def find(self, code: str) -> UUID | None:
        wanted = normalised(code)
        if wanted is None:
            return None
        with self.engine.connect() as connection:
            found = connection.execute(
                select(receipt_codes.c.suggestion_id).where(receipt_codes.c.code == wanted)
            ).scalar_one_or_none()
        return UUID(found) if found else None
