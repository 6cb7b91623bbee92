"""The web site and the JSON API, served by FastAPI."""
