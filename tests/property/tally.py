"""What the state machine tried, for the summary at the end of the run."""

from __future__ import annotations

from collections import Counter

TALLY: Counter[str] = Counter()
