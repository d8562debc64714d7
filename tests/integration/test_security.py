"""Personal data stays private: files are created 0600 (folders 0700), existing files are not
overwritten by accident, documents escape user text, CSV cells never run as formulas, and no
user text reaches a shell or `eval`."""

from __future__ import annotations

import ast
import csv
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import salesflow
from tests.integration.helpers import Salesflow, one_error_line


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_file_salesflow_writes_is_private(
    db: Path, world: bytes, tmp_path: Path, umask_022: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = Salesflow(db)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    run.ok("lead", "add", "--company", "Private")
    run.ok("undo")
    run.ok("backup", "backup.json")
    run.ok("export", "leads", "--output", "leads.csv")
    for fmt in ("pdf", "html", "md"):
        run.ok("quote", "export", "QUO-0001", "--format", fmt)
        run.ok("invoice", "export", "INV-2026-0001", "--format", fmt)
    history = db.with_name("sales.json.history")
    assert mode(db) == mode(db.with_name("sales.json.lock")) == 0o600
    assert mode(history) == 0o700
    written = [*history.iterdir(), *out.iterdir()]
    assert sorted(p.name for p in out.iterdir()) == [
        "INV-2026-0001.html",
        "INV-2026-0001.md",
        "INV-2026-0001.pdf",
        "QUO-0001.html",
        "QUO-0001.md",
        "QUO-0001.pdf",
        "backup.json",
        "leads.csv",
    ]
    assert {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}


@pytest.mark.parametrize(
    "args",
    [
        ["backup", "{file}"],
        ["quote", "export", "QUO-0001", "--format", "md", "--output", "{file}"],
        ["invoice", "export", "INV-2026-0001", "--format", "html", "--output", "{file}"],
        ["export", "leads", "--output", "{file}"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_an_existing_output_file_is_replaced_only_with_force(
    db: Path, world: bytes, tmp_path: Path, args: list[str]
) -> None:
    target = tmp_path / "existing.out"
    target.write_text("precious")
    filled = [a.replace("{file}", str(target)) for a in args]
    refused = Salesflow(db)(*filled)
    assert refused.exit_code == 1
    assert one_error_line(refused.stderr).endswith(
        f"{target} already exists; use --force to overwrite it"
    )
    assert target.read_text() == "precious"
    Salesflow(db).ok(*filled, "--force")
    assert target.read_text() != "precious"
    assert mode(target) == 0o600


def test_relative_output_paths_are_taken_from_the_current_folder_as_given(
    db: Path, world: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "a" / "b"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    Salesflow(db).ok("backup", "../copy.json")
    assert (tmp_path / "a" / "copy.json").read_bytes() == world


HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def test_html_documents_escape_every_user_provided_string(db: Path, tmp_path: Path) -> None:
    run = Salesflow(db)
    run.ok("init", "--company", HOSTILE, "--address", HOSTILE)
    run.ok("product", "add", "X", "--name", HOSTILE, "--price", "10")
    run.ok("lead", "add", "--first-name", HOSTILE, "--last-name", "L", "--company", HOSTILE)
    run.ok("lead", "qualify", "L-0001")
    run.ok("opp", "add-product", "OPP-0001", "X")
    run.ok("opp", "add-product", "OPP-0001", "--write-in", HOSTILE, "--price", "1")
    run.ok("quote", "create", "OPP-0001")
    page = tmp_path / "q.html"
    run.ok("quote", "export", "QUO-0001", "--format", "html", "--output", str(page))
    html = page.read_text()
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert "&amp; &lt;img" in html


@pytest.mark.parametrize("args", [["lead", "list", "--csv"], ["export", "leads"]], ids=" ".join)
def test_csv_output_never_lets_a_spreadsheet_run_a_cell(db: Path, args: list[str]) -> None:
    run = Salesflow(db)
    formula = '=HYPERLINK("http://evil.example","Click")'
    run.ok("lead", "add", "--company", formula, "--notes", "@SUM(A1)", "--estimated-value", "12.5")
    text = run.ok(*args).stdout.removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["company"] == "'" + formula
    assert rows[0]["notes"] == "'@SUM(A1)"
    assert rows[0]["estimated_value"] == "12.50"


FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRIBUTES = {
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("os", "spawnv"),
    ("pickle", "loads"),
    ("marshal", "loads"),
}
FORBIDDEN_MODULES = {"subprocess", "pickle", "marshal", "shelve"}


def _sources() -> list[Path]:
    return sorted(Path(salesflow.__file__).parent.rglob("*.py"))


@pytest.mark.slow
def test_no_user_text_is_ever_passed_to_a_shell_or_eval() -> None:
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Import):
                found += [where for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(where)
            elif isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                    found.append(where)
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and (func.value.id, func.attr) in FORBIDDEN_ATTRIBUTES
                ):
                    found.append(where)
                if any(k.arg == "shell" for k in node.keywords):
                    found.append(where)
    assert len(_sources()) > 20
    assert found == []
