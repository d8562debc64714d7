"""Ways a write could lose records, each refused before anything is written: a number counter
behind the records, damage in a table the command does not read, duplicate keys."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from salesflow.store import layout
from tests.integration.helpers import Salesflow, one_error_line

HINT = "; restore a backup or run `salesflow undo`"


def tables_of(raw: bytes) -> dict[str, bytes]:
    parts = layout.split(raw)
    assert parts is not None
    return {name: bytes(body) for name, body in parts.items()}


def with_counter(raw: bytes, series: str, value: int | None) -> bytes:
    """The file with one counter set (None: removed), edited in its `_meta` line only."""
    tables = tables_of(raw)
    meta = orjson.loads(tables["_meta"])
    if value is None:
        meta["1"]["counters"].pop(series)
    else:
        meta["1"]["counters"][series] = value
    tables["_meta"] = orjson.dumps(meta)
    return layout.join(tables.items())


def behind(db: Path, series: str, counter: int, number: str) -> str:
    return (
        f"Error: data file {db}: counter {series} is at {counter} but {number} is in use, so a "
        "new number could overwrite that record; nothing was written. `salesflow doctor` lists "
        "the counters behind"
    )


# --- 1. a counter behind the records -----------------------------------------------------------

SERIES = [
    ("L", "L-0003"),
    ("ACC", "ACC-0001"),
    ("CON", "CON-0001"),
    ("OPP", "OPP-0005"),
    ("QUO", "QUO-0004"),
    ("ORD", "ORD-0003"),
    ("INV-2026", "INV-2026-0002"),
]


@pytest.mark.parametrize(("series", "highest"), SERIES, ids=[s[0] for s in SERIES])
def test_every_writer_refuses_a_file_whose_counter_is_behind_its_records(
    db: Path, world: bytes, series: str, highest: str
) -> None:
    edited = with_counter(world, series, 0)
    db.write_bytes(edited)
    run = Salesflow(db)
    for args in (["config", "set", "payment_terms", "14"], ["lead", "add", "--company", "New"]):
        result = run(*args)
        assert result.exit_code == 4
        assert one_error_line(result.stderr) == behind(db, series, 0, highest)
        assert result.stdout == ""
        assert db.read_bytes() == edited
    assert run.ok("lead", "show", "L-0001").stdout.startswith("Number")  # readers still read


def test_the_invoice_and_its_payment_survive_a_counter_set_back(db: Path, world: bytes) -> None:
    """The reported loss: INV-2026-0001 (paid 50.00) would have been overwritten by the next
    invoice once the counter said 0."""
    edited = with_counter(world, "INV-2026", 0)
    db.write_bytes(edited)
    result = Salesflow(db)("order", "fulfil", "ORD-0002")
    assert one_error_line(result.stderr) == behind(db, "INV-2026", 0, "INV-2026-0002")
    assert db.read_bytes() == edited
    doctor = Salesflow(db)("doctor", "--json")
    assert doctor.exit_code == 1
    assert {
        "check": "numbering",
        "where": "INV-2026",
        "message": "counter is 0 but INV-2026-0002 exists; new records would get numbers "
        "already in use",
    } in json.loads(doctor.stdout)["problems"]


def test_a_file_without_meta_gets_no_number_twice(db: Path, world: bytes) -> None:
    tables = tables_of(world)
    del tables["_meta"]
    edited = layout.join(tables.items())
    db.write_bytes(edited)
    result = Salesflow(db)("lead", "add", "--company", "New")
    assert result.exit_code == 4
    assert one_error_line(result.stderr) == behind(db, "ACC", 0, "ACC-0001")
    assert db.read_bytes() == edited


def test_a_hand_edited_file_in_any_layout_is_checked_too(db: Path, world: bytes) -> None:
    data = json.loads(world)
    data["_meta"]["1"]["counters"]["L"] = 2
    edited = json.dumps(data, indent=1).encode()
    db.write_bytes(edited)
    result = Salesflow(db)("lead", "add", "--company", "New")
    assert one_error_line(result.stderr) == behind(db, "L", 2, "L-0003")
    assert db.read_bytes() == edited


def test_a_counter_set_back_after_writes_kept_in_the_history_is_refused(db: Path) -> None:
    run = Salesflow(db)
    for company in ("A", "B", "C"):
        run.ok("lead", "add", "--company", company)
    edited = with_counter(db.read_bytes(), "L", 1)
    db.write_bytes(edited)
    result = run("lead", "add", "--company", "D")
    assert one_error_line(result.stderr) == behind(db, "L", 1, "L-0003")
    assert db.read_bytes() == edited


def test_a_counter_ahead_of_the_records_is_fine(db: Path, world: bytes) -> None:
    db.write_bytes(with_counter(world, "L", 40))
    assert Salesflow(db).number("lead", "add", "--company", "New") == "L-0041"
    assert Salesflow(db).number("lead", "add", "--company", "Next") == "L-0042"


# --- 3. damage in a table the command does not read --------------------------------------------


def damaged_events(world: bytes, *, insert: bool) -> bytes:
    tables = tables_of(world)
    events = tables["events"]
    at = events.index(b'"number":') + len(b'"number"')
    tables["events"] = events[:at] + (b";:" if insert else b";") + events[at + 1 :]
    return layout.join(tables.items())


@pytest.mark.parametrize("insert", [False, True], ids=["byte replaced", "byte inserted"])
def test_a_stray_byte_in_the_events_line_stops_every_writer(
    db: Path, world: bytes, insert: bool
) -> None:
    damaged = damaged_events(world, insert=insert)
    assert len(damaged) == len(world) + insert
    db.write_bytes(damaged)
    run = Salesflow(db)
    for args in (
        ["lead", "add", "--company", "X"],
        ["product", "add", "NEW", "--name", "New", "--price", "1"],
        ["config", "set", "payment_terms", "14"],
        ["lead", "import", "-"],
    ):
        result = run(*args, input="Company\nImported\n")
        assert result.exit_code == 4, args
        error = one_error_line(result.stderr)
        assert error.startswith(f"Error: data file {db} is not valid JSON (table 'events': "), args
        assert error.endswith(HINT)
        assert db.read_bytes() == damaged
    assert run.ok("lead", "show", "L-0001").stdout.startswith("Number")  # readers of other tables


def test_a_stray_byte_after_writes_kept_in_the_history_stops_writers_too(
    db: Path, world: bytes
) -> None:
    db.write_bytes(world)
    run = Salesflow(db)
    run.ok("lead", "add", "--company", "Kept in the history")
    damaged = damaged_events(db.read_bytes(), insert=False)
    db.write_bytes(damaged)
    result = run("lead", "add", "--company", "X")
    assert result.exit_code == 4
    assert "(table 'events': " in one_error_line(result.stderr)
    assert db.read_bytes() == damaged
    run.ok("undo")
    assert run.number("lead", "add", "--company", "After the undo") == "L-0004"


def test_a_hand_edit_that_keeps_the_json_valid_is_written_back(db: Path, world: bytes) -> None:
    tables = tables_of(world)
    tables["events"] = tables["events"].replace(b'"number":"L-0001"', b'"number":"L-0002"', 1)
    db.write_bytes(layout.join(tables.items()))
    Salesflow(db).ok("lead", "add", "--company", "X")
    assert tables_of(db.read_bytes())["events"].startswith(tables["events"][:-1])


def test_undo_goes_back_past_a_damaged_version_in_the_history(db: Path) -> None:
    run = Salesflow(db)
    run.ok("lead", "add", "--company", "A")
    first = db.read_bytes()
    run.ok("lead", "add", "--company", "B")
    run.ok("lead", "add", "--company", "C")
    history = db.with_name(db.name + ".history")
    (history / "000003.before.json").write_bytes(b'{"leads": {"1": ')  # the version before C
    result = run.ok("undo")
    assert "lead add --company C" in result.stderr
    assert "lead add --company B" in result.stderr
    assert "is damaged" in result.stderr
    assert db.read_bytes() == first
    assert run.number("lead", "add", "--company", "D") == "L-0002"


# --- 4. duplicate keys --------------------------------------------------------------------------


def test_a_record_id_twice_is_damage_named_by_every_command(db: Path, world: bytes) -> None:
    tables = tables_of(world)
    leads = tables["leads"]
    last = leads.rindex(b',"3":{')
    tables["leads"] = leads[:-1] + leads[last:-1].replace(b'"Globex"', b'"Globex 2"') + b"}"
    damaged = layout.join(tables.items())
    db.write_bytes(damaged)
    run = Salesflow(db)
    for args in (["lead", "list"], ["lead", "add", "--company", "X"], ["lead", "show", "L-0003"]):
        result = run(*args)
        assert result.exit_code == 4, args
        assert one_error_line(result.stderr) == (
            f"Error: data file {db}: table 'leads' holds key '3' twice" + HINT
        )
    doctor = run("doctor", "--json")
    assert doctor.exit_code == 4
    assert "table 'leads' holds key '3' twice" in one_error_line(doctor.stderr)
    assert json.loads(doctor.stdout)["problems"] == [
        {"check": "duplicate", "where": "leads", "message": "key '3' appears twice"}
    ]
    assert db.read_bytes() == damaged


def test_a_table_twice_is_damage(db: Path, world: bytes) -> None:
    tables = tables_of(world)
    damaged = world[: -len(layout.TAIL)] + b',\n"leads":' + tables["leads"] + layout.TAIL
    db.write_bytes(damaged)
    result = Salesflow(db)("lead", "add", "--company", "X")
    assert result.exit_code == 4
    assert one_error_line(result.stderr) == (
        f"Error: data file {db}: table 'leads' appears twice" + HINT
    )
    doctor = Salesflow(db)("doctor")
    assert doctor.exit_code == 4
    assert doctor.stdout.splitlines()[-1].split() == [
        "duplicate",
        "leads",
        "table",
        "'leads'",
        "appears",
        "twice",
    ]
    assert db.read_bytes() == damaged


def test_record_ids_out_of_order_are_read_and_added_to_correctly(db: Path, world: bytes) -> None:
    data = json.loads(world)
    leads = data["leads"]
    data["leads"] = {k: leads[k] for k in sorted(leads, key=int, reverse=True)}
    tables = {name: orjson.dumps(table) for name, table in data.items()}
    db.write_bytes(layout.join(tables.items()))
    run = Salesflow(db)
    assert run.number("lead", "add", "--company", "New") == "L-0004"
    listed = json.loads(run.ok("lead", "list", "--json").stdout)
    assert [lead["number"] for lead in listed] == ["L-0001", "L-0002", "L-0003", "L-0004"]


def test_a_file_made_by_file_bytes_is_known_to_the_next_write(db: Path, world: bytes) -> None:
    from salesflow.store import UNKNOWN, AtomicJSONStorage, UnitOfWorkStorage, file_bytes

    data = json.loads(world)
    db.write_bytes(file_bytes(data))
    storage = UnitOfWorkStorage(AtomicJSONStorage(db))
    storage.start_checksums()
    assert storage.verify(UNKNOWN)["leads"] == {"L": 3}
    assert list(storage.read() or {}) == ["_meta"]  # nothing had to be parsed
    assert Salesflow(db).number("lead", "add", "--company", "New") == "L-0004"


# --- 2. the lock file removed under a writer ----------------------------------------------------


@pytest.mark.slow
def test_a_writer_whose_lock_file_was_removed_writes_nothing(db: Path, world: bytes) -> None:
    """Writer A holds the lock between its temp file and the replace; the lock file is removed,
    writer B gets in and writes. A must not then replace B's file with its own version."""
    import os
    import subprocess
    import time

    from tests.integration.helpers import salesflow_command

    slow = subprocess.Popen(
        [salesflow_command(), "--db", str(db), "lead", "add", "--company", "Slow"],
        env={**os.environ, "SALESFLOW_TEST_PAUSE_WRITE": "2"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        history = db.with_name("sales.json.history")
        while not (history.is_dir() and list(history.glob("*.command.json"))):  # A is paused
            assert time.monotonic() < deadline and slow.poll() is None
            time.sleep(0.02)
        db.with_name("sales.json.lock").unlink()
        assert Salesflow(db).number("lead", "add", "--company", "Fast") == "L-0004"
    finally:
        out, err = slow.communicate(timeout=30)
    assert slow.returncode == 4
    assert out == ""
    assert one_error_line(err) == (
        f"Error: the lock file of data file {db} was removed or replaced while this command "
        "held it; nothing was written. Run the command again"
    )
    listed = json.loads(Salesflow(db).ok("lead", "list", "--json").stdout)
    assert [(x["number"], x["company"]) for x in listed][-1] == ("L-0004", "Fast")
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".sales.json.tmp-")]


def test_the_lock_timeout_message_names_no_file_to_delete(db: Path, world: bytes) -> None:
    from salesflow.errors import LockTimeout
    from salesflow.store import Store
    from tests.integration.test_store import lock_held_elsewhere

    store = Store(db, lock_timeout=0.1)
    with (
        lock_held_elsewhere(store.lock_path),
        pytest.raises(LockTimeout) as error,
        store.writing(),
    ):
        pass
    assert str(error.value) == (
        f"data file {db} is in use by another salesflow process (waited 0.1 s); try again when "
        "it has finished, or raise $SALESFLOW_LOCK_TIMEOUT"
    )
    assert ".lock" not in str(error.value)


# --- 5. a data file that is a symbolic link -----------------------------------------------------


def test_writes_to_a_symlinked_data_file_go_to_its_target_and_the_link_stays(
    tmp_path: Path, world_file: bytes
) -> None:
    import os
    import stat

    synced = tmp_path / "synced"
    synced.mkdir()
    target = synced / "sales.json"
    target.write_bytes(world_file)
    link = tmp_path / "sales.json"
    link.symlink_to(os.path.relpath(target, tmp_path))
    run = Salesflow(link)
    assert run.number("lead", "add", "--company", "Through the link") == "L-0004"
    run.ok("undo")
    assert run.number("lead", "add", "--company", "Again") == "L-0004"
    assert stat.S_ISLNK(os.lstat(link).st_mode)
    assert json.loads(target.read_bytes())["leads"]["4"]["company"] == "Again"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sales.json", "synced"]
    assert sorted(p.name for p in synced.iterdir()) == [
        "sales.json",
        "sales.json.history",
        "sales.json.lock",
    ]


# --- 6. outputs naming the data file, its lock or its history -----------------------------------

OUTPUTS = [
    "export leads --output {target}",
    "export leads --output {target} --force",
    "quote export QUO-0001 --format md --output {target}",
    "invoice export INV-2026-0001 --format html --output {target} --force",
    "backup {target}",
    "backup {target} --force",
    "lead import {rows} --rejects {target}",
    "lead import {rows} --rejects {target} --force",
]


@pytest.mark.parametrize("target", ["sales.json", "sales.json.lock", "sales.json.history/X"])
@pytest.mark.parametrize("line", OUTPUTS)
def test_no_output_may_name_the_data_file_its_lock_or_its_history(
    db: Path, world: bytes, tmp_path: Path, line: str, target: str
) -> None:
    import shlex

    run = Salesflow(db)
    run.ok("lead", "add", "--company", "Makes the lock and the history")
    kept = next(db.with_name("sales.json.history").glob("*.before.json"))
    path = kept if target.endswith("/X") else tmp_path / target
    rows = tmp_path / "rows.csv"
    rows.write_text("First Name,Last Name,Company,E-mail Address\nAda,L,Acme,not-an-email\n")
    before = {p: p.read_bytes() for p in (db, db.with_name("sales.json.lock"), kept)}
    args = shlex.split(line.format(target=path, rows=rows))
    result = run(*args)
    assert result.exit_code == 1, result.stderr
    assert f"{path} is the data file" in one_error_line(result.stderr)
    assert {p: p.read_bytes() for p in before} == before


# --- 7. the rejects file ------------------------------------------------------------------------

ROWS = "First Name,Last Name,Company,E-mail Address\nGrace,H,Navy,g@example.com\nAda,L,A,nope\n"


def test_a_rejects_file_that_cannot_be_written_stops_the_import(
    db: Path, world: bytes, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS)
    result = Salesflow(db)("lead", "import", str(rows), "--rejects", "/proc/rejects.csv")
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(
        "Error: cannot write rejects file /proc/rejects.csv ("
    )
    assert one_error_line(result.stderr).endswith("); nothing was imported")
    assert db.read_bytes() == world


def test_an_existing_rejects_file_is_replaced_only_with_force(
    db: Path, world: bytes, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS)
    rejects = tmp_path / "rows.rejects.csv"
    rejects.write_text("last week's rejects")
    run = Salesflow(db)
    refused = run("lead", "import", str(rows))
    assert refused.exit_code == 1
    assert one_error_line(refused.stderr) == (
        f"Error: rejects file {rejects} already exists; use --force to overwrite it, or "
        "--rejects FILE; nothing was imported"
    )
    assert rejects.read_text() == "last week's rejects"
    assert db.read_bytes() == world
    assert run("lead", "import", str(rows), "--force").exit_code == 3
    assert "nope" in rejects.read_text("utf-8-sig")
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_an_import_without_rejected_rows_ignores_an_old_rejects_file(
    db: Path, world: bytes, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS.splitlines()[0] + "\n" + ROWS.splitlines()[1] + "\n")
    (tmp_path / "rows.rejects.csv").write_text("last week's rejects")
    assert "Imported 1 lead" in Salesflow(db).ok("lead", "import", str(rows)).stderr
    assert (tmp_path / "rows.rejects.csv").read_text() == "last week's rejects"


# --- 8. backup restore ----------------------------------------------------------------------------


def test_backup_restore_replaces_the_data_file_and_undo_takes_it_back(
    db: Path, world: bytes, tmp_path: Path
) -> None:
    run = Salesflow(db)
    backup = tmp_path / "backup.json"
    run.ok("backup", str(backup))
    run.ok("config", "set", "history_keep", "0")
    run.ok("lead", "add", "--company", "After the backup")
    changed = db.read_bytes()
    restored = run.ok("backup", "restore", str(backup))
    assert restored.stdout == ""
    assert restored.stderr == (
        f"Restored {backup} over {db} ({len(world):,} bytes); `salesflow undo` takes the "
        "restore back\n"
    )
    assert db.read_bytes() == world
    assert "backup restore" in run.ok("undo").stderr
    assert db.read_bytes() == changed


def test_backup_restore_mends_a_damaged_data_file(db: Path, world: bytes, tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    backup.write_bytes(world)
    db.write_bytes(b"\x00" * 64)
    Salesflow(db).ok("backup", "restore", str(backup))
    assert db.read_bytes() == world
    assert Salesflow(db).ok("doctor").stdout == "ok\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b'{"leads": ', " is not valid JSON ("), (b"", " is empty")],
    ids=["truncated", "empty"],
)
def test_a_damaged_backup_is_not_restored(
    db: Path, world: bytes, tmp_path: Path, content: bytes, problem: str
) -> None:
    backup = tmp_path / "backup.json"
    backup.write_bytes(content)
    result = Salesflow(db)("backup", "restore", str(backup))
    assert result.exit_code == 1
    error = one_error_line(result.stderr)
    assert error.startswith(f"Error: backup {backup}{problem}")
    assert error.endswith("; the data file is unchanged")
    assert db.read_bytes() == world
