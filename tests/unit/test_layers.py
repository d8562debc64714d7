"""The layers of ARCHITECTURE.md and the imports each may make, checked on the source.

shell (cli/) -> services/ -> pipeline/, importer/, documents/ -> models, errors;
services/ -> store/ (the contract; only the store imports tinydb or psycopg)
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "salesflow"


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _imports(path: Path) -> tuple[tuple[int, str], ...]:
    """Every module `path` imports, at any depth (function-level imports included); each file
    is parsed once for all the tests here."""
    return tuple(_found_imports(path))


@functools.cache
def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _found_imports(path: Path) -> Iterator[tuple[int, str]]:
    tree = _parsed(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in paths:
        for line, name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    return sorted(set(found))


def _outside_store() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "store" not in p.relative_to(PACKAGE).parts[:1]]


def test_only_the_store_imports_the_storage_engines() -> None:
    assert _offenders(_outside_store(), ("tinydb", "psycopg")) == []


@pytest.mark.parametrize("folder", ["pipeline", "importer"])
def test_the_pure_core_imports_no_outer_layer(folder: str) -> None:
    outer = ("salesflow.cli", "salesflow.services", "salesflow.store", "salesflow.documents")
    assert _offenders(_modules(folder), (*outer, "typer", "rich", "click")) == []


def test_services_know_nothing_of_the_shell() -> None:
    assert _offenders(_modules("services"), ("salesflow.cli", "typer", "click", "rich")) == []


def _store_submodule(name: str) -> bool:
    parts = name.split(".")
    if parts[:2] != ["salesflow", "store"] or len(parts) < 3:
        return False
    where = PACKAGE.joinpath("store", *parts[2:])
    return where.with_suffix(".py").exists() or where.is_dir()


FRONTS = {"salesflow.store.contract", "salesflow.store.postgres"}
"""Besides `salesflow.store` itself: the contract, and the team backend's package (`db init`)."""


def test_the_shell_reaches_the_store_only_through_its_front() -> None:
    """The CLI opens a backend and hands its units of work to services; of the store it imports
    the package's front and the contract, no part of a backend (layout, locking, tracking, undo
    versions, collector)."""
    found = []
    for path in _modules("cli"):
        for line, name in _imports(path):
            if _store_submodule(name) and name not in FRONTS:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    assert sorted(set(found)) == []


def test_only_the_store_handles_the_garbage_collector() -> None:
    """Holding the collector is the store's business (`salesflow.store.collector`); the import
    and batch services ask it, the shell never does."""
    assert _offenders(_outside_store(), ("gc",)) == []
