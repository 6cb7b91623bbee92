"""Read models built from the event log: the views people need, kept current by a projector."""
