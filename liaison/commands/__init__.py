"""The application service's commands, grouped by what they act on."""
