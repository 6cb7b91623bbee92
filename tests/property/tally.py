"""What the state machine tried, for the summary at the end of the run (the figures' recount
from the model is ``_expected_figures`` in test_application_state_machine.py)."""

from __future__ import annotations

from collections import Counter

TALLY: Counter[str] = Counter()
