"""The cycle collector, set for a process that serves or projects for a long time.

Python's collector walks every container object it tracks. A full collection starts once
the objects promoted since the last one reach a quarter of those that survived it, and
under load that is often: a comment waits for its group and outlives the young
generations, so each request promotes its objects. The start-up heap (the app, its
routes and schemas, SQLAlchemy's tables, the translations) was walked by every one of
them: on SQLite at about 500 comments a second, six full collections in ten seconds took
0.9 s of the single worker's time, and the requests they stopped waited up to 150 ms.

``settle`` is called once a process has started: what start-up made lives as long as the
process, so it is moved out of the collector's sight (``gc.freeze``), and the youngest
generation is collected less often (a collection costs the same however rarely it runs,
and what it finds is mostly still in use: the requests in flight). Not for test processes
or one-off commands: what they freeze and then drop would never be collected.
"""

from __future__ import annotations

import gc

YOUNG = 10_000
"""Objects allocated (less those freed) before the youngest generation is collected
(Python's default is 700)."""


def settle() -> None:
    """Collect once, then leave everything alive now out of later collections."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
