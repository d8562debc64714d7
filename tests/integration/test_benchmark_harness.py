"""The benchmark harness's generated data is a valid data file and an importable card CSV, and
its floors do the work they stand for.

Only the generator is checked here, on tiny sizes; timings belong to `benchmarks/run.py`, never to
the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from benchmarks import datagen
from salesflow.models import Lead, LeadStatus, Opportunity, Quote, QuoteStatus
from salesflow.store import Store
from tests.conftest import Cli


def test_a_generated_data_file_loads_with_the_store_and_lists_every_lead(
    db: Path, cli: Cli
) -> None:
    generated = datagen.write_data_file(db, 60, seed=3)

    with Store(db).reading() as session:
        leads = session.all(Lead)
        opportunities = session.all(Opportunity)
        quote = session.get(Quote, f"{generated.targets['accept']}#1")
        to_qualify = session.get(Lead, generated.targets["qualify"])
    listed = cli.json("lead", "list")

    assert [lead["number"] for lead in listed] == [f"L-{n:04d}" for n in range(1, 61)]
    assert len(leads) == 60
    assert len(opportunities) == generated.counts["opportunities"] == 6
    assert quote.status is QuoteStatus.ACTIVE
    assert to_qualify.status is LeadStatus.OPEN
    assert cli.ok("doctor").stdout.strip() == "ok"


def test_the_same_seed_and_size_give_the_same_file(tmp_path: Path) -> None:
    first = datagen.write_data_file(tmp_path / "a.json", 40, seed=5).path.read_bytes()
    second = datagen.write_data_file(tmp_path / "b.json", 40, seed=5).path.read_bytes()
    other = datagen.write_data_file(tmp_path / "c.json", 40, seed=6).path.read_bytes()

    assert first == second
    assert first != other


def test_the_agenda_data_set_adds_activities_that_doctor_accepts_and_the_agenda_reads(
    db: Path, cli: Cli, tmp_path: Path
) -> None:
    source = tmp_path / "base.json"
    datagen.write_data_file(source, 60, seed=3)
    count = datagen.write_activity_file(source, db, 2, seed=3)

    assert count == 120
    assert cli.json("info")["counts"]["activities"] == 120
    assert cli.ok("doctor").stdout.strip() == "ok"
    kinds = {a["kind"] for a in cli.json("activity", "list")}
    assert kinds == {"note", "call", "task", "meeting"}
    assert isinstance(cli.json("agenda", "--week"), list)
    again = tmp_path / "again.json"
    datagen.write_activity_file(source, again, 2, seed=3)
    assert again.read_bytes() == db.read_bytes()


def test_a_generated_card_csv_imports_with_duplicates_skipped_and_nothing_rejected(
    db: Path, cli: Cli, tmp_path: Path
) -> None:
    datagen.write_data_file(db, 60, seed=3)
    leads = list(orjson.loads(db.read_bytes())["leads"].values())
    cards = tmp_path / "cards.csv"
    rows = datagen.write_cards(cards, 300, seed=3, returning=leads)

    report = json.loads(cli.ok("lead", "import", str(cards), "--dry-run", "--json").stdout)

    assert cards.read_text(encoding="utf-8").splitlines()[0] == ",".join(datagen.CARD_COLUMNS)
    assert rows == 300
    assert report["rejected"] == 0
    assert report["duplicates"] > 0
    assert report["imported"] + report["duplicates"] == 300


def test_only_keeps_the_matching_measurements_and_what_they_are_compared_with() -> None:
    from benchmarks.run import Bench, only

    def bench(key: str, versus: str | None = None) -> Bench:
        group, name = key.split("/")
        return Bench(key, group, name, "import", lambda _: [], versus=versus)

    benches = [
        bench("start-up/python"),
        bench("100k/write"),
        bench("100k/lead show", versus="100k/parse"),
        bench("100k/parse"),
        bench("100k/sqlite-utils"),
        bench("100k/import into empty", versus="100k/sqlite-utils"),
        bench("100k/import into 100k", versus="100k/write"),
    ]

    assert [b.key for b in only(benches, ["import"])] == [
        "100k/write",
        "100k/sqlite-utils",
        "100k/import into empty",
        "100k/import into 100k",
    ]
    assert [b.key for b in only(benches, ["show", "python"])] == [
        "start-up/python",
        "100k/lead show",
        "100k/parse",
    ]
    assert only(benches, ["nothing"]) == []


@pytest.mark.slow
def test_the_cards_floor_writes_one_document_per_row(tmp_path: Path) -> None:
    from benchmarks.run import CARDS_FLOOR

    cards = tmp_path / "cards.csv"
    cards.write_text("First Name,Last Name,Email\nAda,Lovelace,ada@example.org\nAlan,Turing,\n")
    out = tmp_path / "floor.json"

    subprocess.run([sys.executable, "-c", CARDS_FLOOR, str(cards), str(out)], check=True)

    assert orjson.loads(out.read_bytes()) == {
        "leads": {
            "1": {"First Name": "Ada", "Last Name": "Lovelace", "Email": "ada@example.org"},
            "2": {"First Name": "Alan", "Last Name": "Turing", "Email": ""},
        }
    }


def test_team_rows_compare_the_million_with_1k_import_with_sqlite_utils_and_writers(
    tmp_path: Path,
) -> None:
    from benchmarks.run import SQLITE_UTILS, Databases, DataSet, plan_team, team_sets

    sets = [
        DataSet(size, tmp_path / f"{size}.json", {"targets": {"show": "L-0001"}})
        for size in (1_000, 10_000, 100_000)
    ]
    chosen = team_sets(sets, million=True)
    assert [(t.label, t.source.label) for t in chosen] == [
        ("1k", "1k"),
        ("10k", "10k"),
        ("100k", "100k"),
        ("1M", "100k"),
    ]
    databases = Databases(urls={t.label: f"postgresql:///bench_{t.label}" for t in chosen})
    benches = {b.key: b for b in plan_team(chosen, tmp_path / "cards.csv", 3, databases)}

    assert list(benches) == [
        *(
            f"team {label}/{name}"
            for label in ("1k", "10k", "100k", "1M")
            for name in ("lead show", "lead add")
        ),
        "team import/cards into an empty database",
        "team writers/floor: 16 one after the other",
        "team writers/floor: 16 at once",
        "team writers/16 one after the other",
        "team writers/16 at once",
    ]
    assert [t.text for t in benches["team 1M/lead show"].targets] == ["<=1.3x 1k"]
    assert benches["team 100k/lead add"].targets == []
    assert [t.text for t in benches["team writers/16 at once"].targets] == ["<=0.5x one writer"]
    assert benches["team writers/floor: 16 at once"].targets == []
    show = benches["team 1M/lead show"].argv(tmp_path)
    assert show[-5:] == ["--db", "postgresql:///bench_1M", "lead", "show", "L-0001"]
    writers = benches["team writers/16 at once"].argv(tmp_path)
    assert writers[3:5] == ["all", "16"]
    assert writers[-6:] == [
        "--db",
        "postgresql:///bench_1k",
        "lead",
        "add",
        "--company",
        "Bench writer",
    ]
    imported = benches["team import/cards into an empty database"]
    assert imported.prepare is not None
    expected = ["faster than sqlite-utils"] if SQLITE_UTILS else []
    assert [t.text.removeprefix(">=2x ") for t in imported.targets] == expected
    assert [t.label for t in team_sets(sets, million=False)] == ["1k", "10k", "100k"]


@pytest.mark.slow
def test_the_writers_driver_runs_its_commands_and_fails_when_one_fails(tmp_path: Path) -> None:
    from benchmarks.team import WRITERS

    log = tmp_path / "ran"
    fake = [sys.executable, "-c", f"open({str(log)!r}, 'a').write('x'); import sys; sys.exit(0)"]
    for mode in ("one", "all"):
        done = subprocess.run([sys.executable, "-c", WRITERS, mode, "4", *fake], check=False)
        assert done.returncode == 0
    assert log.read_text() == "x" * 8
    failing = [sys.executable, "-c", "import sys; sys.exit(4)"]
    for mode in ("one", "all"):
        done = subprocess.run([sys.executable, "-c", WRITERS, mode, "2", *failing])
        assert done.returncode == 4
