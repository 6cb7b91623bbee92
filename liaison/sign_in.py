"""Sign-in throttling that an attacker cannot turn against the account's owner.

Failures are counted per (account, address): after ``free`` failures in a row each further
one makes that pair wait twice as long as the one before (1 s, 2 s, 4 s … up to the window,
15 minutes), and a run of failures is forgotten 15 minutes after its latest. So a guesser
slows to one guess per quarter hour, while the owner signing in from another address is not
held up at all: there is no lock per account. A ceiling per address (four times ``free``
failures per 15 minutes, whatever the accounts) stops one address from trying many
accounts. Counters are rows (``rate_limits``), shared by every worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, select, update

from liaison.rate_limits import RateLimiter, locked_row, locking, rate_limits

WINDOW = 15 * 60
"""Seconds a run of failures is remembered after its latest; the longest delay."""


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after ``failures`` failures in a row: none for the first ``free``,
    then doubling from 1 s, never more than ``WINDOW``."""
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 20), WINDOW)


class SignInThrottle:
    def __init__(self, engine: Engine, free: int, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.free = free
        self.clock = clock
        self.addresses = RateLimiter(engine, clock)

    def wait(self, username: str, address: str) -> int:
        """Seconds before this account may be tried from this address; 0: now."""
        return max(
            self._pair_wait(_pair(username, address)),
            self.addresses.blocked_for(_address(address), 4 * self.free, WINDOW),
        )

    def failed(self, username: str, address: str) -> None:
        """Count a failure against the pair and the address."""
        self._count_pair(_pair(username, address))
        self.addresses.hit(_address(address), WINDOW)

    def succeeded(self, username: str, address: str) -> None:
        """The owner got in from here: their earlier slips from here no longer count."""
        bucket = _pair(username, address)
        with self.engine.begin() as conn:
            conn.execute(rate_limits.delete().where(rate_limits.c.bucket == bucket))

    def _pair_wait(self, bucket: str) -> int:
        now = int(self.clock())
        with self.engine.connect() as conn:
            row = conn.execute(select(rate_limits).where(rate_limits.c.bucket == bucket)).first()
        if row is None or now >= row.window_start + WINDOW:
            return 0
        return max(0, row.window_start + delay_after(row.hits, self.free) - now)

    def _count_pair(self, bucket: str) -> None:
        """``window_start`` holds the latest failure, ``hits`` the failures in a row."""
        now = int(self.clock())
        with locking(self.engine).begin() as conn:
            row = locked_row(conn, bucket, now)
            if row is None:
                return
            hits = 1 if now >= row.window_start + WINDOW else row.hits + 1
            conn.execute(
                update(rate_limits)
                .where(rate_limits.c.bucket == bucket)
                .values(window_start=now, hits=hits)
            )


def _pair(username: str, address: str) -> str:
    return f"sign-in:pair:{address}:{username[:64]}"


def _address(address: str) -> str:
    return f"sign-in:addr:{address}"
