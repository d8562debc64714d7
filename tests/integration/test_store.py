"""The store on real files: private, plain JSON, atomic, locked for writers, never half-written."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from tinydb import TinyDB

from salesflow.errors import LockTimeout, NotFound, StoreError
from salesflow.models import Lead, Product
from salesflow.pipeline.agenda_index import INDEX_FORM
from salesflow.pipeline.fields import event
from salesflow.store import SCHEMA_VERSION, Store
from tests.conftest import NOW, TODAY, Cli


def lead(number: str, **fields: str) -> Lead:
    return Lead(number=number, company=fields.pop("company", "Initech"), created_on=TODAY, **fields)


def add_leads(store: Store, count: int) -> list[str]:
    with store.writing() as session:
        numbers = [f"L-{n:04d}" for n in session.next_numbers("L", count)]
        session.put(*(lead(number) for number in numbers))
        session.add_events(event(NOW, number, "created", None, "open") for number in numbers)
    return numbers


def files_in(directory: Path) -> set[str]:
    return {path.name for path in directory.iterdir()}


def salesflow_command() -> str:
    """The installed console script of this interpreter (PATH may hold a slower shim)."""
    beside = Path(sys.executable).with_name("salesflow")
    found = str(beside) if beside.exists() else shutil.which("salesflow")
    assert found, "the salesflow command is not installed"
    return found


@contextmanager
def lock_held_elsewhere(lock_path: Path) -> Iterator[None]:
    """Another process holds the data file's lock until the block ends."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, filelock\n"
            "lock = filelock.FileLock(sys.argv[1])\n"
            "lock.acquire()\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n",
            str(lock_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


@pytest.fixture
def store(db: Path) -> Store:
    return Store(db, lock_timeout=5)


# --- the file ---------------------------------------------------------------------------------


def test_a_new_data_file_and_its_lock_file_are_private(store: Store, db: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        add_leads(store, 1)
    finally:
        os.umask(old_umask)
    assert oct(db.stat().st_mode & 0o777) == "0o600"
    assert oct(store.lock_path.stat().st_mode & 0o777) == "0o600"
    assert store.lock_path.name == "sales.json.lock"


def test_a_data_file_in_a_missing_directory_is_created_with_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "new" / "dir" / "sales.json")
    add_leads(store, 1)
    assert store.path.exists()


def test_the_file_is_plain_json_that_stock_tinydb_reads(store: Store, db: Path) -> None:
    add_leads(store, 2)
    before = db.read_bytes()
    assert json.loads(before)["leads"]["1"]["number"] == "L-0001"
    stock = TinyDB(db)
    try:
        assert [doc["number"] for doc in stock.table("leads").all()] == ["L-0001", "L-0002"]
        assert stock.table("_meta").get(doc_id=1)["schema"] == SCHEMA_VERSION  # type: ignore[index]
    finally:
        stock.close()
    assert db.read_bytes() == before


def test_records_come_back_as_the_models_that_were_put(store: Store) -> None:
    stored = lead("L-0001", email="ada@example.com").model_copy(
        update={"estimated_value": Decimal("1234.50")}
    )
    with store.writing() as session:
        session.put(stored)
    with store.reading() as session:
        assert session.get(Lead, "l-0001") == stored
        assert session.raw("leads")["1"]["estimated_value"] == "1234.50"


def test_a_missing_data_file_reads_as_empty(store: Store, db: Path) -> None:
    with store.reading() as session:
        assert session.all(Lead) == []
        assert session.counter("L") == 0
    assert not db.exists()
    assert not store.lock_path.exists()


# --- one atomic write per command, only on success --------------------------------------------


def test_a_session_that_raises_leaves_the_file_byte_identical(store: Store, db: Path) -> None:
    add_leads(store, 2)
    before = db.read_bytes()
    with pytest.raises(RuntimeError, match="boom"), store.writing() as session:
        session.next_numbers("L")
        session.put(lead("L-0003"), lead("L-0001", company="Changed"))
        session.remove(session.get(Lead, "L-0002"))
        session.set_config({"currency": "USD"})
        raise RuntimeError("boom")
    assert db.read_bytes() == before
    assert files_in(db.parent) == {"sales.json", "sales.json.lock", "sales.json.history"}


def test_a_refusal_inside_a_session_writes_nothing(store: Store, db: Path) -> None:
    add_leads(store, 1)
    before = db.read_bytes()
    with pytest.raises(NotFound, match=r"^lead L-0404 not found$"), store.writing() as session:
        session.next_numbers("L")
        session.get(Lead, "L-0404")
    assert db.read_bytes() == before


def test_nothing_is_written_when_nothing_changed(store: Store, db: Path) -> None:
    add_leads(store, 1)
    before, stat = db.read_bytes(), db.stat()
    time.sleep(0.01)
    with store.writing() as session:
        session.all(Lead)
        session.get(Lead, "L-0001")
        session.config()
    after = db.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert db.read_bytes() == before


def test_a_write_replaces_the_file_rather_than_rewriting_it_in_place(
    store: Store, db: Path
) -> None:
    add_leads(store, 1)
    inode = db.stat().st_ino
    add_leads(store, 1)
    assert db.stat().st_ino != inode


def test_a_session_sees_its_own_changes_before_commit(store: Store) -> None:
    add_leads(store, 2)
    with store.writing() as session:
        session.put(lead("L-0003"), lead("L-0001", company="Renamed"))
        session.remove(session.get(Lead, "L-0002"))
        assert [(x.number, x.company) for x in session.all(Lead)] == [
            ("L-0001", "Renamed"),
            ("L-0003", "Initech"),
        ]
        assert session.find(Lead, "L-0002") is None
        assert session.count(Lead) == 2
    with store.reading() as session:
        assert [(x.number, x.company) for x in session.all(Lead)] == [
            ("L-0001", "Renamed"),
            ("L-0003", "Initech"),
        ]
        assert session.count(Lead) == 2


def test_a_record_put_with_its_key_in_another_case_replaces_the_stored_one(store: Store) -> None:
    product = Product(sku="day", name="Day", price="800", created_on=TODAY)  # type: ignore[arg-type]
    with store.writing() as session:
        session.put(product)
    with store.writing() as session:
        session.put(product.model_copy(update={"sku": "DAY", "name": "Consulting day"}))
    with store.reading() as session:
        assert [(p.sku, p.name) for p in session.all(Product)] == [("DAY", "Consulting day")]


def test_all_filters_on_the_stored_documents(store: Store) -> None:
    with store.writing() as session:
        session.put(lead("L-0001", city="Delft"), lead("L-0002", city="Gent"))
    with store.reading() as session:
        assert [x.number for x in session.all(Lead, lambda doc: doc.get("city") == "Gent")] == [
            "L-0002"
        ]


def test_an_unknown_number_is_not_found(store: Store) -> None:
    with store.reading() as session, pytest.raises(NotFound) as error:
        session.get(Lead, "L-0404")
    assert str(error.value) == "lead L-0404 not found"


def test_a_reading_session_cannot_write(store: Store) -> None:
    with (
        store.reading() as session,
        pytest.raises(RuntimeError, match="opened the data file read-only"),
    ):
        session.put(lead("L-0001"))


def test_events_are_kept_in_recorded_order(store: Store) -> None:
    add_leads(store, 2)
    with store.writing() as session:
        session.add_events([event(NOW, "L-0001", "disqualified", "open", "disqualified")])
    with store.reading() as session:
        assert [(e.number, e.kind) for e in session.events({"l-0001"})] == [
            ("L-0001", "created"),
            ("L-0001", "disqualified"),
        ]
        assert len(session.events()) == 3


def test_settings_persist_in_the_meta_table(store: Store, db: Path) -> None:
    with store.writing() as session:
        session.set_config({"currency": "USD", "payment_terms": 14})
    with store.reading() as session:
        assert session.config() == {"currency": "USD", "payment_terms": 14}
    assert json.loads(db.read_bytes())["_meta"]["1"]["config"] == {
        "currency": "USD",
        "payment_terms": 14,
    }


# --- numbers ----------------------------------------------------------------------------------


def test_numbers_are_never_reused_after_a_remove(store: Store) -> None:
    add_leads(store, 2)
    with store.writing() as session:
        session.remove(session.get(Lead, "L-0002"))
    with store.writing() as session:
        assert session.next_numbers("L") == [3]
        session.remove(session.get(Lead, "L-0001"))
    assert add_leads(store, 1) == ["L-0004"]
    with store.reading() as session:
        assert [x.number for x in session.all(Lead)] == ["L-0004"]


def test_the_meta_table_holds_the_schema_and_one_counter_per_series(store: Store, db: Path) -> None:
    add_leads(store, 2)
    with store.writing() as session:
        assert session.next_numbers("OPP", 3) == [1, 2, 3]
        assert session.next_numbers("INV-2026") == [1]
    meta = json.loads(db.read_bytes())["_meta"]
    tables = meta["1"].pop("tables")
    assert tables["leads"]["highest"] == {"L": 2}
    stamps = meta["1"].pop("agenda_index")  # the agenda index's leads are derived from these
    assert stamps == {
        "leads": {key: tables["leads"][key] for key in ("size", "crc32")},
        "form": INDEX_FORM,
    }
    assert meta == {
        "1": {
            "schema": SCHEMA_VERSION,
            "counters": {"L": 2, "OPP": 3, "INV-2026": 1},
            "config": {"currency": "EUR"},
        }
    }
    with store.reading() as session:
        assert (session.counter("L"), session.counter("OPP"), session.counter("QUO")) == (2, 3, 0)


# --- corrupt files ----------------------------------------------------------------------------

HINT = "restore a backup or run `salesflow undo`"
CORRUPT: list[tuple[str, bytes, str]] = [
    ("empty", b"", "is empty; " + HINT),
    ("blank", b" \n\t", "is empty; " + HINT),
    ("truncated", b'{"leads": {"1": {"number": "L-0001"', "is not valid JSON ("),
    ("nul bytes", b"\x00" * 64, "is not valid JSON ("),
    ("a list", b'[{"number": "L-0001"}]', "is not a salesflow data file (wrong shape); " + HINT),
    ("a table list", b'{"leads": []}', "is not a salesflow data file (wrong shape); " + HINT),
    ("a string record", b'{"leads": {"1": "L-0001"}}', ": table 'leads' holds a non-record; "),
    ("a word id", b'{"leads": {"one": {"number": "L-0001"}}}', ": table 'leads' has a non-numeric"),
    ("an empty id", b'{"leads": {"1": {}, "": {}}}', ": table 'leads' has a non-numeric"),
    ("a non-ASCII digit id", '{"leads": {"\u0661": {}}}'.encode(), ": table 'leads' has a non"),
    (
        "a damaged table line",
        b'{\n"_meta":{"1":{"schema":3,"counters":{},"config":{}}},\n"leads":{"1":{"a":}}\n}\n',
        "is not valid JSON (table 'leads': ",
    ),
    (
        "text counters",
        b'{"_meta": {"1": {"schema": 1, "counters": {"L": "7"}, "config": {}}}}',
        ": _meta counters or config are damaged; " + HINT,
    ),
    (
        "a newer schema",
        b'{"_meta": {"1": {"schema": 4, "counters": {}, "config": {}}}}',
        " has schema version 4, newer than this salesflow understands (3); upgrade salesflow, "
        "or restore a backup",
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"), [c[1:] for c in CORRUPT], ids=[c[0] for c in CORRUPT]
)
@pytest.mark.parametrize("mode", ["reading", "writing"])
def test_a_corrupt_file_is_refused_with_exit_4_and_left_untouched(
    store: Store, db: Path, content: bytes, expected: str, mode: str
) -> None:
    db.write_bytes(content)
    with pytest.raises(StoreError) as error, getattr(store, mode)() as session:
        session.all(Lead)
        if mode == "writing":
            session.put(lead("L-0001"))
    assert error.value.exit_code == 4
    assert str(error.value).startswith(f"data file {db}")
    assert expected in str(error.value)
    assert db.read_bytes() == content
    assert files_in(db.parent) <= {"sales.json", "sales.json.lock"}


# --- locking ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_lock_held_by_another_process_makes_a_writer_give_up_without_inviting_a_delete(
    db: Path,
) -> None:
    store = Store(db, lock_timeout=0.3)
    add_leads(store, 1)
    before = db.read_bytes()
    with lock_held_elsewhere(store.lock_path):
        started = time.monotonic()
        with pytest.raises(LockTimeout) as error, store.writing() as session:
            session.put(lead("L-0002"))
        waited = time.monotonic() - started
    assert error.value.exit_code == 4
    assert str(error.value) == (
        f"data file {db} is in use by another salesflow process (waited 0.3 s); "
        "try again when it has finished, or raise $SALESFLOW_LOCK_TIMEOUT"
    )
    assert 0.25 <= waited < 5
    assert db.read_bytes() == before
    assert add_leads(store, 1) == ["L-0002"]  # the lock is free again once the holder is gone


@pytest.mark.slow
def test_reads_take_no_lock(store: Store, db: Path) -> None:
    add_leads(store, 2)
    with lock_held_elsewhere(store.lock_path):
        started = time.monotonic()
        with store.reading() as session:
            assert [x.number for x in session.all(Lead)] == ["L-0001", "L-0002"]
        assert time.monotonic() - started < 1


@pytest.mark.slow
def test_the_cli_reads_while_another_process_holds_the_lock_and_writers_exit_4(
    cli: Cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_leads(Store(db), 1)
    monkeypatch.setenv("SALESFLOW_LOCK_TIMEOUT", "0.2")
    with lock_held_elsewhere(Store(db).lock_path):
        listed = cli("lead", "list", "--json")
        before = db.read_bytes()
        added = cli("lead", "add", "--company", "X")
    assert listed.exit_code == 0, listed.stderr
    assert [x["number"] for x in json.loads(listed.stdout)] == ["L-0001"]
    assert added.exit_code == 4
    assert added.stderr == (
        f"Error: data file {db} is in use by another salesflow process (waited 0.2 s); "
        "try again when it has finished, or raise $SALESFLOW_LOCK_TIMEOUT\n"
    )
    assert db.read_bytes() == before


@pytest.mark.slow
def test_without_the_env_var_writers_wait_as_long_as_the_files_lock_timeout_setting(
    cli: Cli, db: Path
) -> None:
    cli.ok("config", "set", "lock_timeout", "0.4")
    before = db.read_bytes()
    with lock_held_elsewhere(Store(db).lock_path):
        started = time.monotonic()
        added = cli("lead", "add", "--company", "X")
        waited = time.monotonic() - started
    assert added.exit_code == 4
    assert added.stderr == (
        f"Error: data file {db} is in use by another salesflow process (waited 0.4 s); "
        "try again when it has finished, or raise $SALESFLOW_LOCK_TIMEOUT\n"
    )
    assert 0.3 <= waited < 5
    assert db.read_bytes() == before


# --- many writers -----------------------------------------------------------------------------

WORKER = """
import importlib, sys, time
from importlib.metadata import entry_points
from pathlib import Path

import typer.main

# The app behind the installed `salesflow` console script, turned into a command once: Typer
# rebuilds it on every call otherwise, which would dominate this test's time.
(script,) = entry_points(group="console_scripts", name="salesflow")
command = typer.main.get_command(importlib.import_module(script.module).app)
db, worker, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.005)
for i in range(count):
    args = ["--db", db, "lead", "add", "--company", f"W{worker}-{i}"]
    code = command.main(args, prog_name="salesflow", standalone_mode=False)
    if code not in (0, None):
        sys.exit(f"lead add {i} ended with exit code {code}")
"""


@pytest.mark.slow
def test_eight_processes_adding_25_leads_each_end_with_200_distinct_numbers(
    db: Path, tmp_path: Path
) -> None:
    """Eight interpreters each run 25 `salesflow lead add` commands of the installed package.

    Each command opens the store, takes and releases the lock, and commits on its own, as a
    separate `salesflow` process would; 200 fresh interpreters would take minutes on a small
    machine, so a few real `salesflow` processes get their own test below.
    """
    go = tmp_path / "go"
    env = {**os.environ, "SALESFLOW_LOCK_TIMEOUT": "120"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), str(w), "25", str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(8)
    ]
    go.touch()
    printed: list[str] = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        printed.extend(out.split())
    expected = [f"L-{n:04d}" for n in range(1, 201)]
    assert sorted(printed) == expected
    with Store(db).reading() as session:
        leads = session.all(Lead)
        assert sorted(x.number for x in leads) == expected
        assert len({x.company for x in leads}) == 200
        assert session.counter("L") == 200
        assert len(session.events()) == 200
    assert not [name for name in files_in(db.parent) if ".tmp-" in name]


@pytest.mark.slow
def test_real_salesflow_commands_in_parallel_each_get_their_own_number(db: Path) -> None:
    env = {**os.environ, "SALESFLOW_LOCK_TIMEOUT": "120"}
    runs = [
        subprocess.Popen(
            [salesflow_command(), "--db", str(db), "lead", "add", "--company", f"P{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(4)
    ]
    printed = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        printed.append(out.strip())
    assert sorted(printed) == [f"L-{n:04d}" for n in range(1, 5)]
    with Store(db).reading() as session:
        assert sorted(x.number for x in session.all(Lead)) == sorted(printed)


# --- crashes ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_killed_writer_leaves_the_old_file_and_its_temp_file_is_removed_by_the_next_write(
    db: Path,
) -> None:
    store = Store(db)
    add_leads(store, 1)
    before = db.read_bytes()
    writer = subprocess.Popen(
        [salesflow_command(), "--db", str(db), "lead", "add", "--company", "Doomed"],
        env={**os.environ, "SALESFLOW_TEST_PAUSE_WRITE": "30"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not [n for n in files_in(db.parent) if n.startswith(".sales.json.tmp-")]:
            assert time.monotonic() < deadline, "the writer never wrote its temp file"
            assert writer.poll() is None, "the writer finished instead of pausing"
            time.sleep(0.02)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
    stray = [n for n in files_in(db.parent) if n.startswith(".sales.json.tmp-")]
    assert len(stray) == 1
    assert db.read_bytes() == before
    (db.parent / ".other.json.tmp-keep").write_text("not ours")

    assert add_leads(store, 1) == ["L-0002"]  # the killed writer's L-0002 was never committed
    assert files_in(db.parent) == {
        "sales.json",
        "sales.json.lock",
        "sales.json.history",
        ".other.json.tmp-keep",
    }


def test_a_stray_temp_file_is_removed_even_by_a_writer_that_changes_nothing(
    store: Store, db: Path
) -> None:
    add_leads(store, 1)
    (db.parent / ".sales.json.tmp-k1ll3d").write_bytes(b'{"half": ')
    with store.writing() as session:
        session.all(Lead)
    assert files_in(db.parent) == {"sales.json", "sales.json.lock", "sales.json.history"}


def test_finding_a_record_by_number_reads_a_few_records_not_an_index_of_all(store: Store) -> None:
    add_leads(store, 300)
    with store.reading() as session:
        assert session.get(Lead, "L-0123").number == "L-0123"
        assert session.get(Lead, "l-0300").number == "L-0300"
        assert session.find(Lead, "L-0001") is not None
        assert session._index == {}  # the fallback of `find`, built only when bisection misses


def test_reading_one_record_by_number_leaves_its_table_unparsed(store: Store) -> None:
    add_leads(store, 300)
    with store.reading() as session:
        assert session.get(Lead, "L-0123").number == "L-0123"
        assert session.get(Lead, "l-0300").number == "L-0300"
        assert "leads" in session._storage._unparsed  # looked up in its JSON, never parsed
        assert session.find(Lead, "L-0301") is None  # a miss: only the whole table can tell
        assert session.count(Lead) == 300
    with store.writing() as session:  # a writer parses what it writes back
        session.put(session.get(Lead, "L-0007").model_copy(update={"company": "Changed"}))
    with store.reading() as session:
        assert session.get(Lead, "L-0007").company == "Changed"
        assert "leads" in session._storage._unparsed


def test_a_table_changed_by_hand_is_parsed_to_find_a_record(store: Store, db: Path) -> None:
    add_leads(store, 3)
    raw = db.read_bytes()
    db.write_bytes(raw.replace(b'{"number":"L-0002"', b'{"number":"L-0002","topic":"Hand"'))
    with store.reading() as session:
        assert session.get(Lead, "L-0002").topic == "Hand"
        assert "leads" not in session._storage._unparsed  # the size no longer what was recorded


def test_records_are_found_by_number_when_their_ids_do_not_follow_their_numbers(
    store: Store, db: Path
) -> None:
    add_leads(store, 40)
    data = json.loads(db.read_bytes())
    leads = data["leads"]
    numbers = [doc["number"] for doc in leads.values()]
    numbers.reverse()  # as a hand edit might leave them: L-0040 stored first
    data["leads"] = {
        doc_id: {**doc, "number": number}
        for (doc_id, doc), number in zip(leads.items(), numbers, strict=True)
    }
    db.write_text(json.dumps(data))
    with store.reading() as session:
        for number in ("L-0001", "L-0017", "L-0040"):
            assert session.get(Lead, number).number == number
        assert session.find(Lead, "L-0041") is None
        assert session.count(Lead) == 40


def test_a_lead_typed_with_fewer_digits_than_stored_is_not_found_by_its_position(
    store: Store,
) -> None:
    add_leads(store, 5)
    with store.reading() as session:
        assert session.find(Lead, "L-03") is None
        assert session.find(Lead, "L-0003") is not None


def test_adding_and_changing_records_builds_no_index_of_every_record(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesflow.store import Session

    add_leads(store, 50)

    def refused(self: Session, table: str) -> dict[str, str]:
        raise AssertionError(f"an index of every document of {table} was built")

    monkeypatch.setattr(Session, "_key_index", refused)
    add_leads(store, 2)  # new numbers: above the counter as read, so in no stored document
    with store.writing() as session:
        session.put(session.get(Lead, "L-0007").model_copy(update={"company": "Changed"}))
    monkeypatch.undo()
    with store.reading() as session:
        assert session.count(Lead) == 52
        assert session.get(Lead, "L-0007").company == "Changed"
        assert session.get(Lead, "L-0052").number == "L-0052"
