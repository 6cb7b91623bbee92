"""Read models built from the event log: the views people need, kept current by a projector."""

from projections import aggregates as aggregates  # registers the projector's after_write hook
