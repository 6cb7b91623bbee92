"""Liaison's domain model: aggregates, their events and their rules.

Imports only the standard library and ``eventsourcing.domain``.
"""
