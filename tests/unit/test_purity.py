"""The pipeline is pure: no storage, no terminal, no file system, no clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import salesflow.pipeline

PIPELINE = Path(salesflow.pipeline.__file__).parent
MODULES = sorted(PIPELINE.rglob("*.py"))
FORBIDDEN_IMPORTS = {
    "tinydb",
    "typer",
    "rich",
    "click",
    "os",
    "pathlib",
    "filelock",
    "orjson",
    "time",
    "random",
}
CLOCKS = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("time", "time")}


def imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def clock_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = (
                owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            )
            if (owner_name, node.func.attr) in CLOCKS:
                found.append(f"{owner_name}.{node.func.attr}() on line {node.lineno}")
    return found


def test_the_pipeline_has_modules_to_check() -> None:
    assert {"leads.py", "opportunities.py", "money.py", "states.py"} <= {m.name for m in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(PIPELINE)) for m in MODULES])
def test_a_pipeline_module_imports_no_io_library(module: Path) -> None:
    roots = {name.split(".")[0] for name in imported_modules(ast.parse(module.read_text()))}
    assert roots & FORBIDDEN_IMPORTS == set()


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(PIPELINE)) for m in MODULES])
def test_a_pipeline_module_never_reads_the_clock(module: Path) -> None:
    assert clock_calls(ast.parse(module.read_text())) == []


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(PIPELINE)) for m in MODULES])
def test_a_pipeline_module_imports_only_salesflow_core_modules(module: Path) -> None:
    ours = {n for n in imported_modules(ast.parse(module.read_text())) if n.startswith("salesflow")}
    outside = {n for n in ours if not n.startswith("salesflow.pipeline")}
    assert outside <= {"salesflow.errors", "salesflow.models"}


def test_the_checks_catch_what_they_look_for() -> None:
    sample = ast.parse(
        "import os\nfrom tinydb import TinyDB\nimport rich.console\n"
        "from datetime import date, datetime\nimport time\n"
        "def f():\n    return date.today(), datetime.now(), time.time(), datetime.datetime.now()\n"
    )
    roots = {name.split(".")[0] for name in imported_modules(sample)}
    assert roots & FORBIDDEN_IMPORTS == {"os", "tinydb", "rich", "time"}
    assert clock_calls(sample) == [
        "date.today() on line 7",
        "datetime.now() on line 7",
        "time.time() on line 7",
        "datetime.now() on line 7",
    ]
