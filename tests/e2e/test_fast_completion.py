"""The fast Tab completion (`salesflow.completing`) answers exactly what Typer answers, for bash,
zsh and fish, or leaves the answer to Typer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow import completing
from salesflow.cli import COMMANDS, app, common
from salesflow.cli.completion import record_arguments
from salesflow.completing import Answer, fast_complete
from salesflow.store.migrations import SCHEMA_VERSION
from tests.conftest import Cli

pytestmark = pytest.mark.file_only  # the fast Tab path and its cache read a data file


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Leads with plain, accented, quoted and long names; L-0001 and L-0002 qualified into
    accounts and opportunities, a quote for the first, products priced in m²."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SALESFLOW_TODAY", "2026-03-02")
        monkeypatch.setenv("NO_COLOR", "1")
        cli = Cli(tmp_path_factory.mktemp("fast-completion") / "sales.json")
        cli.ok("init", "--payment-terms", "14")
        cli.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "800")
        cli.ok("product", "add", "FLOOR", "--name", "Floor 2 m²", "--price", "95")
        cli.ok("lead", "add", "-f", "Ada", "-l", "Lovelace", "-c", "Analytical")
        cli.ok("lead", "add", "-f", "Jürgen", "-l", "Müller", "-c", 'Kälte "Nord" & Söhne $1')
        cli.ok("lead", "add", "-f", "Zoë", "-l", "O'Brien", "-c", "Initech")
        cli.ok("lead", "add", "-c", "A company name long enough to be wrapped by a narrow screen")
        cli.ok("lead", "add", "-c", "Bracket [bold] Ltd")
        cli.ok("lead", "add", "-c", "Colon: Ltd")
        cli.ok("lead", "qualify", "L-0001", "L-0002")
        cli.ok("lead", "disqualify", "L-0003", "--reason", "lost")
        cli.ok("opp", "add-product", "OPP-0001", "DAY")
        cli.ok("quote", "create", "OPP-0001")
        return cli.db.read_bytes()


@pytest.fixture
def world(db: Path, world_file: bytes, monkeypatch: pytest.MonkeyPatch) -> Path:
    db.write_bytes(world_file)
    monkeypatch.delenv("SALESFLOW_DB", raising=False)
    monkeypatch.delenv("SALESFLOW_LOCK_TIMEOUT", raising=False)
    monkeypatch.delenv("TERMINAL_WIDTH", raising=False)
    return db


def environment(shell: str, words: str, **extra: str) -> dict[str, str]:
    """What `shell` sets for a Tab after `salesflow <words>` (words ending in a space complete a
    new word)."""
    line = f"salesflow {words}"
    if shell == "bash":
        split = line.split(" ")
        env = {"COMP_WORDS": line, "COMP_CWORD": str(len(split) - 1)}
    else:
        env = {"_TYPER_COMPLETE_ARGS": line}
    return {"_SALESFLOW_COMPLETE": f"complete_{shell}", **env, **extra}


def through_typer(env: dict[str, str]) -> Answer:
    common.INVOCATION.db = None  # a new process: no --db applied yet
    result = Cli(Path("unused")).runner.invoke(app, [], env=env, prog_name="salesflow")
    assert result.stderr == ""
    return Answer(result.stdout, result.exit_code)


def fast(env: dict[str, str]) -> Answer | None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return fast_complete(os.environ)


SHELLS = [
    ("bash", {}),
    ("bash", {"COLUMNS": "40"}),
    ("zsh", {}),
    ("fish", {"_TYPER_COMPLETE_FISH_ACTION": "get-args"}),
    ("fish", {"_TYPER_COMPLETE_FISH_ACTION": "is-args"}),
    ("fish", {"_TYPER_COMPLETE_FISH_ACTION": "other"}),
]
LINES = [
    "lead show ",
    "lead show L-000",
    "lead show l-",
    "lead show L-0004",
    "lead show nothing-like-it",
    "lead qualify ",
    "lead qualify L-0004 ",
    "lead disqualify l-0004 L-0",
    "lead edit ",
    "account show ",
    "account show acc",
    "contact show ",
    "opp show ",
    "opp lose ",
    "opp edit-line OP",
    "quote show ",
    "order fulfil ",
    "invoice pay ",
    "product show ",
    "product show F",
]


@pytest.mark.parametrize(("shell", "extra"), SHELLS)
@pytest.mark.parametrize("words", LINES)
def test_the_fast_path_prints_what_typer_prints(
    world: Path, shell: str, extra: dict[str, str], words: str
) -> None:
    env = environment(shell, f"--db {world} {words}", **{"COLUMNS": "100", **extra})
    expected = through_typer(env)
    found = fast(env)
    if found is None:
        # only descriptions Typer's rich rendering may change are left to it
        assert shell != "bash"
        described = through_typer(environment("bash", f"--db {world} {words}")).output
        assert "[" in described or ":" in described
    else:
        assert found == expected
        assert fast(env) == expected  # the second Tab, from the kept candidates


def test_a_second_tab_reads_the_kept_candidates_not_the_file(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = environment("bash", f"--db {world} lead show ")
    first = fast(env)
    assert first is not None and "L-0001" in first.output

    def unread(*_: object) -> None:
        raise AssertionError("the data file was read again")

    monkeypatch.setattr(completing, "_read_tables", unread)
    assert fast(env) == first
    kept = list((Path(os.environ["XDG_CACHE_HOME"]) / "salesflow" / "completion").iterdir())
    assert [path.name.endswith("-leads.json") for path in kept] == [True]
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("shell", "extra"), [("zsh", {}), ("fish", {"_TYPER_COMPLETE_FISH_ACTION": "get-args"})]
)
def test_a_tab_offering_every_candidate_prints_the_answer_kept_for_the_shell(
    world: Path, monkeypatch: pytest.MonkeyPatch, shell: str, extra: dict[str, str]
) -> None:
    every = environment(shell, f"--db {world} account show ", COLUMNS="100", **extra)
    first = fast(every)
    assert first is not None and first == through_typer(every)
    kept = _cache_folder() / next(
        p.name for p in _cache_folder().iterdir() if p.name.endswith(f"-accounts.{shell}")
    )
    assert kept.read_text().splitlines()[1] == "ACC-000"  # what every candidate starts with

    def unread(*_: object) -> None:
        raise AssertionError("the candidates were filtered and formatted again")

    with monkeypatch.context() as patched:
        patched.setattr(completing, "_offered", unread)
        assert fast(every) == first
        prefix = environment(shell, f"--db {world} account show ACC-", COLUMNS="100", **extra)
        assert fast(prefix) == through_typer(prefix)
    for narrower in ("account show ACC-0001", "account show acc-"):
        env = environment(shell, f"--db {world} {narrower}", COLUMNS="100", **extra)
        assert fast(env) == through_typer(env)  # filtered from the candidates, as before
    narrow = environment(shell, f"--db {world} account show ", COLUMNS="12", **extra)
    assert fast(narrow) is None  # a description rich would wrap: Typer answers
    kept.write_text(kept.read_text().replace("salesflow-tab-1 ", "salesflow-tab-1 9", 1))
    assert fast(every) == first  # kept for another file: made again
    assert kept.read_text().startswith("salesflow-tab-1 ")


def test_a_write_is_offered_by_the_next_tab(world: Path) -> None:
    env = environment("bash", f"--db {world} lead show L-000")
    before = fast(env)
    assert before is not None and "L-0007" not in before.output
    Cli(world).ok("lead", "add", "-c", "Added after the first Tab")
    after = fast(env)
    assert after is not None and "L-0007  (Added after the first Tab, open)" in after.output
    assert after == through_typer(env)


def test_a_damaged_cache_file_is_ignored_and_made_again(world: Path) -> None:
    env = environment("bash", f"--db {world} lead show ")
    first = fast(env)
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "salesflow" / "completion"
    (cache,) = folder.iterdir()
    for damage in (b"{not json", b'{"format": 1, "data_file": [], "offered": []}', b"[]"):
        cache.write_bytes(damage)
        assert fast(env) == first
    assert cache.read_bytes().startswith(b'{"format":1')


@pytest.mark.parametrize(
    "where",
    [
        "--db {db} lead show ",
        "lead show --db {db} ",
        "lead --db={db} show L-",
        "--db x lead show --db {db} ",
    ],
)
def test_the_data_file_is_found_where_typer_finds_it(world: Path, where: str) -> None:
    env = environment("bash", where.format(db=world))
    found = fast(env)
    assert found is not None and found == through_typer(env)
    assert found.output.startswith("L-0001  (Ada Lovelace, Analytical, qualified)\n")


def test_salesflow_db_and_a_missing_file_answer_as_typer_does(world: Path, tmp_path: Path) -> None:
    env = environment("bash", "account show ", SALESFLOW_DB=str(world))
    found = fast(env)
    assert found is not None and found == through_typer(env)
    assert "ACC-0001  (Analytical)" in found.output
    for shell in ("bash", "zsh"):
        env = environment(shell, "account show ", SALESFLOW_DB=str(tmp_path / "none.json"))
        assert fast(env) == through_typer(env) == Answer("\n" if shell == "bash" else "_files\n", 0)


def test_the_default_data_file_is_the_user_data_dirs(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = tmp_path / "data" / "salesflow" / "salesflow.json"
    default.parent.mkdir(parents=True)
    default.write_bytes(world.read_bytes())
    env = environment("zsh", "opp show ")
    found = fast(env)
    assert found is not None and found == through_typer(env)
    assert '"OPP-0001":"Analytical opportunity, Analytical, open, propose"' in found.output


def test_a_narrow_screen_leaves_long_descriptions_to_typer(world: Path) -> None:
    env = environment("zsh", f"--db {world} lead show L-0004", COLUMNS="30")
    assert fast(env) is None
    assert "\n" in through_typer(env).output.split(":", 2)[-1]  # rich wrapped it


@pytest.mark.parametrize(
    "words",
    [
        "lead show --",  # an option name
        "lead list --status ",  # an option's value
        "lead show L-0001 ",  # no argument left
        "opp stage OPP-0001 ",  # stages after the numbers
        "opp add-product OPP-0001 ",  # a product: not completed
        "invoice show ",  # invoices and credit notes together
        "lead qualify - ",  # numbers from stdin
        "lead ",  # a command name
        "--db",  # the file name itself
        "lead show --db ",
        "--db postgresql://sales@localhost/sales lead show ",
        "--version lead show ",
    ],
)
def test_other_lines_are_left_to_typer(world: Path, words: str) -> None:
    assert fast(environment("bash", f"--db {world} {words}")) is None


@pytest.mark.parametrize(
    "env",
    [
        {"_SALESFLOW_COMPLETE": "source_bash"},
        {
            "_SALESFLOW_COMPLETE": "complete_powershell",
            "_TYPER_COMPLETE_ARGS": "salesflow lead show ",
        },
        {"SALESFLOW_DB": "postgresql://sales@localhost/sales"},
        {"SALESFLOW_DB": "postgres:dbname=sales"},
        {"SALESFLOW_LOCK_TIMEOUT": "5"},
    ],
)
def test_other_shells_instructions_and_stores_are_left_to_typer(
    world: Path, env: dict[str, str]
) -> None:
    words = "lead show " if "SALESFLOW_DB" in env else f"--db {world} lead show "
    assert fast({**environment("bash", words), **env}) is None


def test_a_file_the_store_would_check_or_upgrade_is_left_to_typer(world: Path) -> None:
    env = environment("bash", f"--db {world} lead show ")
    data = json.loads(world.read_bytes())
    world.write_text(json.dumps(data))  # not in salesflow's layout
    assert fast(env) is None
    assert through_typer(env).output.startswith("L-0001  (Ada Lovelace")

    layout_module = completing._store_module("layout")
    data["leads"]["1"]["company"] = "Changed by hand"  # its size no longer as recorded
    world.write_bytes(
        layout_module.join((name, json.dumps(table).encode()) for name, table in data.items())
    )
    assert fast(env) is None

    data["_meta"]["1"]["schema"] = SCHEMA_VERSION - 1
    world.write_bytes(
        layout_module.join((name, json.dumps(table).encode()) for name, table in data.items())
    )
    assert fast(env) is None


def test_a_record_the_rule_cannot_read_offers_nothing_on_both_paths(world: Path) -> None:
    layout_module = completing._store_module("layout")
    data = json.loads(world.read_bytes())
    data["quotes"]["1"]["revision"] = "second"
    data["quotes"]["99"] = data["quotes"]["1"]  # a revision of it: which one is the latest?
    tables = {name: json.dumps(table).encode() for name, table in data.items()}
    for name, body in tables.items():
        if name != "_meta":
            data["_meta"]["1"]["tables"][name].update(size=len(body), count=len(data[name]))
    tables["_meta"] = json.dumps(data["_meta"]).encode()
    world.write_bytes(layout_module.join(tables.items()))
    env = environment("bash", f"--db {world} quote show ")
    assert fast(env) == through_typer(env) == Answer("\n", 0)


def test_the_table_of_record_arguments_is_the_clis() -> None:
    assert record_arguments() == completing.RECORD_ARGUMENTS
    assert set(COMMANDS) == completing.ROOT_COMMANDS
    assert completing.SCHEMA_VERSION == SCHEMA_VERSION
    used = {source for args in completing.RECORD_ARGUMENTS.values() for _, _, source in args}
    assert used - {None} <= set(completing.SOURCES)


@pytest.mark.slow
def test_the_console_script_answers_fast_and_falls_through(world: Path) -> None:
    program = str(Path(sys.executable).with_name("salesflow"))
    for words, expected in (
        ("lead show L-0001", "L-0001\n"),  # the fast path
        ("invoice show ", "\n"),  # Typer's
    ):
        env = {**os.environ, **environment("bash", f"--db {world} {words}")}
        result = subprocess.run([program], capture_output=True, text=True, env=env, timeout=60)
        assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")


@given(st.text(alphabet=st.sampled_from("ab \"'$`:\\é"), max_size=12))
def test_the_zsh_escape_is_typers_chain_of_replaces(text: str) -> None:
    chained = (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )
    assert completing._zsh_escape(text) == chained


def test_only_the_latest_cache_files_are_kept(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(completing, "KEPT_CACHES", 2)
    for number, words in enumerate(("lead show ", "opp show ", "account show ")):
        assert fast(environment("bash", f"--db {world} {words}")) is not None
        time.sleep(0.02)  # the next cache file is written later than this one
        kept = sorted(p.name.split("-", 1)[1] for p in _cache_folder().iterdir())
        assert len(kept) == min(number + 1, 2)
    assert kept == ["accounts.json", "opportunities.json"]
    assert fast(environment("zsh", f"--db {world} opp show ", COLUMNS="100")) is not None
    time.sleep(0.02)
    assert fast(environment("zsh", f"--db {world} contact show ", COLUMNS="100")) is not None
    kept = sorted(p.name.split("-", 1)[1] for p in _cache_folder().iterdir())
    # the answer kept for a shell goes with its candidates (the opportunities were the oldest)
    assert kept == ["accounts.json", "contacts.json", "contacts.zsh"]


def _cache_folder() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "salesflow" / "completion"
