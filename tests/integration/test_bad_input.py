"""A catalogue of bad input across the commands, each on a file holding a whole pipeline
(`tests.worlds.every_kind`): the exit code, exactly one `Error:` line that names the bad value or
record, nothing on stdout, no traceback, and the data file byte-identical with nothing new beside
it.

The exact wording of each message belongs to the command's own tests; here each case names the
fragment that must appear in it (the value, number or rule the user has to fix).
"""

from __future__ import annotations

import csv
import errno
import io
from pathlib import Path

import pytest

from tests.integration.helpers import Salesflow, one_error_line

Case = tuple[str, int, str]

CASES: list[Case] = [
    # leads
    ("lead add", 1, "lead needs a last name or a company"),
    ("lead add --first-name Only", 1, "lead needs a last name or a company"),
    ("lead add --company X --email a@b", 1, "email 'a@b' is not a valid email address"),
    ("lead add --company X --estimated-value -1", 1, "estimated value '-1' is negative"),
    ("lead add --company X --estimated-value 1e999", 1, "estimated value '1e999' is not a number"),
    ("lead add --company X --estimated-value 10000000000000", 1, "'10000000000000' is too large"),
    ("lead add --company X --estimated-value NaN", 1, "estimated value 'NaN' is not a number"),
    ("lead add --company X --bogus 1", 2, "No such option: --bogus"),
    ("lead edit L-0002 --phone 1", 1, "lead L-0002 is disqualified (no-longer-interested)"),
    ("lead edit L-0003 --email nope", 1, "email 'nope' is not a valid email address"),
    ("lead edit L-0003 --reason maybe", 1, "lead reason 'maybe' is not one of: new, contacted"),
    ("lead edit L-0003 --company '' --last-name ''", 1, "lead L-0003 needs a last name"),
    ("lead edit L-0404 --phone 1", 1, "lead L-0404 not found"),
    ("lead show L-0404", 1, "lead L-0404 not found"),
    ("lead show", 2, "Missing argument"),
    ("lead qualify L-0001", 1, "lead L-0001 is qualified; only open leads can be qualified"),
    ("lead qualify L-0003 --close-date 2026-02-30", 1, "close date '2026-02-30' is not a date"),
    ("lead qualify L-0003 --estimated-revenue lots", 1, "estimated revenue 'lots' is not a"),
    ("lead qualify L-0003 --account ACC-0404", 1, "account ACC-0404 not found"),
    ("lead qualify L-0003 --contact CON-0404", 1, "contact CON-0404 not found"),
    ("lead disqualify L-0003 --reason bored", 1, "disqualify reason 'bored' is not one of"),
    ("lead disqualify L-0003", 2, "Missing option '--reason'"),
    ("lead disqualify L-0002 --reason lost", 1, "lead L-0002 is disqualified"),
    ("lead reactivate L-0003", 1, "only disqualified leads can be reactivated"),
    ("lead list --status maybe", 1, "status 'maybe' is not one of"),
    ("lead list --since yesterday", 1, "--since 'yesterday' is not a date"),
    ("lead list --sort colour", 1, "sort field 'colour' is not one of"),
    ("lead list --limit -1", 1, "limit -1 must be 0 or more"),
    ("lead list --json --csv", 2, "choose one output format, not --json and --csv"),
    # accounts, contacts, products
    ("account show ACC-0404", 1, "account ACC-0404 not found"),
    ("contact show CON-0404", 1, "contact CON-0404 not found"),
    ("account list --sort colour", 1, "sort field 'colour' is not one of"),
    ("product add DAY --name Again --price 1", 1, "product DAY already exists"),
    ("product add NEW --name New --price abc", 1, "price 'abc' is not a number"),
    ("product add NEW --name New --price 1 --tax-rate 101", 1, "tax rate '101' is out of range"),
    ("product add NEW --name '' --price 1", 1, "product NEW needs a name"),
    ("product add NEW --price 1", 2, "Missing option '--name'"),
    ("product edit NOPE --price 1", 1, "product NOPE not found"),
    ("product edit DAY --price -1", 1, "price '-1' is negative"),
    ("product show NOPE", 1, "product NOPE not found"),
    # opportunities
    ("opp add --name X --account ACC-0404", 1, "account ACC-0404 not found"),
    ("opp add --account ACC-0001", 2, "Missing option '--name'"),
    ("opp add --name X --account ACC-0001 --probability 120", 1, "probability '120' is out of"),
    ("opp edit OPP-0003 --name Y", 1, "opportunity OPP-0003 is lost"),
    ("opp edit OPP-0002 --close-date soon", 1, "close date 'soon' is not a date"),
    ("opp stage OPP-0002 negotiate", 1, "stage 'negotiate' is not one of"),
    ("opp stage OPP-0003 develop", 1, "opportunity OPP-0003 is lost"),
    ("opp add-product OPP-0002 NOPE --quantity 1", 1, "product NOPE not found"),
    ("opp add-product OPP-0002 DAY --quantity 0", 1, "quantity '0' must be more than 0"),
    ("opp add-product OPP-0002 DAY --quantity 1 --discount 101%", 1, "discount '101%' is more"),
    ("opp add-product OPP-0002 DAY --quantity 1 --discount 500", 1, "discount 500.00 is more"),
    ("opp add-product OPP-0002 --write-in Travel --quantity 1", 1, "needs --price"),
    (
        "opp add-product OPP-0002 --write-in Plant --price 999999999999 --quantity 999999999999",
        1,
        "line 'Plant': 999999999999 × 999999999999.00 comes to 999,999,999,998,000,000,000,001.00",
    ),
    (
        "opp add-product OPP-0002 --write-in Plant --price 999999999999.99 --quantity 1",
        1,
        "opportunity OPP-0002: line 2 would take the total to 1,210,000,000,090.74",
    ),
    ("opp add-product OPP-0002 DAY --write-in T --price 1", 1, "a line is a catalog product"),
    ("opp remove-product OPP-0002 9", 1, "opportunity OPP-0002 has no line 9"),
    ("opp remove-product OPP-0002 one", 2, "Invalid value for 'line_no'"),
    ("opp win OPP-0002", 1, "opportunity OPP-0002 has open quote(s) QUO-0002"),
    ("opp win OPP-0003", 1, "opportunity OPP-0003 is lost"),
    ("opp lose OPP-0002 --reason meh", 1, "loss reason 'meh' is not one of"),
    ("opp lose OPP-0002 --reason canceled", 1, "has open quote(s) QUO-0002"),
    ("opp reopen OPP-0002", 1, "opportunity OPP-0002 is open"),
    ("opp reopen OPP-0001", 1, "opportunity OPP-0001 is won with order(s) ORD-0001"),
    ("opp show OPP-0404", 1, "opportunity OPP-0404 not found"),
    # quotes
    ("quote create OPP-0003", 1, "opportunity OPP-0003 is lost (out-sold)"),
    ("quote create OPP-0002 --valid-until 2020-01-01", 1, "valid until 2020-01-01 is before"),
    ("quote create OPP-0404", 1, "opportunity OPP-0404 not found"),
    ("quote add-product QUO-0001 DAY --quantity 1", 1, "quote QUO-0001 is won"),
    ("quote add-product QUO-0002 DAY --quantity x", 1, "quantity 'x' is not a number"),
    (
        "quote add-product QUO-0002 --write-in Plant --price 999999999999.99 --quantity 1",
        1,
        "quote QUO-0002: line 2 would take the total to 1,210,000,000,090.74",
    ),
    ("quote remove-product QUO-0002 7", 1, "quote QUO-0002 has no line 7"),
    ("quote discount QUO-0002", 2, "give the discount as --percent P or --amount A"),
    ("quote discount QUO-0002 --percent 5 --amount 3", 2, "give the discount as --percent P"),
    ("quote discount QUO-0002 --amount 1000", 1, "discount 1000.00 is more than the subtotal"),
    ("quote discount QUO-0002 --percent 150", 1, "discount percent '150' is out of range"),
    ("quote activate QUO-0001", 1, "quote QUO-0001 is won; only draft quotes"),
    ("quote accept QUO-0002", 1, "quote QUO-0002 is draft (in-progress)"),
    ("quote close QUO-0002 --reason lost", 1, "quote QUO-0002 is draft (in-progress)"),
    ("quote close QUO-0001 --reason whatever", 1, "close reason 'whatever' is not one of"),
    ("quote revise QUO-0001", 1, "quote QUO-0001 is won"),
    ("quote delete QUO-0001", 1, "quote QUO-0001 is won; only draft quotes can be deleted"),
    ("quote show QUO-0404", 1, "quote QUO-0404 not found"),
    ("quote show QUO-0001 --revision 3", 1, "quote QUO-0001 has no revision 3"),
    ("quote show QUO-0001 --revision 0", 2, "Invalid value for '--revision'"),
    ("quote list --status maybe", 1, "status 'maybe' is not one of"),
    ("quote export QUO-0001 --format docx", 1, "format 'docx' is not one of: pdf, html, md"),
    ("quote export QUO-0001 --output -", 2, "a PDF cannot be written to stdout"),
    ("quote export QUO-0001 --output {tmp}/no/such/q.pdf", 1, "directory {tmp}/no/such does"),
    ("quote export QUO-0001 --output {existing}", 1, "already exists; use --force"),
    ("quote export QUO-0001 --output {tmp}", 1, "is a directory; give a file name"),
    # orders and invoices
    ("order fulfil ORD-0001", 1, "order ORD-0001 is fulfilled"),
    ("order fulfil ORD-0002 --date 2026-13-01", 1, "invoice date '2026-13-01' is not a date"),
    ("order fulfil ORD-0002 --date 2020-01-01", 1, "invoice date 2020-01-01 is before the order"),
    ("order cancel ORD-0001", 1, "order ORD-0001 is fulfilled; only active orders"),
    ("order show ORD-0404", 1, "order ORD-0404 not found"),
    ("order list --status maybe", 1, "status 'maybe' is not one of"),
    ("invoice pay INV-2026-0002", 1, "invoice INV-2026-0002 is paid"),
    ("invoice pay INV-2026-0001 --amount 0", 1, "payment amount '0' must be more than 0"),
    ("invoice pay INV-2026-0001 --amount -5", 1, "payment amount '-5' must be more than 0"),
    ("invoice pay INV-2026-0001 --amount 1000", 1, "1000.00 is more than the balance 192.00"),
    ("invoice pay INV-2026-0001 --amount ten", 1, "payment amount 'ten' is not a number"),
    ("invoice pay INV-2026-0001 --date 2026/11/27", 1, "payment date '2026/11/27' is not a date"),
    ("invoice pay INV-2026-0404", 1, "invoice INV-2026-0404 not found"),
    ("invoice cancel INV-2026-0001", 1, "invoice INV-2026-0001 is partially-paid (paid 50.00)"),
    ("invoice show INV-2026-0404", 1, "invoice INV-2026-0404 not found"),
    ("invoice list --status maybe", 1, "status 'maybe' is not one of"),
    ("invoice export INV-2026-0001 --format docx", 1, "format 'docx' is not one of"),
    ("invoice export INV-2026-0001 --output {existing}", 1, "already exists; use --force"),
    # settings, history, reports
    ("config set colour blue", 1, "setting 'colour' is unknown"),
    ("config set currency EURO", 1, "currency 'EURO' is not a three-letter ISO code"),
    ("config set payment_terms 400", 1, "payment_terms '400' is out of range"),
    ("config set history_keep many", 1, "history_keep 'many' is not a whole number"),
    ("config set tax_rate 101", 1, "tax rate '101' is out of range"),
    ("config get colour", 1, "setting 'colour' is unknown"),
    ("config set lock_timeout -- -1", 1, "lock_timeout '-1' is out of range; it must be from 0 to"),
    ("config set lock_timeout 1e400", 1, "lock_timeout '1e400' is out of range"),
    ("config set lock_timeout inf", 1, "lock_timeout 'inf' is not a number of seconds"),
    ("config set lock_timeout nan", 1, "lock_timeout 'nan' is not a number of seconds"),
    ("init --email nope", 1, "email 'nope' is not a valid email address"),
    ("history L-0404", 1, "record L-0404 not found"),
    ("report pipeline --from yesterday", 1, "--from 'yesterday' is not a date"),
    ("report sales --to 2026-02-30", 1, "--to '2026-02-30' is not a date"),
    ("report receivables --as-of soon", 1, "--as-of 'soon' is not a date"),
    ("report forecast --json --csv", 2, "choose one output format"),
    ("report nonsense", 2, "No such command 'nonsense'"),
    # the safety net itself
    ("undo", 1, "nothing to undo: {db}.history holds no earlier version"),
    ("redo", 1, "nothing to redo in {db}.history"),
    ("backup {existing}", 1, "backup: file {existing} already exists; use --force"),
    ("backup {tmp}", 1, "backup: {tmp} is a directory; give a file name"),
    ("backup {tmp}/no/such/b.json", 1, "directory {tmp}/no/such does not exist"),
    ("backup {db}", 1, "backup: {db} is the data file"),
    ("backup {db} --force", 1, "backup: {db} is the data file"),
    ("backup {db}.lock --force", 1, "backup: {db}.lock is the data file's lock"),
    ("backup restore {existing}", 1, "backup {existing} is not valid JSON"),
    ("backup restore {tmp}/none.json", 1, "backup {tmp}/none.json not found"),
    ("backup restore {db}", 1, "backup {db} is the data file itself"),
    ("backup restore", 2, "Missing argument 'file'"),
    ("backup", 2, "Missing argument 'file'"),
    ("undo --bogus", 2, "No such option: --bogus"),
    # import and export
    ("lead import {inputs}/missing.csv", 1, "file {inputs}/missing.csv not found"),
    ("lead import {inputs}", 1, "{inputs} is a folder, not a CSV file"),
    ("lead import {inputs}/empty.csv", 1, "empty.csv: no header row found"),
    ("lead import {inputs}/nohead.csv", 1, "nohead.csv: no column header is recognised"),
    ("lead import {inputs}/good.csv --on-duplicate merge", 1, "--on-duplicate 'merge' is not"),
    ("lead import {inputs}/good.csv --map Nope", 2, '--map "Nope" must look like'),
    ("lead import {inputs}/good.csv --map Company=colour", 2, '"colour" is not a lead field'),
    ("lead import {inputs}/good.csv --encoding klingon", 2, 'encoding "klingon" is unknown'),
    ("lead import {inputs}/good.csv --delimiter xx", 2, 'delimiter "xx" cannot be used'),
    ("lead import {inputs}/good.csv --profile {inputs}/nope", 1, "mapping profile"),
    ("lead import", 2, "Missing argument"),
    ("export colours", 1, "export type 'colours' is not one of"),
    ("export leads --format xml", 1, "export format 'xml' is not one of: csv, json, jsonl"),
    ("export leads --output {existing}", 1, "{existing} already exists; use --force"),
    ("export leads --output {tmp}/no/such.csv", 1, "folder {tmp}/no does not exist"),
    ("export leads --output {tmp}", 1, "output {tmp} is a folder; give a file name"),
    # dates beyond the calendar (a leading NAME=value sets the environment)
    (
        "SALESFLOW_TODAY=9999-12-15 quote create OPP-0002",
        1,
        "quote QUO-0005: valid until 9999-12-15 + 30 days is after 9999-12-31, the last date",
    ),
    (
        "SALESFLOW_TODAY=9999-12-15 order fulfil ORD-0002",
        1,
        "order ORD-0002: due date 9999-12-15 + 30 days is after 9999-12-31, the last date",
    ),
    ("SALESFLOW_TODAY=9999-12-15 report forecast", 1, "--months 6 from 9999-12 runs past 9999-12"),
    ("SALESFLOW_TODAY=0001-01-01 demo", 1, "demo: first day 0001-01-01 − 48 days is before"),
    ("export leads --output {db} --force", 1, "output {db} is the data file ({db})"),
    ("quote export QUO-0001 --output {db} --force", 1, "output {db} is the data file"),
    ("lead import {inputs}/good.csv --rejects {db}", 1, "--rejects {db} is the data file"),
]


INPUTS = {
    "empty.csv": "",
    "nohead.csv": "foo;bar\n1;2\n",
    "good.csv": "First Name,Last Name,Company\nAda,Lovelace,Analytical\n",
}


def _fill(text: str, tmp: Path, db: Path) -> str:
    return text.format(
        tmp=tmp / "out", existing=tmp / "out" / "existing.txt", db=db, inputs=tmp / "in"
    )


@pytest.mark.parametrize(("line", "code", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_one_error_line_and_the_file_unchanged(
    db: Path,
    world: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    line: str,
    code: int,
    fragment: str,
) -> None:
    import shlex

    out = tmp_path / "out"
    out.mkdir()
    (out / "existing.txt").write_text("keep me")
    (tmp_path / "in").mkdir()
    for name, text in INPUTS.items():
        (tmp_path / "in" / name).write_text(text)
    args = [_fill(arg, tmp_path, db) for arg in shlex.split(line)]
    while args and "=" in args[0] and args[0].split("=")[0].isupper():
        name, value = args.pop(0).split("=", 1)
        monkeypatch.setenv(name, value)
    result = Salesflow(db)(*args)
    assert result.exception is None
    assert result.exit_code == code, result.stderr
    assert _fill(fragment, tmp_path, db) in one_error_line(result.stderr)
    assert result.stdout == ""
    assert db.read_bytes() == world
    assert {p.name for p in tmp_path.iterdir()} <= {"sales.json", "sales.json.lock", "out", "in"}
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == sorted(INPUTS)
    assert [p.name for p in out.iterdir()] == ["existing.txt"]
    assert (out / "existing.txt").read_text() == "keep me"


def test_the_catalogue_has_at_least_60_cases_over_every_command_group() -> None:
    assert len(CASES) >= 60
    groups = {line.split()[0] for line, _, _ in CASES}
    assert groups >= {
        "lead",
        "account",
        "contact",
        "product",
        "opp",
        "quote",
        "order",
        "invoice",
        "config",
        "init",
        "history",
        "report",
        "undo",
        "redo",
        "backup",
        "export",
    }
    assert any(line.startswith("lead import") for line, _, _ in CASES)
    assert any(line.startswith("SALESFLOW_TODAY=") for line, _, _ in CASES)


# --- import rows ----------------------------------------------------------------------------------

HEADER = "First Name,Last Name,Company,E-mail Address,Estimated Value\n"
GOOD_ROW = "Grace,Hopper,Navy,grace@example.com,1000\n"
BAD_ROWS: list[tuple[str, str, str]] = [
    ("a bad email", "Ada,L,Acme,not-an-email,10\n", 'value "not-an-email" is not an email'),
    ("an email with a space", "Ada,L,Acme,ada @example.com,10\n", "is not an email address"),
    ("a word for an amount", "Bob,M,Beta,bob@example.com,lots\n", 'value "lots" is not an amount'),
    ("a negative amount", "Bob,M,Beta,bob@example.com,-5\n", 'value "-5" is negative'),
    ("no name or company", ",,,x@example.com,\n", "needs a last name or a company"),
    ("too many values", "Ada,L,Acme,a@example.com,1,extra,more\n", "values but the header has"),
    ("a quote followed by text", 'Ada,L,"Acme"x,a@example.com,1\n', "is a quote missing"),
    ("an unclosed quote", 'Ada,L,"Acme,a@example.com,1\n', "is never closed"),
]


@pytest.mark.parametrize(
    ("row", "fragment"), [r[1:] for r in BAD_ROWS], ids=[r[0] for r in BAD_ROWS]
)
def test_a_bad_import_row_is_named_and_strict_imports_nothing(
    db: Path, world: bytes, tmp_path: Path, row: str, fragment: str
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(HEADER + GOOD_ROW + row)
    run = Salesflow(db)
    strict = run("lead", "import", str(rows), "--strict")
    assert strict.exception is None
    assert strict.exit_code == 1
    assert one_error_line(strict.stderr) == (
        f"Error: 1 of 2 rows of rows.csv rejected (see {tmp_path / 'rows.rejects.csv'}); "
        "--strict imports nothing"
    )
    assert fragment in strict.stderr
    assert db.read_bytes() == world
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "rows.csv",
        "rows.rejects.csv",  # the list to fix, though nothing is imported
        "sales.json",
        "sales.json.lock",
    ]

    kept = run("lead", "import", str(rows), "--force")  # --force: the rejects file exists
    assert kept.exit_code == 3
    assert "Error:" not in kept.stderr and "Traceback" not in kept.stderr
    assert fragment in kept.stderr
    rejected = list(csv.reader(io.StringIO((tmp_path / "rows.rejects.csv").read_text("utf-8-sig"))))
    assert len(rejected) == 2 and rejected[0][-1] == "error" and fragment in rejected[1][-1]
    assert run.ok("lead", "show", "L-0004").stdout.splitlines()[2].split() == [
        "Name",
        "Grace",
        "Hopper",
    ]
    run.ok("undo")  # the import was one write: undo takes all of it back
    assert db.read_bytes() == world


# --- files and locks ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "-1", "inf", "1e400", "3601", "soon"])
def test_a_lock_timeout_outside_0_to_3600_seconds_is_refused(
    db: Path, world: bytes, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SALESFLOW_LOCK_TIMEOUT", value)
    result = Salesflow(db)("lead", "add", "--company", "X")
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == (
        f"Error: $SALESFLOW_LOCK_TIMEOUT {value!r} is not a number of seconds from 0 to 3600"
    )
    assert db.read_bytes() == world


def _failing_open(monkeypatch: pytest.MonkeyPatch, suffix: str, error: OSError) -> None:
    import os

    import salesflow.store.locking

    real = os.open

    def fake(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith(suffix):
            raise error
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(salesflow.store.locking.os, "open", fake)


LOCK_ERRORS = [
    ("no free inodes", errno.ENOSPC, "No space left on device"),
    ("a read-only folder", errno.EROFS, "Read-only file system"),
    ("a lock file of another user", errno.EACCES, "Permission denied"),
]


@pytest.mark.parametrize(("case", "code", "text"), LOCK_ERRORS, ids=[c[0] for c in LOCK_ERRORS])
def test_a_lock_file_that_cannot_be_opened_is_one_error_line(
    db: Path, world: bytes, monkeypatch: pytest.MonkeyPatch, case: str, code: int, text: str
) -> None:
    lock = f"{db}.lock"
    _failing_open(monkeypatch, ".lock", OSError(code, text, lock))
    result = Salesflow(db)("lead", "add", "--company", "X")
    assert result.exception is None
    assert result.exit_code == 4
    assert one_error_line(result.stderr) == (
        f"Error: cannot lock data file {db}: {text} ({lock}); nothing was written"
    )
    assert db.read_bytes() == world


def test_a_lock_path_that_is_a_folder_is_one_error_line(db: Path, world: bytes) -> None:
    db.with_name("sales.json.lock").mkdir()
    result = Salesflow(db)("lead", "add", "--company", "X")
    assert result.exit_code == 4
    assert one_error_line(result.stderr) == (
        f"Error: cannot lock data file {db}: Is a directory ({db}.lock); nothing was written"
    )
    assert db.read_bytes() == world


@pytest.mark.parametrize("given", ["--db", "$SALESFLOW_DB"])
def test_a_path_through_a_file_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    from typer.testing import CliRunner

    from salesflow.cli import app

    (tmp_path / "notes.txt").write_text("a file, not a folder")
    db = tmp_path / "notes.txt" / "sales.json"
    monkeypatch.setenv("SALESFLOW_DB", str(db))
    before = ["--db", str(db)] if given == "--db" else []
    for args, message in (
        (["lead", "list"], f"Error: cannot read data file {db}: Not a directory"),
        (
            ["lead", "add", "--company", "X"],
            f"Error: cannot lock data file {db}: Not a directory ({db}.lock); nothing was written",
        ),
    ):
        result = CliRunner().invoke(app, [*before, *args])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.exit_code == 4, result.stderr
        assert one_error_line(result.stderr) == message
    assert (tmp_path / "notes.txt").read_text() == "a file, not a folder"


@pytest.mark.parametrize("given", ["--db", "$SALESFLOW_DB"])
def test_a_data_file_of_another_user_exits_4_however_it_is_given(
    db: Path, world: bytes, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    import builtins
    import os

    from typer.testing import CliRunner

    import salesflow.store.tracking
    from salesflow.cli import app

    real = builtins.open

    def unreadable(path: object, *args: object, **kwargs: object) -> object:
        if str(path) == str(db):
            raise PermissionError(errno.EACCES, "Permission denied", str(db))
        return real(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(salesflow.store.tracking, "open", unreadable, raising=False)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    monkeypatch.setenv("SALESFLOW_DB", str(db))
    before = ["--db", str(db)] if given == "--db" else []
    for args in (["lead", "list"], ["lead", "add", "--company", "X"]):
        result = CliRunner().invoke(app, [*before, *args])
        assert result.exit_code == 4, result.stderr
        assert one_error_line(result.stderr) == (
            f"Error: cannot read data file {db}: Permission denied"
        )
    assert db.read_bytes() == world


@pytest.mark.parametrize(
    "line",
    [
        "export leads --output {out}",
        "quote export QUO-0001 --format md --output {out}",
        "invoice export INV-2026-0001 --format html --output {out}",
        "backup {out}",
    ],
)
def test_an_output_on_a_full_disk_is_one_error_line_and_no_file(
    db: Path, world: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    import shlex

    import salesflow.files

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(salesflow.files.os, "fsync", full)
    out = tmp_path / "out.txt"
    result = Salesflow(db)(*shlex.split(line.format(out=out)))
    assert result.exception is None
    assert result.exit_code == 1
    assert one_error_line(result.stderr).endswith(
        f"cannot write {out} (No space left on device); nothing was written"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sales.json"]
    assert db.read_bytes() == world


def test_folders_salesflow_creates_are_private_whatever_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    db = tmp_path / "new" / "deeper" / "sales.json"
    old = os.umask(0o022)
    try:
        Salesflow(db).ok("lead", "add", "--company", "X")
    finally:
        os.umask(old)
    for folder in (
        tmp_path / "new",
        tmp_path / "new" / "deeper",
        db.with_name("sales.json.history"),
    ):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
