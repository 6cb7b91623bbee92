"""The projector in a process of its own, slowed down so that a SIGKILL lands mid-batch.

    python -m tests.reliability.project_slowly DATABASE_URL BATCH DELAY catch-up|rebuild

Each event waits ``DELAY`` seconds inside its batch's transaction. Prints ``ready`` when it
starts applying and ``done`` once the read models are caught up.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import Any

from liaison.bootstrap import bootstrap
from liaison.settings import Settings

if __name__ == "__main__":
    url, batch, delay, mode = sys.argv[1:]
    liaison = bootstrap(
        Settings(database_url=url, projection_batch=int(batch)), project_on_save=False
    )
    apply = liaison.projector.apply

    def slowly(conn: Any, notifications: Sequence[Any]) -> None:
        for notification in notifications:
            time.sleep(float(delay))
            apply(conn, [notification])

    liaison.projector.apply = slowly  # type: ignore[method-assign]
    print("ready", flush=True)
    if mode == "rebuild":
        liaison.projector.rebuild()
    else:
        liaison.projector.catch_up()
    print("done", flush=True)
    liaison.close()
