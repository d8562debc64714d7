"""Undo and redo: every write keeps the file as it was, with the command that replaced it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from salesflow.files import atomic_write_bytes
from salesflow.store import Store
from salesflow.store.versions import COMMAND, SOON_BYTES, Versions, digest, digest_soon
from tests.integration.helpers import Salesflow, one_error_line

WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d"


@pytest.fixture
def run(db: Path) -> Salesflow:
    return Salesflow(db)


def history_dir(db: Path) -> Path:
    return db.with_name(db.name + ".history")


def listing(run: Salesflow) -> dict[str, object]:
    return json.loads(run.ok("undo", "--list", "--json").stdout)  # type: ignore[no-any-return]


def three_leads(run: Salesflow, db: Path) -> list[bytes]:
    """Three `lead add` commands; the file's bytes after each."""
    versions = []
    for company in ("A", "B", "C"):
        run.ok("lead", "add", "--company", company)
        versions.append(db.read_bytes())
    return versions


# --- what is kept -----------------------------------------------------------------------------


def test_each_write_keeps_the_previous_version_and_the_command_that_replaced_it(
    run: Salesflow, db: Path
) -> None:
    after_a, _after_b, _ = three_leads(run, db)
    history = history_dir(db)
    assert sorted(p.name for p in history.iterdir()) == [
        "000001.command.json",
        "000002.before.json",
        "000002.command.json",
        "000003.before.json",
        "000003.command.json",
        "written",  # the data file's identity as the last write left it
    ]
    assert (history / "000002.before.json").read_bytes() == after_a
    entry = json.loads((history / "000002.command.json").read_bytes())
    assert entry["argv"] == ["lead", "add", "--company", "B"]
    assert (entry["kind"], entry["seq"], entry["before"]) == (COMMAND, 2, digest(after_a))
    first = json.loads((history / "000001.command.json").read_bytes())
    assert first["before"] is None  # there was no data file before the first command


def test_the_history_folder_and_its_files_are_private(run: Salesflow, db: Path) -> None:
    old = os.umask(0o022)
    try:
        three_leads(run, db)
        run.ok("undo")
    finally:
        os.umask(old)
    history = history_dir(db)
    assert stat.S_IMODE(history.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in history.iterdir()} == {0o600}


def test_the_kept_version_is_a_hard_link_to_the_file_the_write_replaced(
    run: Salesflow, db: Path
) -> None:
    run.ok("lead", "add", "--company", "A")
    replaced = db.stat().st_ino
    run.ok("lead", "add", "--company", "B")
    kept = history_dir(db) / "000002.before.json"
    assert kept.stat().st_ino == replaced != db.stat().st_ino


def test_where_hard_links_are_impossible_the_version_is_copied(
    run: Salesflow, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run.ok("lead", "add", "--company", "A")
    before = db.read_bytes()

    def no_links(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    run.ok("lead", "add", "--company", "B")
    kept = history_dir(db) / "000002.before.json"
    assert kept.read_bytes() == before
    assert kept.stat().st_nlink == 1
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    run.ok("undo")
    assert db.read_bytes() == before


def test_a_refused_command_keeps_no_version(run: Salesflow, db: Path) -> None:
    three_leads(run, db)
    assert run("lead", "show", "L-0404").exit_code == 1
    assert run("lead", "reactivate", "L-0001").exit_code == 1
    assert [e["seq"] for e in listing(run)["entries"]] == [3, 2, 1]  # type: ignore[index]


def test_a_write_that_would_not_change_the_file_is_skipped(run: Salesflow, db: Path) -> None:
    run.ok("init", "--currency", "EUR")
    inode = db.stat().st_ino
    run.ok("config", "set", "currency", "EUR")
    assert db.stat().st_ino == inode
    assert [e["seq"] for e in listing(run)["entries"]] == [1]  # type: ignore[index]


def test_only_the_last_history_keep_versions_are_kept(run: Salesflow, db: Path) -> None:
    run.ok("config", "set", "history_keep", "3")
    for company in "ABCDE":
        run.ok("lead", "add", "--company", company)
    entries = listing(run)["entries"]
    assert [e["change"] for e in entries] == [  # type: ignore[index]
        "lead add --company E",
        "lead add --company D",
        "lead add --company C",
    ]
    assert len(list(history_dir(db).iterdir())) == 7  # and the last write's identity
    for _ in range(3):
        run.ok("undo")
    refused = run("undo")
    assert refused.exit_code == 1
    assert one_error_line(refused.stderr) == (
        f"Error: nothing to undo: the oldest command kept in {history_dir(db)} is undone "
        "already (history_keep sets how many are kept)"
    )


def test_history_keep_0_keeps_no_versions(run: Salesflow, db: Path) -> None:
    three_leads(run, db)
    run.ok("config", "set", "history_keep", "0")
    run.ok("lead", "add", "--company", "D")
    assert list(history_dir(db).iterdir()) == []
    refused = run("undo")
    assert refused.exit_code == 1
    assert one_error_line(refused.stderr) == (
        f"Error: nothing to undo: {history_dir(db)} holds no earlier version of {db}"
    )


# --- undo and redo ----------------------------------------------------------------------------


def test_undo_restores_the_version_before_the_last_command_and_names_it(
    run: Salesflow, db: Path
) -> None:
    _, after_b, _ = three_leads(run, db)
    undone = run.ok("undo")
    assert re.fullmatch(
        rf"Undid `lead add --company C` \(#3, {WHEN}\); `salesflow redo` takes this undo back\n",
        undone.stderr,
    )
    assert undone.stdout == ""
    assert db.read_bytes() == after_b


def test_undo_again_goes_one_more_command_back(run: Salesflow, db: Path) -> None:
    after_a, _, _ = three_leads(run, db)
    run.ok("undo")
    second = run.ok("undo", "--json")
    assert json.loads(second.stdout)["undone"]["change"] == "lead add --company B"
    assert db.read_bytes() == after_a


def test_redo_takes_back_undos_in_reverse_order(run: Salesflow, db: Path) -> None:
    _, after_b, after_c = three_leads(run, db)
    run.ok("undo")
    run.ok("undo")
    assert run.ok("redo").stderr == (
        "Redid `lead add --company B`; `salesflow undo` undoes it again\n"
    )
    assert db.read_bytes() == after_b
    run.ok("redo")
    assert db.read_bytes() == after_c
    refused = run("redo")
    assert refused.exit_code == 1
    assert one_error_line(refused.stderr) == (
        f"Error: nothing to redo in {history_dir(db)}: no undo since the last command that "
        "changed the data file"
    )


def test_an_undone_redo_can_be_redone_again(run: Salesflow, db: Path) -> None:
    _, after_b, after_c = three_leads(run, db)
    run.ok("undo")
    run.ok("redo")
    run.ok("undo")
    assert db.read_bytes() == after_b
    run.ok("redo")
    assert db.read_bytes() == after_c


def test_a_new_command_after_an_undo_ends_what_redo_can_take_back(run: Salesflow, db: Path) -> None:
    three_leads(run, db)
    run.ok("undo")
    run.ok("lead", "add", "--company", "D")
    assert run("redo").exit_code == 1
    shown = run.ok("lead", "list", "--json").stdout
    assert [lead["company"] for lead in json.loads(shown)] == ["A", "B", "D"]


def test_undo_rewinds_the_counters_with_the_file(run: Salesflow, db: Path) -> None:
    three_leads(run, db)
    run.ok("undo")
    assert run.number("lead", "add", "--company", "D") == "L-0003"


def test_undo_of_the_first_command_removes_the_file_and_redo_brings_it_back(
    run: Salesflow, db: Path
) -> None:
    run.ok("lead", "add", "--company", "A")
    created = db.read_bytes()
    undone = run.ok("undo")
    assert undone.stderr.splitlines()[1] == (
        f"The data file did not exist before that command, so {db} was removed; its last "
        "version is kept in the history"
    )
    assert not db.exists()
    run.ok("redo")
    assert db.read_bytes() == created


def test_undo_of_a_batch_removes_the_whole_batch(run: Salesflow, db: Path) -> None:
    three_leads(run, db)
    before = db.read_bytes()
    run.ok("lead", "qualify", "L-0001", "L-0002", "L-0003")
    run.ok("undo")
    assert db.read_bytes() == before


def test_undo_list_shows_the_versions_newest_first_and_what_undo_and_redo_would_do(
    run: Salesflow, db: Path
) -> None:
    three_leads(run, db)
    run.ok("undo")
    shown = listing(run)
    assert shown["directory"] == str(history_dir(db))
    assert (shown["next_undo"], shown["next_redo"]) == (2, 4)
    assert [(e["seq"], e["kind"], e["change"], e["note"]) for e in shown["entries"]] == [  # type: ignore[union-attr]
        (4, "undo", "lead add --company C", "next redo"),
        (3, "command", "lead add --company C", "undone"),
        (2, "command", "lead add --company B", "next undo"),
        (1, "command", "lead add --company A", ""),
    ]
    table = run.ok("undo", "--list").stdout.splitlines()
    assert table[0].split() == ["#", "When", "Change", "Note"]
    assert re.fullmatch(rf"4  {WHEN}  undo of: lead add --company C  next redo", table[1])


def test_undo_list_of_a_file_without_history_says_so(run: Salesflow, db: Path) -> None:
    result = run.ok("undo", "--list")
    assert result.stdout == ""
    assert result.stderr == f"No earlier versions kept in {history_dir(db)}.\n"


@pytest.mark.slow
def test_undo_waits_for_the_lock_like_any_writer(
    run: Salesflow, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_leads(run, db)
    before = db.read_bytes()
    monkeypatch.setenv("SALESFLOW_LOCK_TIMEOUT", "0.2")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, filelock\n"
            "lock = filelock.FileLock(sys.argv[1]); lock.acquire()\n"
            "print('locked', flush=True); sys.stdin.read()\n",
            f"{db}.lock",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        refused = run("undo")
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    assert refused.exit_code == 4
    assert one_error_line(refused.stderr).startswith(f"Error: data file {db} is in use by another")
    assert db.read_bytes() == before


# --- recovery -----------------------------------------------------------------------------------


def test_undo_recovers_a_file_damaged_outside_salesflow_and_keeps_the_damaged_one(
    run: Salesflow, db: Path
) -> None:
    _, after_b, _ = three_leads(run, db)
    db.write_bytes(b'{"leads": {"1": {"numb')
    refused = run("lead", "list")
    assert refused.exit_code == 4
    assert one_error_line(refused.stderr).endswith("; restore a backup or run `salesflow undo`")
    undone = run.ok("undo")
    assert undone.stderr.splitlines()[1] == (
        "Note: the data file had been changed outside salesflow since its last write; that "
        "version is kept too (`salesflow undo --list`)"
    )
    assert db.read_bytes() == after_b  # the last command's version was the damaged one
    kept = history_dir(db) / "000004.before.json"
    assert kept.read_bytes() == b'{"leads": {"1": {"numb'
    refused = run("redo")
    assert refused.exit_code == 4
    assert one_error_line(refused.stderr) == (
        f"Error: cannot redo: the version it would restore ({kept}) is not valid JSON "
        "(unexpected end of data: line 1 column 23 (char 22)); it stays in the history for "
        "inspection"
    )
    assert db.read_bytes() == after_b


def test_an_entry_whose_write_never_happened_is_ignored_and_then_removed(db: Path) -> None:
    """A writer killed between keeping the version and replacing the file leaves an entry whose
    `before` is still the data file; undo must not offer it."""
    run = Salesflow(db)
    _, after_b, _ = three_leads(run, db)
    current = db.read_bytes()
    Versions(db).record(
        kind=COMMAND,
        argv=["lead", "add", "--company", "Killed"],
        at="2026-11-27T10:00:00+01:00",
        previous=current,
        new=b"{}",
    )
    assert [e.change for e in Store(db).undo_versions().versions][-1] == "lead add --company C"
    run.ok("undo")
    assert db.read_bytes() == after_b
    newest = json.loads((history_dir(db) / "000004.command.json").read_bytes())
    assert (newest["kind"], newest["target"]) == ("undo", 3)  # the killed one's number, reused


def test_an_entry_whose_write_never_happened_is_removed_by_the_next_write(db: Path) -> None:
    """The next command that writes finds the killed writer's entry at its commit, once the
    file's digest is made, and takes its number."""
    run = Salesflow(db)
    three_leads(run, db)
    Versions(db).record(
        kind=COMMAND,
        argv=["lead", "add", "--company", "Killed"],
        at="2026-11-27T10:00:00+01:00",
        previous=db.read_bytes(),
        new=b"{}",
    )
    run.ok("lead", "add", "--company", "D")

    entries = Store(db).undo_versions().versions
    assert [e.change for e in entries] == [
        "lead add --company A",
        "lead add --company B",
        "lead add --company C",
        "lead add --company D",
    ]
    assert entries[-1].seq == 4
    assert entries[-1].after == digest(db.read_bytes())


def test_a_large_file_digested_in_a_thread_has_the_digest_made_in_one_go(db: Path) -> None:
    data = os.urandom(SOON_BYTES) + b"salesflow"
    expected = hashlib.sha256(data).hexdigest()

    digest_soon(data)

    assert digest(data) == expected
    assert digest(data) == expected  # kept, not made again
    assert digest([data[:10], memoryview(data)[10:]]) == expected  # in parts


def test_halves_of_entries_and_temp_files_in_the_history_are_tidied_by_the_next_write(
    run: Salesflow, db: Path
) -> None:
    three_leads(run, db)
    history = history_dir(db)
    atomic_write_bytes(history / "000009.before.json", b"{}")  # a version without its command
    (history / ".000010.command.json.tmp-x").write_bytes(b"{")
    (history / "000003.before.json").unlink()  # a command whose version is gone
    run.ok("lead", "add", "--company", "D")
    assert sorted(p.name for p in history.iterdir()) == [
        "000001.command.json",
        "000002.before.json",
        "000002.command.json",
        "000003.before.json",
        "000003.command.json",
        "written",  # the data file's identity as the last write left it
    ]
    assert listing(run)["entries"][0]["change"] == "lead add --company D"  # type: ignore[index]


def test_undo_of_an_import_removes_the_whole_import(run: Salesflow, db: Path) -> None:
    from tests.conftest import DATA

    run.ok("lead", "add", "--company", "Before the import")
    before = db.read_bytes()
    imported = run.ok("lead", "import", str(DATA / "outlook-en.csv"), "--source", "Fair")
    assert imported.stderr.splitlines()[-1].startswith("Imported 5 leads from outlook-en.csv")
    undone = run.ok("undo")
    assert undone.stderr.startswith(
        f"Undid `lead import {DATA / 'outlook-en.csv'} --source Fair` (#2, "
    )
    assert db.read_bytes() == before
    run.ok("redo")
    assert len(json.loads(run.ok("lead", "list", "--json").stdout)) == 6


def test_a_version_that_cannot_be_kept_stops_the_write_before_the_replace(db: Path) -> None:
    """The new file is written first; keeping the version fails before it replaces the old."""
    run = Salesflow(db)
    run.ok("lead", "add", "--company", "A")
    before = db.read_bytes()
    history = history_dir(db)
    for kept in history.iterdir():
        kept.unlink()
    history.rmdir()
    history.write_text("not a folder")

    refused = run("lead", "add", "--company", "B")

    assert refused.exit_code == 4
    assert one_error_line(refused.stderr) == (
        f"Error: cannot keep the previous version of data file {db} in {history} (File exists); "
        "nothing was written. Fix that folder, or turn the history off with "
        "`salesflow config set history_keep 0`"
    )
    assert db.read_bytes() == before
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(f".{db.name}.tmp")] == []


def test_a_version_records_the_command_line_the_store_was_given_without_the_data_file(
    db: Path,
) -> None:
    store = Store(db, argv=["--db", str(db), "lead", "add", f"--db={db}", "--company", "A"])
    with store.writing() as session:
        session.next_numbers("L")
    with Store(db, argv=["undo"]).writing() as session:
        session.next_numbers("L")
    versions = Store(db).undo_versions().versions
    assert [v.argv for v in versions] == [["lead", "add", "--company", "A"], ["undo"]]
    assert [v.change for v in versions] == ["lead add --company A", "undo"]


def test_a_store_given_no_command_line_records_an_empty_one(db: Path) -> None:
    with Store(db).writing() as session:
        session.next_numbers("L")
    assert [v.argv for v in Store(db).undo_versions().versions] == [[]]


def test_the_cli_gives_the_store_its_command_line(db: Path) -> None:
    Salesflow(db).ok("lead", "add", "--company", "A")
    assert [v.argv for v in Store(db).undo_versions().versions] == [
        ["lead", "add", "--company", "A"]
    ]
