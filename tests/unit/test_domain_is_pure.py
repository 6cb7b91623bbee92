"""The domain imports only the standard library, ``eventsourcing.domain`` and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import domain

DOMAIN_DIR = Path(domain.__file__).parent
MODULES = sorted(DOMAIN_DIR.rglob("*.py"))


def imported_names(tree: ast.AST) -> list[str]:
    """Every module named by an import anywhere in ``tree`` (relative ones as ``domain.…``)."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from .rules import y: inside the package
                names.append(f"domain.{node.module or ''}".rstrip("."))
            else:
                assert node.module is not None
                names.append(node.module)
    return names


def allowed(name: str) -> bool:
    top = name.partition(".")[0]
    return (
        top in sys.stdlib_module_names
        or name == "eventsourcing.domain"
        or name == "domain"
        or name.startswith("domain.")
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("datetime", True),
        ("__future__", True),
        ("collections.abc", True),
        ("eventsourcing.domain", True),
        ("domain.rules", True),
        ("eventsourcing", False),
        ("eventsourcing.application", False),
        ("eventsourcing.domainx", False),
        ("domainx", False),
        ("sqlalchemy", False),
        ("liaison.application", False),
    ],
)
def test_the_rule_itself(name: str, expected: bool) -> None:
    assert allowed(name) is expected


def test_relative_imports_count_as_domain_imports() -> None:
    tree = ast.parse("from . import rules\nfrom .errors import DomainError\nimport os.path")

    assert imported_names(tree) == ["domain", "domain.errors", "os.path"]


def test_every_domain_module_is_checked() -> None:
    assert {p.name for p in MODULES} >= {
        "__init__.py",
        "base.py",
        "draft.py",
        "session.py",
        "suggestion.py",
        "report.py",
    }


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(DOMAIN_DIR).as_posix())
def test_domain_module_imports_only_stdlib_eventsourcing_domain_and_domain(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    forbidden = [name for name in imported_names(tree) if not allowed(name)]

    assert forbidden == []
