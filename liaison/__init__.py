"""Liaison: an event-sourced platform for grassroots legislative contact points."""
