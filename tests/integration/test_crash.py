"""Crash safety: writers killed with SIGKILL at random moments inside their write.

Each round runs one writing command in its own process and kills it (SIGKILL) inside the write,
either at a chosen checkpoint of the write (`$SALESFLOW_TEST_KILL_AT=N`: the process kills itself
at the N-th step: keeping the old version, writing the history entry, each mebibyte of the temp
file, the fsync, just before and just after the rename, pruning the history) or at a random time
while every step is slowed down (`$SALESFLOW_TEST_STEP_PAUSE`, the test sends the signal). After
each kill the data file must load and equal the state before the command (byte for byte) or the
state after it (the same command run to completion on a copy of the state before, compared with
the events' timestamps left out), never a mix; the history must still describe the file; and the
temp files the killed process left must be gone once the next command has run.

Three tests make 200 kills together. Most rounds fork this test process, which has salesflow
imported already, and run the CLI entry point in the child (a real process, killed for real;
starting 200 fresh interpreters would take over a minute on a small machine). One test kills
processes of the installed `salesflow` command, and one kills writers of a ~5 MB file during
the atomic replace.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from salesflow.pipeline.doctor import diagnose
from salesflow.store import Store
from salesflow.store.versions import digest
from tests.integration.helpers import Salesflow, app_command, salesflow_command

SMALL_KILLS_AT_CHECKPOINTS = 110
SMALL_KILLS_AT_RANDOM_TIMES = 50
REAL_PROCESS_KILLS = 24
LARGE_FILE_KILLS = 16


@dataclass
class Outcome:
    killed: bool
    code: int | None
    stderr: str


def run_forked(
    db: Path, args: list[str], *, kill_at: int | None = None, kill_within: float | None = None
) -> Outcome:
    """Run `salesflow --db db ARGS` in a forked child; kill it at checkpoint `kill_at`, or at a
    random time within `kill_within` seconds of the start of its write."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.close(read_end)
            os.dup2(write_end, 2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            sys.stdout = open(1, "w")  # noqa: SIM115
            sys.stderr = open(2, "w")  # noqa: SIM115
            if kill_at is not None:
                os.environ["SALESFLOW_TEST_KILL_AT"] = str(kill_at)
            if kill_within is not None:
                os.environ["SALESFLOW_TEST_STEP_PAUSE"] = "0.002"
            argv = ["--db", str(db), *args]
            sys.argv = ["salesflow", *argv]
            try:
                app_command().main(args=argv, prog_name="salesflow")
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    os.close(write_end)
    return _supervise(pid, read_end, kill_within)


def _supervise(pid: int, read_end: int, kill_within: float | None) -> Outcome:
    received = b""
    if kill_within is not None:
        while b"checkpoint" not in received:
            chunk = os.read(read_end, 4096)
            if not chunk:
                break
            received += chunk
        if b"checkpoint" in received:
            time.sleep(random.uniform(0, kill_within))
            os.kill(pid, signal.SIGKILL)
    while chunk := os.read(read_end, 65536):
        received += chunk
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    code = None if killed else os.WEXITSTATUS(status)
    return Outcome(killed, code, received.decode(errors="replace"))


def run_process(
    db: Path, args: list[str], *, kill_at: int | None = None, kill_within: float | None = None
) -> Outcome:
    """The same with a process of the installed `salesflow` command."""
    env = dict(os.environ)
    if kill_at is not None:
        env["SALESFLOW_TEST_KILL_AT"] = str(kill_at)
    if kill_within is not None:
        env["SALESFLOW_TEST_STEP_PAUSE"] = "0.003"
    process = subprocess.Popen(
        [salesflow_command(), "--db", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stderr is not None
    received = b""
    if kill_within is not None:
        while b"checkpoint" not in received:
            line = process.stderr.readline()
            if not line:
                break
            received += line
        if b"checkpoint" in received:
            time.sleep(random.uniform(0, kill_within))
            process.send_signal(signal.SIGKILL)
    received += process.stderr.read()
    process.wait(timeout=60)
    killed = process.returncode == -signal.SIGKILL
    return Outcome(killed, None if killed else process.returncode, received.decode())


def without_timestamps(content: bytes) -> Any:
    """The data with the events' times (and their checksum) left out: they are the clock of
    the run."""
    data = json.loads(content)
    for doc in data.get("events", {}).values():
        doc.pop("at", None)
    recorded = data.get("_meta", {}).get("1", {}).get("tables", {}).get("events", {})
    recorded.pop("crc32", None)  # the checksum of the events table covers their times
    return data


def temp_files(db: Path) -> set[Path]:
    history = db.with_name(db.name + ".history")
    found = {p for p in db.parent.iterdir() if p.name.startswith(f".{db.name}.tmp-")}
    if history.is_dir():
        found |= {p for p in history.iterdir() if p.name.startswith(".")}
    return found


@dataclass
class Harness:
    """Runs rounds on one data file and checks the file after each."""

    db: Path
    scratch: Path
    deep_checks: bool = True
    codes: tuple[int, ...] = (0, 1)  # exit codes of a command that was not killed
    stats: Counter[str] = field(default_factory=Counter)
    _strays: set[Path] = field(default_factory=set)

    def round(self, args: list[str], run: Callable[..., Outcome], **kill: Any) -> None:
        before = self.db.read_bytes() if self.db.exists() else None
        saved_history = self._save_history() if args[0] in ("undo", "redo") else None
        outcome = run(self.db, args, **kill)
        after = self.db.read_bytes() if self.db.exists() else None
        assert not self._strays & temp_files(self.db), "the next command left old temp files"
        if not outcome.killed:
            # It finished first (a checkpoint past its last one, or refused: nothing to redo).
            assert outcome.code in self.codes, (args, outcome)
            if outcome.code == 4:  # refused (its lock file was removed): nothing written
                assert after == before, (args, outcome)
            self.stats["finished"] += 1
        else:
            self.stats["killed"] += 1
            self.stats["killed before the replace" if after == before else "after"] += 1
        if after != before:
            expected = self._reference(args, before, saved_history)
            if after is None or expected is None:  # undo back to before the first command
                assert after is expected is None, f"{args}: the file is gone, or should be"
            else:
                assert without_timestamps(after) == without_timestamps(expected), (
                    f"{args}: the file is neither the state before nor the state after"
                )
        self._check_file(after)
        self._strays = temp_files(self.db)
        self.stats["left temp files"] += bool(self._strays)

    def _save_history(self) -> Path | None:
        history = self.db.with_name(self.db.name + ".history")
        if not history.is_dir():
            return None
        saved = self.scratch / "saved-history"
        shutil.rmtree(saved, ignore_errors=True)
        shutil.copytree(history, saved)
        return saved

    def _reference(
        self, args: list[str], before: bytes | None, history: Path | None
    ) -> bytes | None:
        """The state after `args`, run to completion on a copy of the state before."""
        copy_dir = self.scratch / "reference"
        shutil.rmtree(copy_dir, ignore_errors=True)
        copy_dir.mkdir()
        copy = copy_dir / self.db.name
        if before is not None:
            copy.write_bytes(before)
        if history is not None:
            shutil.copytree(history, copy.with_name(copy.name + ".history"))
        result = Salesflow(copy)(*args)
        assert result.exit_code == 0, (args, result.stderr)
        return copy.read_bytes() if copy.exists() else None

    def _check_file(self, content: bytes | None) -> None:
        if content is None:
            return
        store = Store(self.db)
        with store.reading() as session:
            tables = {name: session.raw(name) for name in session.table_names()}
        if self.deep_checks:
            assert diagnose(tables) == []
        entries = store.undo_versions().versions
        if entries:
            assert entries[-1].after == digest(content), "the history lost track of the file"

    def finish(self) -> None:
        """One more command, not killed: no temp file is left, every kept version is whole."""
        assert Salesflow(self.db)("lead", "add", "--company", "After the crashes").exit_code == 0
        assert temp_files(self.db) == set()
        store = Store(self.db)
        for entry in store.undo_versions().versions:
            kept = store.versions.before_version(entry)
            assert digest(kept) == entry.before, f"version {entry.seq} is torn"


def small_file(db: Path) -> None:
    run = Salesflow(db)
    run.ok("init", "--tax-rate", "21")
    run.ok("product", "add", "DAY", "--name", "Day", "--price", "100")
    run.ok("lead", "add", "--company", "Kept open")
    run.ok("lead", "add", "--first-name", "Ada", "--last-name", "L", "--company", "Qualified")
    run.ok("lead", "qualify", "L-0002")


def next_command(rng: random.Random, i: int, previous: list[str]) -> list[str]:
    """A writing command that is valid on the evolving small file (redo follows each undo)."""
    if previous == ["undo"]:
        return ["redo"]
    pick = rng.random()
    if pick < 0.25:
        return ["lead", "add", "--company", f"Crash {i}", "--notes", "x" * rng.randrange(0, 400)]
    if pick < 0.4:
        return ["lead", "edit", "L-0001", "--notes", f"note {i}"]
    if pick < 0.6:
        return ["opp", "add-product", "OPP-0001", "DAY", "--quantity", str(i % 7 + 1)]
    if pick < 0.7:
        return ["config", "set", "payment_terms", str(i % 90)]
    if pick < 0.9:
        return ["product", "add", f"SKU{i}", "--name", f"Product {i}", "--price", "9.50"]
    return ["undo"]


@pytest.mark.slow
def test_forked_writers_killed_at_every_step_and_at_random_times_leave_a_whole_file(
    db: Path, tmp_path: Path
) -> None:
    small_file(db)
    harness = Harness(db, tmp_path)
    rng = random.Random(20261127)
    random.seed(20261127)
    previous: list[str] = []
    i = 0
    while harness.stats["killed"] < SMALL_KILLS_AT_CHECKPOINTS:
        i += 1
        previous = next_command(rng, i, previous)
        harness.round(previous, run_forked, kill_at=rng.randint(1, 16))
    while harness.stats["killed"] < SMALL_KILLS_AT_CHECKPOINTS + SMALL_KILLS_AT_RANDOM_TIMES:
        i += 1
        previous = next_command(rng, i, previous)
        harness.round(previous, run_forked, kill_within=0.04)
    harness.finish()
    assert harness.stats["killed"] == SMALL_KILLS_AT_CHECKPOINTS + SMALL_KILLS_AT_RANDOM_TIMES
    assert harness.stats["killed before the replace"] >= 40
    assert harness.stats["after"] >= 20
    assert harness.stats["left temp files"] >= 10


@pytest.mark.slow
def test_real_salesflow_processes_killed_inside_their_write_leave_a_whole_file(
    db: Path, tmp_path: Path
) -> None:
    small_file(db)
    harness = Harness(db, tmp_path)
    rng = random.Random(7)
    random.seed(7)
    previous: list[str] = []
    i = 0
    while harness.stats["killed"] < REAL_PROCESS_KILLS:
        i += 1
        previous = next_command(rng, i, previous)
        if i % 2:
            harness.round(previous, run_process, kill_at=rng.randint(1, 16))
        else:
            harness.round(previous, run_process, kill_within=0.05)
    harness.finish()
    assert harness.stats["killed"] == REAL_PROCESS_KILLS
    assert harness.stats["killed before the replace"] >= 1
    assert harness.stats["after"] >= 1


def large_file(db: Path, leads: int = 20_000) -> None:
    """About 5 MB of leads, written as salesflow stores them."""
    docs = {
        str(n): {
            "number": f"L-{n:04d}",
            "first_name": "Person",
            "last_name": f"Number {n}",
            "company": f"Company {n % 997} B.V.",
            "email": f"person{n}@example.com",
            "phone": "+31 20 555 0100",
            "city": "Amsterdam",
            "source": "Beurs 2026",
            "notes": "Met at the fair; interested in the planning module.",
            "status": "open",
            "status_reason": "new",
            "created_on": "2026-11-27",
        }
        for n in range(1, leads + 1)
    }
    meta = {"schema": 3, "counters": {"L": leads}, "config": {"currency": "EUR"}}
    db.write_bytes(json.dumps({"_meta": {"1": meta}, "leads": docs}).encode())
    Salesflow(db).ok("lead", "add", "--company", "First write")


@pytest.mark.slow
def test_writers_killed_during_the_atomic_replace_of_a_large_file_leave_a_whole_file(
    db: Path, tmp_path: Path
) -> None:
    large_file(db)
    assert db.stat().st_size > 4_500_000
    harness = Harness(db, tmp_path, deep_checks=False)
    rng = random.Random(11)
    random.seed(11)
    i = 0
    while harness.stats["killed"] < LARGE_FILE_KILLS:
        i += 1
        args = ["lead", "add", "--company", f"Large {i}"]
        if i % 4 == 0:
            harness.round(args, run_process, kill_at=rng.randint(8, 22))
        elif i % 4 == 1:
            harness.round(args, run_forked, kill_within=0.05)
        else:
            harness.round(args, run_forked, kill_at=rng.randint(8, 22))
    harness.finish()
    assert harness.stats["killed"] == LARGE_FILE_KILLS
    assert harness.stats["killed before the replace"] >= 4
    assert harness.stats["after"] >= 2


SYMLINK_KILLS = 16
REMOVED_LOCK_ROUNDS = 30


def plain_command(rng: random.Random, i: int) -> list[str]:
    """A writing command valid on the evolving small file, undo left out (the harness's
    reference runs on a copy of the file, without the history beside the link's target)."""
    pick = rng.random()
    if pick < 0.4:
        return ["lead", "add", "--company", f"Crash {i}", "--notes", "x" * rng.randrange(0, 400)]
    if pick < 0.6:
        return ["lead", "edit", "L-0001", "--notes", f"note {i}"]
    if pick < 0.8:
        return ["opp", "add-product", "OPP-0001", "DAY", "--quantity", str(i % 7 + 1)]
    return ["product", "add", f"SKU{i}", "--name", f"Product {i}", "--price", "9.50"]


@pytest.mark.slow
def test_writers_of_a_symlinked_data_file_killed_inside_their_write_leave_link_and_target(
    tmp_path: Path,
) -> None:
    synced = tmp_path / "synced"
    synced.mkdir()
    target = synced / "sales.json"
    small_file(target)
    link = tmp_path / "sales.json"
    link.symlink_to(target)
    harness = Harness(link, tmp_path)
    rng = random.Random(19)
    random.seed(19)
    i = 0
    while harness.stats["killed"] < SYMLINK_KILLS:
        i += 1
        args = plain_command(rng, i)
        if i % 2:
            harness.round(args, run_forked, kill_at=rng.randint(1, 16))
        else:
            harness.round(args, run_forked, kill_within=0.04)
        assert link.is_symlink() and os.readlink(link) == str(target)
    harness.finish()
    assert link.is_symlink()
    assert sorted(
        p.name for p in tmp_path.iterdir() if not p.name.startswith(("ref", "saved"))
    ) == [
        "sales.json",
        "synced",
    ]
    assert harness.stats["killed"] == SYMLINK_KILLS
    assert harness.stats["killed before the replace"] >= 1


@pytest.mark.slow
def test_writers_whose_lock_file_is_removed_mid_write_write_whole_files_or_nothing(
    db: Path, tmp_path: Path
) -> None:
    """The lock file is removed at a random moment of each write (a clean-up script, a user
    following bad advice): the writer either finishes, or refuses with exit 4 and writes
    nothing; some are killed too. The file is always whole, and never a mix."""
    import threading

    small_file(db)
    lock = db.with_name(db.name + ".lock")
    harness = Harness(db, tmp_path, codes=(0, 1, 4))
    rng = random.Random(23)
    random.seed(23)

    def remove_lock_soon() -> None:
        time.sleep(rng.uniform(0, 0.08))
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()

    for i in range(REMOVED_LOCK_ROUNDS):
        remover = threading.Thread(target=remove_lock_soon)
        remover.start()
        args = plain_command(rng, i)
        if i % 3 == 0:
            harness.round(args, run_forked, kill_within=0.06)
        elif i % 3 == 1:
            harness.round(args, run_process)
        else:
            harness.round(args, run_forked)
        remover.join()
    harness.finish()
    assert harness.stats["finished"] + harness.stats["killed"] == REMOVED_LOCK_ROUNDS
