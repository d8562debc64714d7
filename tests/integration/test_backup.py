"""`salesflow backup FILE`: a consistent, private copy, never over an existing file by accident."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.helpers import Salesflow, one_error_line, salesflow_command


def test_a_backup_is_a_private_copy_of_the_data_file(
    db: Path, world: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "backup.json"
    old = os.umask(0o022)
    try:
        result = Salesflow(db).ok("backup", str(target))
    finally:
        os.umask(old)
    assert result.stdout == f"{target}\n"
    assert result.stderr == f"Backed up {db} ({len(world):,} bytes)\n"
    assert target.read_bytes() == world
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert db.read_bytes() == world


def test_a_backup_can_be_used_as_a_data_file(db: Path, world: bytes, tmp_path: Path) -> None:
    target = tmp_path / "backup.json"
    Salesflow(db).ok("backup", str(target))
    assert Salesflow(target).ok("doctor").stdout == "ok\n"
    assert Salesflow(target).number("lead", "add", "--company", "On the copy") == "L-0004"
    assert db.read_bytes() == world


def test_an_existing_file_is_overwritten_only_with_force(
    db: Path, world: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "backup.json"
    target.write_text("yesterday's backup")
    refused = Salesflow(db)("backup", str(target))
    assert refused.exit_code == 1
    assert one_error_line(refused.stderr) == (
        f"Error: backup: file {target} already exists; use --force to overwrite it"
    )
    assert target.read_text() == "yesterday's backup"
    Salesflow(db).ok("backup", str(target), "--force")
    assert target.read_bytes() == world


def test_there_is_nothing_to_back_up_before_the_first_write(db: Path, tmp_path: Path) -> None:
    refused = Salesflow(db)("backup", str(tmp_path / "b.json"))
    assert refused.exit_code == 1
    assert one_error_line(refused.stderr) == (
        f"Error: data file {db} does not exist yet; nothing to back up"
    )
    assert not (tmp_path / "b.json").exists()


def test_a_damaged_file_is_not_backed_up(db: Path, tmp_path: Path) -> None:
    db.write_bytes(b'{"leads": ')
    refused = Salesflow(db)("backup", str(tmp_path / "b.json"))
    assert refused.exit_code == 4
    assert one_error_line(refused.stderr).startswith(f"Error: data file {db} is not valid JSON")
    assert not (tmp_path / "b.json").exists()


def test_a_file_of_an_older_schema_is_backed_up_as_it_is(db: Path, tmp_path: Path) -> None:
    from tests.conftest import DATA

    old = (DATA / "schema-1.json").read_bytes()
    db.write_bytes(old)
    Salesflow(db).ok("backup", str(tmp_path / "b.json"))
    assert (tmp_path / "b.json").read_bytes() == old


@pytest.mark.slow
def test_a_backup_taken_during_a_write_is_the_version_before_it(
    db: Path, world: bytes, tmp_path: Path
) -> None:
    """A writer is held between its synced temp file and the rename; the backup made meanwhile
    is the old file, whole (writers only ever replace the file, and backup reads it once)."""
    writer = subprocess.Popen(
        [salesflow_command(), "--db", str(db), "lead", "add", "--company", "Slow"],
        env={**os.environ, "SALESFLOW_TEST_PAUSE_WRITE": "3"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not [p for p in tmp_path.iterdir() if p.name.startswith(".sales.json.tmp-")]:
            assert time.monotonic() < deadline and writer.poll() is None
            time.sleep(0.02)
        Salesflow(db).ok("backup", str(tmp_path / "during.json"))
    finally:
        out, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, err
    assert out == "L-0004\n"
    assert (tmp_path / "during.json").read_bytes() == world
    assert db.read_bytes() != world
