"""Property-based tests; ``FAULTS_LONG=1`` (make faults) runs many more sequences."""

from __future__ import annotations

from typing import Any

from tests.property.tally import TALLY


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLY:
        return
    terminalreporter.section("state machine figures")
    refused = {k: v for k, v in sorted(TALLY.items()) if k.endswith("Error")}
    terminalreporter.write_line(
        f"sequences={TALLY['sequences']}, commands={TALLY['commands']}, "
        f"accepted={TALLY['accepted']}, refused={sum(refused.values())} {refused}, "
        f"rebuilds compared={TALLY['rebuilds']}, figures compared={TALLY['figures']}, "
        f"persons told by report={TALLY['told by report']} (merged={TALLY['merged told']})"
    )
