"""One settings object, read in one place, every setting documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from liaison.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_the_readme(name: str) -> None:
    assert f"LIAISON_{name.upper()}" in (ROOT / "README.md").read_text()


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = []
    for package in ("domain", "liaison", "projections", "web"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                    readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_settings_come_from_liaison_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    monkeypatch.setenv("LIAISON_TIMEZONE", "Asia/Urumqi")

    settings = Settings()

    assert settings.database_url == "sqlite:///elsewhere.sqlite3"
    assert settings.timezone == "Asia/Urumqi"
    assert settings.is_sqlite


def test_a_rebuild_batch_defaults_by_store_and_can_be_set() -> None:
    """SQLite's batches hold the one write lock that web workers wait for: smaller there."""
    sqlite = Settings(database_url="sqlite:///x.sqlite3")
    postgres = Settings(database_url="postgresql+psycopg://u@h/d")

    assert (sqlite.rebuild_batch, postgres.rebuild_batch) == (20_000, 50_000)
    assert (
        Settings(database_url="sqlite:///x.sqlite3", projection_rebuild_batch=7).rebuild_batch == 7
    )
