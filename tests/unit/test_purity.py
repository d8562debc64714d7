"""The pipeline and the importer are pure: no storage, no terminal, no file system, no
environment, no clock, no garbage-collector tuning, no threads."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import salesflow.importer
import salesflow.pipeline

PIPELINE = Path(salesflow.pipeline.__file__).parent
IMPORTER = Path(salesflow.importer.__file__).parent
SALESFLOW = PIPELINE.parent
MODULES = sorted([*PIPELINE.rglob("*.py"), *IMPORTER.rglob("*.py")])
IDS = [str(m.relative_to(SALESFLOW)) for m in MODULES]
FORBIDDEN_IMPORTS = {
    "tinydb",
    "typer",
    "rich",
    "click",
    "os",
    "sys",
    "pathlib",
    "shutil",
    "tempfile",
    "glob",
    "io",
    "filelock",
    "platformdirs",
    "orjson",
    "time",
    "random",
    "secrets",
    "uuid",
    "gc",
    "threading",
    "multiprocessing",
    "concurrent",
    "asyncio",
    "subprocess",
    "socket",
    "signal",
}
"""I/O, environment, clock, randomness, the garbage collector and threads."""
IO_OK = {"io"}
"""In-memory text buffers (`io.StringIO`) of the importer's CSV parsing; `open` stays banned."""
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


def builtin_calls(tree: ast.AST) -> set[str]:
    """Names called as plain functions: `open(...)`, `input(...)`, `print(...)`."""
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def test_the_pipeline_and_the_importer_have_modules_to_check() -> None:
    names = set(IDS)
    assert {"pipeline/leads.py", "pipeline/money.py", "pipeline/imports.py"} <= names
    assert {"importer/reading.py", "importer/mapping.py", "importer/columns.py"} <= names


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_a_pure_module_imports_no_io_clock_gc_or_thread_library(module: Path) -> None:
    roots = {name.split(".")[0] for name in imported_modules(ast.parse(module.read_text()))}
    allowed = IO_OK if module.is_relative_to(IMPORTER) else set()
    assert roots & FORBIDDEN_IMPORTS - allowed == set()


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_a_pure_module_never_reads_the_clock(module: Path) -> None:
    assert clock_calls(ast.parse(module.read_text())) == []


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_a_pure_module_opens_no_file_and_talks_to_no_terminal(module: Path) -> None:
    assert builtin_calls(ast.parse(module.read_text())) & {"open", "input", "print"} == set()


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_a_pure_module_imports_only_salesflow_core_modules(module: Path) -> None:
    ours = {n for n in imported_modules(ast.parse(module.read_text())) if n.startswith("salesflow")}
    outside = {n for n in ours if not n.startswith(("salesflow.pipeline", "salesflow.importer"))}
    assert outside <= {"salesflow.errors", "salesflow.models"}
    if module.is_relative_to(PIPELINE):  # the importer feeds the pipeline, not the other way
        assert not any(n.startswith("salesflow.importer") for n in ours)


def test_the_checks_catch_what_they_look_for() -> None:
    sample = ast.parse(
        "import os\nfrom tinydb import TinyDB\nimport rich.console\n"
        "from datetime import date, datetime\nimport time\nimport gc\nfrom threading import Lock\n"
        "def f():\n    return date.today(), datetime.now(), time.time(), datetime.datetime.now()\n"
    )
    roots = {name.split(".")[0] for name in imported_modules(sample)}
    assert roots & FORBIDDEN_IMPORTS == {"os", "tinydb", "rich", "time", "gc", "threading"}
    assert clock_calls(sample) == [
        "date.today() on line 9",
        "datetime.now() on line 9",
        "time.time() on line 9",
        "datetime.now() on line 9",
    ]
    assert builtin_calls(ast.parse("open('x').read()\nprint(1)\nlen([])")) == {
        "open",
        "print",
        "len",
    }
