"""Benchmark salesflow on seeded data sets against floors and a peer; print one table.

    python benchmarks/run.py                        # 1k, 10k and 100k leads, 5 runs each
    python benchmarks/run.py --quick                # 1k and 10k, 3 runs: a minute
    python benchmarks/run.py --sizes 10k --runs 7 --json results.json
    python benchmarks/run.py --profile "100k/lead show"   # one run under cProfile

Every figure is the wall time of a whole process (`salesflow ...`, or a floor's `python -c`),
the median of its runs, with the process's peak RSS (from `wait4`). Runs are interleaved: round
by round every measurement runs once, so the floors and the commands they are compared with see
the same machine load. Writing commands get a fresh copy of the data file for every run (copied
outside the timing). See benchmarks/README.md for the floors and the targets.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from benchmarks import datagen, team  # noqa: E402

CARD_ROWS = 100_000
VCARDS = 10_000
BATCH = 1_000
LARGE_BATCH = 100_000
LARGE_BATCH_OPEN = 20_000
SLOW_SECONDS = 1.5
"""With --quick, a measurement whose first run takes longer gets SLOW_RUNS runs instead of
--runs (a full run gives every measurement all its runs: a median of 5 at least)."""
SLOW_RUNS = 3
VERY_SLOW_SECONDS = 10.0
"""... and one whose first run takes longer than this gets VERY_SLOW_RUNS."""
VERY_SLOW_RUNS = 2
MIB = 1024 * 1024
DB_NAME = "sales.json"

# --- what runs -----------------------------------------------------------------------------------


def _script(name: str) -> str | None:
    """An installed console script, preferring the one beside this interpreter (a version
    manager's shim would add its own start-up to every figure)."""
    beside = Path(sys.executable).with_name(name)
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


PYTHON = sys.executable
_SALESFLOW = _script("salesflow")
SALESFLOW = [_SALESFLOW] if _SALESFLOW else [PYTHON, "-m", "salesflow"]
SQLITE_UTILS = _script("sqlite-utils")
ENV = shutil.which("env") or "/usr/bin/env"


def project_modules() -> list[str]:
    """What the imports floor imports: the CLI, the store, the models and every pipeline module."""
    import pkgutil

    import salesflow.pipeline

    pipeline = [
        f"salesflow.pipeline.{m.name}" for m in pkgutil.iter_modules(salesflow.pipeline.__path__)
    ]
    return ["salesflow.cli", "salesflow.store", "salesflow.models", *pipeline]


def floor_code(step: str) -> str:
    """The `python -c` program of a floor: imports, + parse (of the whole file, or of some
    `tables`), + dump and atomic write."""
    code = "import " + ", ".join(project_modules())
    if step in ("parse", "write"):
        code += "\nimport sys, orjson\nfrom pathlib import Path\npath = Path(sys.argv[1])"
        code += "\ndata = orjson.loads(path.read_bytes())"
    if step == "tables":  # only the tables named after the file, found as the store finds them
        code += "\nimport sys, orjson\nfrom pathlib import Path\nfrom salesflow.store import layout"
        code += "\nparts = layout.split(Path(sys.argv[1]).read_bytes()) or {}"
        code += "\ntables = {n: orjson.loads(parts[n]) for n in sys.argv[2:] if n in parts}"
    if step == "write":
        code += (
            "\nimport os, tempfile"
            "\nfd, tmp = tempfile.mkstemp(prefix='.floor-', dir=path.parent)"
            "\nwith os.fdopen(fd, 'wb') as out:"
            "\n    out.write(orjson.dumps(data))"
            "\n    out.flush()"
            "\n    os.fsync(out.fileno())"
            "\nos.replace(tmp, path)"
            "\ndir_fd = os.open(path.parent, os.O_RDONLY)"
            "\nos.fsync(dir_fd)"
            "\nos.close(dir_fd)"
        )
    return code


PDF_FLOOR = (
    floor_code("imports")
    + """
import sys
from importlib.resources import as_file, files
from fpdf import FPDF
pdf = FPDF(unit="mm", format="A4")
fonts = files("salesflow") / "fonts"
for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
    with as_file(fonts / name) as path:
        pdf.add_font("DejaVu", style, path)
pdf.add_page()
pdf.set_font("DejaVu", size=9)
pdf.cell(0, 5, "floor")
pdf.output(sys.argv[1])
"""
)
"""What any PDF export pays before its first line: salesflow's imports, fpdf2, parsing the two
shipped fonts, and writing a page with the fonts subset."""


CARDS_FLOOR = """\
import os, sys, tempfile
import typer._adapters, orjson
from pathlib import Path
cards, out = Path(sys.argv[1]), Path(sys.argv[2])
header, *lines = cards.read_bytes().decode("utf-8").splitlines()
keys = header.split(",")
docs = {str(n): dict(zip(keys, line.split(","))) for n, line in enumerate(lines, 1)}
fd, tmp = tempfile.mkstemp(prefix=".floor-", dir=out.parent)
with os.fdopen(fd, "wb") as file:
    file.write(orjson.dumps({"leads": docs}))
    file.flush()
    os.fsync(file.fileno())
os.replace(tmp, out)
"""
"""The least a CSV import into an empty file does with this stack: start Typer (and the pydantic
layer every command with options loads), decode the cards, split lines and fields, one dict per
row, dump, write and sync. No quoting, checks, duplicates, numbers, lock or history."""


# --- measurements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One goal of the issue: a time limit, a ratio to another measurement, or a memory limit."""

    kind: str  # "seconds" | "ratio" | "faster" | "mib"
    limit: float
    versus: str | None = None  # key of the floor or peer
    versus_name: str | None = None

    @property
    def text(self) -> str:
        if self.kind == "seconds":
            return f"<={fmt_time(self.limit)}"
        if self.kind == "ratio":
            return f"<={self.limit:g}x {self.versus_name}"
        if self.kind == "faster":
            return f">={self.limit:g}x faster than {self.versus_name}"
        return f"<={self.limit:g} MiB"


@dataclass
class Sample:
    seconds: float
    rss_kib: int


@dataclass
class Bench:
    key: str  # "10k/lead show": group / name
    group: str  # "start-up" or a size label
    name: str
    kind: str  # floor, peer, read, write, batch, import, start-up
    argv: Callable[[Path], list[str]]
    prepare: Callable[[Path], None] | None = None
    stdin: bytes | None = None
    ok: tuple[int, ...] = (0,)
    runs: int = 5
    versus: str | None = None
    versus_name: str | None = None
    targets: list[Target] = field(default_factory=list)
    keep_note: bool = False
    terminal: bool = False  # stdout a pseudo-terminal: a list shows its default screenful
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None
    note: str | None = None

    @property
    def done(self) -> bool:
        return self.error is not None or len(self.samples) >= self.runs

    @property
    def median(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.samples else None

    @property
    def peak_mib(self) -> float | None:
        return max(s.rss_kib for s in self.samples) / 1024 if self.samples else None


LAUNCHER = """
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
actions = []
if argv[0] == "--terminal":
    import fcntl, struct, termios
    argv = argv[1:]
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    actions = [
        (os.POSIX_SPAWN_DUP2, terminal, 1),
        (os.POSIX_SPAWN_CLOSE, terminal),
        (os.POSIX_SPAWN_CLOSE, controller),
    ]
start = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
if actions:
    os.close(terminal)
    with open("terminal.txt", "wb") as shown:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the command ended: its terminal is gone
                break
            if not chunk:
                break
            shown.write(chunk)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(result, "w") as out:
    out.write(f"{elapsed!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""
"""Starts and times one command (after `--terminal`, with stdout an 80x24 pseudo-terminal that the
launcher reads as the command writes, as a terminal would). The harness is a large process, and a
child's peak RSS counts the pages it shared with its parent before exec: started from this small
launcher (`python -S`, about 8 MiB) instead, a command's peak RSS is its own (never less than the
launcher's)."""


def run_once(bench: Bench, workdir: Path, env: dict[str, str]) -> None:
    """Run `bench` once in a fresh directory; record its wall time and peak RSS, or its error."""
    rundir = Path(tempfile.mkdtemp(prefix="run-", dir=workdir))
    try:
        if bench.prepare is not None:
            bench.prepare(rundir)
        argv = bench.argv(rundir)
        stdin_path = rundir / "stdin.txt"
        stdin_path.write_bytes(bench.stdin or b"")
        result = rundir / "result.txt"
        with (
            stdin_path.open("rb") as stdin,
            (rundir / "stdout.txt").open("wb") as stdout,
            (rundir / "stderr.txt").open("wb") as stderr,
        ):
            subprocess.run(
                [
                    PYTHON,
                    "-S",
                    "-c",
                    LAUNCHER,
                    str(result),
                    *(["--terminal"] if bench.terminal else []),
                    *argv,
                ],
                stdin=stdin,
                stdout=stdout,
                stderr=stderr,
                cwd=rundir,
                env=env,
                check=True,
            )
        elapsed, rss_kib, code = result.read_text().split()
        err_lines = (rundir / "stderr.txt").read_text(errors="replace").strip().splitlines()
        last = err_lines[-1] if err_lines else ""
        if int(code) not in bench.ok:
            bench.error = f"exit {code}: {last[:200]}"
            return
        bench.samples.append(Sample(float(elapsed), int(rss_kib)))
        if bench.keep_note and bench.note is None:
            bench.note = last
    finally:
        shutil.rmtree(rundir, ignore_errors=True)


def copy_to(source: Path, name: str = DB_NAME) -> Callable[[Path], None]:
    def prepare(rundir: Path) -> None:
        shutil.copyfile(source, rundir / name)

    return prepare


# --- data sets -----------------------------------------------------------------------------------


def size_label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if part:
            sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    if not sizes or min(sizes) < 10:
        raise SystemExit("--sizes: give sizes like 1k,10k,100k (at least 10 leads)")
    return sizes


def cache_key(seed: int) -> str:
    """Data sets are reused while the generator, the models, the file layout and the schema stay
    the same."""
    from salesflow.store.migrations import SCHEMA_VERSION

    digest = hashlib.sha256()
    for path in (
        Path(datagen.__file__),
        REPO / "salesflow" / "models.py",
        REPO / "salesflow" / "store" / "layout.py",
        REPO / "salesflow" / "store" / "damage.py",  # what `_meta` records of each table
    ):
        digest.update(path.read_bytes())
    digest.update(f"{SCHEMA_VERSION}".encode())
    return f"v{datagen.GENERATOR_VERSION}-seed{seed}-{digest.hexdigest()[:10]}"


@dataclass
class DataSet:
    size: int
    path: Path
    manifest: dict[str, Any]

    @property
    def label(self) -> str:
        return size_label(self.size)


def check_data_file(path: Path, env: dict[str, str]) -> dict[str, Any]:
    """`salesflow doctor` and `salesflow info` on a generated file; SystemExit on problems."""
    doctor = subprocess.run(
        [*SALESFLOW, "--db", str(path), "doctor"], env=env, capture_output=True, text=True
    )
    if doctor.returncode == 2 and "No such command" in doctor.stderr:
        verdict = "doctor not available"
    elif doctor.returncode != 0:
        problems = (doctor.stdout + doctor.stderr).strip().splitlines()
        raise SystemExit(
            f"salesflow doctor found problems in the generated {path}:\n  "
            + "\n  ".join(problems[:20])
        )
    else:
        verdict = doctor.stdout.strip() or "ok"
    info = subprocess.run(
        [*SALESFLOW, "--db", str(path), "info", "--json"], env=env, capture_output=True
    )
    if info.returncode != 0:
        raise SystemExit(f"salesflow info failed on the generated {path}: {info.stderr!r}")
    return {"doctor": verdict, "info": orjson.loads(info.stdout)}


def data_set(size: int, seed: int, cache: Path, env: dict[str, str], fresh: bool) -> DataSet:
    path = cache / f"leads-{size_label(size)}.json"
    manifest_path = path.with_suffix(".manifest.json")
    if not fresh and path.exists() and manifest_path.exists():
        return DataSet(size, path, orjson.loads(manifest_path.read_bytes()))
    say(f"generating {size_label(size)} leads in {path} ...")
    start = time.perf_counter()
    generated = datagen.write_data_file(path, size, seed)
    manifest = generated.as_dict()
    manifest["bytes"] = path.stat().st_size
    manifest["generated_in_s"] = round(time.perf_counter() - start, 1)
    manifest.update(check_data_file(path, env))
    manifest_path.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    say(
        f"  {manifest['bytes'] / MIB:.1f} MiB in {manifest['generated_in_s']} s; doctor: "
        f"{manifest['doctor']}"
    )
    return DataSet(size, path, manifest)


def card_file(seed: int, cache: Path, returning_from: Path, fresh: bool) -> Path:
    """The cards CSV; beside it the same rows as a workbook (`workbook_of`) and the vCards
    (`vcards_of`)."""
    path = cache / f"cards-{size_label(CARD_ROWS)}.csv"
    leads: list[Any] | None = None
    if fresh or not path.exists():
        say(f"generating {CARD_ROWS:,} cards in {path} ...")
        leads = list(orjson.loads(returning_from.read_bytes())["leads"].values())
        datagen.write_cards(path, CARD_ROWS, seed, leads)
    workbook = workbook_of(path)
    if fresh or not workbook.exists():
        say(f"generating the same cards as a workbook in {workbook} ...")
        if leads is None:
            leads = list(orjson.loads(returning_from.read_bytes())["leads"].values())
        datagen.write_card_workbook(workbook, CARD_ROWS, seed, leads)
    vcards = vcards_of(path)
    if fresh or not vcards.exists():
        datagen.write_vcards(vcards, VCARDS, seed)
    return path


def workbook_of(cards: Path) -> Path:
    return cards.with_suffix(".xlsx")


def vcards_of(cards: Path) -> Path:
    return cards.with_name(f"cards-{size_label(VCARDS)}.vcf")


# --- the plan ------------------------------------------------------------------------------------


ADD_LEAD = shlex.split(
    'lead add --first-name Bench --last-name Mark --company "Bench Test BV" '
    "--email bench.mark@example.com --estimated-value 1000 --source Benchmark"
)


def fixed(*argv: str) -> Callable[[Path], list[str]]:
    return lambda _rundir: list(argv)


def salesflow_on(db: Path | None, *args: str) -> Callable[[Path], list[str]]:
    """`salesflow --db FILE ARGS`: FILE is `db`, else the run directory's copy; `{run}` in an
    argument stands for the run directory."""

    def argv(rundir: Path) -> list[str]:
        file = db or rundir / DB_NAME
        return [*SALESFLOW, "--db", str(file), *(a.replace("{run}", str(rundir)) for a in args)]

    return argv


DOCUMENT_LINES = 95
"""Lines of the documents' quote: five A4 pages, with mixed VAT rates and product descriptions."""


def grey_png(width: int, height: int) -> bytes:
    """A plain grey PNG, written without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = zlib.compress((b"\x00" + b"\x60" * width) * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def document_data(folder: Path) -> Path:
    """A data file with a seller (logo, IBAN for the QR code), a customer with an address, and
    a quote of DOCUMENT_LINES lines accepted and fulfilled into an invoice (QUO-0001,
    INV-2026-0001). Made through the store and the pipeline, the way the commands make them."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from salesflow.cli.common import numbers
    from salesflow.models import Account, Contact, Opportunity, Product
    from salesflow.pipeline.lines import make_line
    from salesflow.pipeline.orders import fulfil_order
    from salesflow.pipeline.quotes import accept_quote, activate_quote, create_quote
    from salesflow.store import Store

    logo = folder / "logo.png"
    logo.write_bytes(grey_png(300, 100))
    path = folder / DB_NAME
    day, now = date(2026, 3, 2), datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with Store(path).writing() as session:
        session.set_config(
            {
                "company": "Acme Tools BV",
                "address": "Keizersgracht 1\n1015 AB Amsterdam",
                "vat_number": "NL001122344B01",
                "coc": "12345678",
                "iban": "NL91ABNA0417164300",
                "bic": "ABNANL2A",
                "logo": str(logo),
                "footer": "Acme Tools BV · Keizersgracht 1 · Amsterdam",
                "terms": "Prices exclude VAT.\nDelivery within 14 days.",
                "language": "nl",
            }
        )
        allocate = numbers(session)
        account = Account(
            number=allocate("ACC"),
            name="Van den Berghe & Zonen NV",
            address="Industrieterrein De Hoge Akkers 12b",
            postcode="2000",
            city="Antwerpen",
            country="BE",
            vat_id="BE0123456848",
            created_on=day,
        )
        contact = Contact(
            number=allocate("CON"),
            first_name="Anna",
            last_name="Peeters",
            account=account.number,
            created_on=day,
        )
        product = Product(
            sku="DRILL",
            name="Drill",
            price=Decimal(100),
            tax_rate=Decimal(21),
            description="Cordless hammer drill, 18 V, two batteries and a case",
            created_on=day,
        )
        lines = [
            make_line(
                n,
                description=f"Item {n}" if n % 5 else "Drill",
                quantity=Decimal(n % 4 + 1),
                unit_price=Decimal(10 * n),
                tax_rate=Decimal(("21", "9", "0")[n % 3]),
                sku="DRILL" if n % 5 == 0 else None,
                unit="piece",
            )
            for n in range(1, DOCUMENT_LINES + 1)
        ]
        opportunity = Opportunity(
            number=allocate("OPP"),
            name="Tools for the new workshop",
            account=account.number,
            contact=contact.number,
            lines=lines,
            last_line_no=len(lines),
            created_on=day,
        )
        quoted = create_quote(opportunity, number=allocate("QUO"), today=day, now=now)
        active, _ = activate_quote(quoted.quote, today=day, now=now)
        accepted = accept_quote(
            active,
            opportunity=quoted.opportunity,
            quotes=[active],
            numbers=allocate,
            today=day,
            now=now,
        )
        fulfilled = fulfil_order(
            accepted.order, numbers=allocate, invoice_date=day, payment_terms=30, now=now
        )
        session.put(
            account,
            contact,
            product,
            accepted.opportunity,
            accepted.quote,
            fulfilled.order,
            fulfilled.invoice,
        )
    return path


def plan(sets: Sequence[DataSet], cards: Path | None, runs: int, workdir: Path) -> list[Bench]:
    """Every measurement, in table order, with its floor or peer and its targets."""
    benches: list[Bench] = []

    def add(key: str, name: str, kind: str, argv: Callable[[Path], list[str]], **more: Any) -> None:
        group = key.split("/", 1)[0]
        benches.append(Bench(key, group, name, kind, argv, runs=runs, **more))

    typer_floor = [Target("ratio", 1.2, "start-up/typer", "typer"), Target("seconds", 0.150)]
    add("start-up/python", "floor: python -c pass", "floor", fixed(PYTHON, "-c", "pass"))
    add(
        "start-up/typer",
        'floor: python -c "import typer"',
        "floor",
        fixed(PYTHON, "-c", "import typer"),
    )
    # Typer 0.29 coerces every option's value through a pydantic TypeAdapter (typer._adapters):
    # any command with options imports pydantic, whatever salesflow itself imports.
    add(
        "start-up/framework",
        'floor: python -c "import typer._adapters"',
        "floor",
        fixed(PYTHON, "-c", "import typer._adapters"),
    )
    add(
        "start-up/imports",
        "floor: python + project imports",
        "floor",
        fixed(PYTHON, "-c", floor_code("imports")),
    )
    for flag in ("--help", "--version"):
        add(
            f"start-up/salesflow {flag}",
            f"salesflow {flag}",
            "start-up",
            fixed(*SALESFLOW, flag),
            versus="start-up/typer",
            versus_name="typer",
            targets=typer_floor,
        )

    documents = workdir / "documents"
    documents.mkdir(parents=True, exist_ok=True)
    document_file = document_data(documents)
    add(
        "documents/pdf floor",
        "floor: imports + fpdf2 with the two fonts, one empty page",
        "floor",
        lambda rundir: [PYTHON, "-c", PDF_FLOOR, str(rundir / "floor.pdf")],
    )
    for kind, number, what in (
        ("quote", "QUO-0001", "5 pages, logo"),
        ("invoice", "INV-2026-0001", "4 pages, logo, QR code"),
    ):
        add(
            f"documents/{kind} export pdf",
            f"{kind} export --format pdf ({DOCUMENT_LINES} lines, {what})",
            "read",
            salesflow_on(document_file, kind, "export", number, "-o", "{run}/doc.pdf", "--force"),
            versus="documents/pdf floor",
            versus_name="pdf floor",
            targets=[Target("seconds", 1.0)],
        )

    for data in sets:
        group, size, numbers = data.label, data.size, data.manifest["targets"]
        shared = workdir / f"read-{group}"
        shared.mkdir(parents=True, exist_ok=True)
        read_copy = shared / DB_NAME
        shutil.copyfile(data.path, read_copy)
        fresh_copy = copy_to(data.path)
        parse, write = f"{group}/parse", f"{group}/write"
        add(
            parse,
            f"floor: imports + parse ({data.manifest['bytes'] / MIB:.1f} MiB)",
            "floor",
            fixed(PYTHON, "-c", floor_code("parse"), str(read_copy)),
        )
        add(
            write,
            "floor: imports + parse + dump + atomic write",
            "floor",
            lambda rundir: [PYTHON, "-c", floor_code("write"), str(rundir / DB_NAME)],
            prepare=fresh_copy,
        )

        # `lead show` parses `_meta`, the leads and the activities (for the lead's next one and
        # its notes), and finds the lead without indexing the others.
        show_tables = f"{group}/parse lead show tables"
        add(
            show_tables,
            "floor: imports + parse of _meta, leads, activities",
            "floor",
            fixed(
                PYTHON, "-c", floor_code("tables"), str(read_copy), "_meta", "leads", "activities"
            ),
        )
        reads = {
            "lead show": ["lead", "show", numbers["show"]],
            "lead list --limit 20": ["lead", "list", "--limit", "20"],
            "report pipeline": ["report", "pipeline"],
        }
        writes = {
            "lead add": ADD_LEAD,
            "lead qualify": ["lead", "qualify", numbers["qualify"]],
            "quote accept": ["quote", "accept", numbers["accept"]] if numbers["accept"] else None,
        }
        for name, args in reads.items():
            versus, versus_name = parse, "parse"
            if name == "lead show":
                versus, versus_name = show_tables, "parse of its tables"
            targets = [Target("ratio", 1.2, versus, versus_name)] if size == 100_000 else []
            targets += [Target("seconds", 0.150)] if size == 10_000 else []
            if name == "lead show" and size == 10_000:
                targets.append(Target("ratio", 1.25, "start-up/framework", "typer._adapters"))
            add(
                f"{group}/{name}",
                name,
                "read",
                salesflow_on(read_copy, *args),
                versus=versus,
                versus_name=versus_name,
                targets=targets,
            )
        # A list on a terminal shows a screenful (and counts the rest): no slower than showing
        # one lead, however many leads the file holds.
        show = f"{group}/lead show"
        add(
            f"{group}/lead list on a terminal",
            "lead list on a terminal (a screenful)",
            "read",
            salesflow_on(read_copy, "lead", "list"),
            terminal=True,
            versus=show,
            versus_name="lead show",
            targets=[Target("ratio", 1.2, show, "lead show")] if size == 100_000 else [],
        )
        if size == 10_000:
            # One Tab, as the completion scripts Typer installs run salesflow: bash sends the
            # words joined by spaces ("${COMP_WORDS[*]}", the empty word being completed
            # leaves a trailing space) and the word's index; zsh the words up to the cursor;
            # fish the line up to the cursor, asking for the candidates (get-args).
            words = ["salesflow", "--db", str(read_copy)]
            tabs = {
                "tab completion": (
                    "Tab after lead qualify (open leads, described; bash)",
                    {
                        "_SALESFLOW_COMPLETE": "complete_bash",
                        "COMP_WORDS": " ".join([*words, "lead", "qualify", ""]),
                        "COMP_CWORD": str(len(words) + 2),
                    },
                ),
                "tab completion, zsh": (
                    "Tab after lead show L- (every lead, described; zsh)",
                    {
                        "_SALESFLOW_COMPLETE": "complete_zsh",
                        "_TYPER_COMPLETE_ARGS": " ".join([*words, "lead", "show", "L-"]),
                    },
                ),
                "tab completion, fish": (
                    "Tab after invoice pay (unpaid invoices, described; fish)",
                    {
                        "_SALESFLOW_COMPLETE": "complete_fish",
                        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
                        "_TYPER_COMPLETE_ARGS": " ".join([*words, "invoice", "pay", ""]),
                    },
                ),
            }
            for key, (name, variables) in tabs.items():
                add(
                    f"{group}/{key}",
                    name,
                    "read",
                    fixed(ENV, *(f"{k}={v}" for k, v in variables.items()), *SALESFLOW),
                    versus=parse,
                    versus_name="parse",
                    targets=[Target("seconds", 0.150)],
                )

            # The rows above are the Tabs a seller presses between two commands: the candidates
            # come from the cache the first Tab made. The first Tab after a write reads the data
            # file (a fresh copy here: a new inode, as every write makes).
            def first_tab(rundir: Path) -> list[str]:
                line = ["salesflow", "--db", str(rundir / DB_NAME), "lead", "qualify", ""]
                return [
                    ENV,
                    "_SALESFLOW_COMPLETE=complete_bash",
                    f"COMP_WORDS={' '.join(line)}",
                    f"COMP_CWORD={len(line) - 1}",
                    *SALESFLOW,
                ]

            add(
                f"{group}/tab completion, after a write",
                "the first Tab after a write (bash; reads the data file)",
                "read",
                first_tab,
                prepare=fresh_copy,
                versus=parse,
                versus_name="parse",
            )
        for name, args in writes.items():
            if args is None:
                continue
            targets = [Target("ratio", 1.3, write, "write")] if size == 100_000 else []
            targets += [Target("seconds", 0.150)] if size == 10_000 else []
            add(
                f"{group}/{name}",
                name,
                "write",
                salesflow_on(None, *args),
                prepare=fresh_copy,
                versus=write,
                versus_name="write",
                targets=targets,
            )

        if size == 10_000:
            busy = workdir / f"agenda-{group}"
            busy.mkdir(parents=True, exist_ok=True)
            busy_copy = busy / DB_NAME
            count = datagen.write_activity_file(
                data.path, busy_copy, datagen.ACTIVITIES_PER_LEAD, size
            )
            # As a seller's file is, last written by a salesflow command (the generator wrote it
            # so far): a read then trusts what that write recorded of its tables.
            subprocess.run(
                [*SALESFLOW, "--db", str(busy_copy), "note", "add", "L-0001", "Called back"],
                env=environment(),
                capture_output=True,
                check=True,
            )
            peer = f"{group}/lead list --limit 20, {count // 1000}k activities"
            add(peer, "lead list --limit 20 (the file below)", "read",
                salesflow_on(busy_copy, "lead", "list", "--limit", "20"))  # fmt: skip
            add(
                f"{group}/agenda",
                f"agenda ({count // 1000}k activities)",
                "read",
                salesflow_on(busy_copy, "agenda"),
                versus=peer,
                versus_name="lead list",
                targets=[Target("ratio", 1.1, peer, "lead list")],
            )

        if size == 10_000 and len(numbers["batch"]) == BATCH:
            add(
                f"{group}/batch qualify",
                f"lead qualify - ({BATCH:,} numbers on stdin)",
                "batch",
                salesflow_on(None, "lead", "qualify", "-"),
                prepare=fresh_copy,
                stdin="\n".join(numbers["batch"]).encode() + b"\n",
                versus=write,
                versus_name="write",
                targets=[Target("seconds", 2.0)],
            )

        if size == 100_000 and len(numbers.get("batch_open", ())) == LARGE_BATCH_OPEN:
            # Refusals after many accepted numbers once cost the square of the batch.
            unknown = [f"L-{size * 2 + n}" for n in range(1, LARGE_BATCH - LARGE_BATCH_OPEN + 1)]
            add(
                f"{group}/batch qualify {LARGE_BATCH // 1000}k",
                f"lead qualify - --keep-going ({LARGE_BATCH_OPEN:,} open + "
                f"{len(unknown):,} unknown numbers)",
                "batch",
                salesflow_on(None, "lead", "qualify", "-", "--keep-going"),
                prepare=fresh_copy,
                stdin="\n".join([*numbers["batch_open"], *unknown]).encode() + b"\n",
                ok=(1,),
                versus=write,
                versus_name="write",
                targets=[Target("seconds", 10.0)],
            )

        if size == 100_000 and cards is not None:
            peer = f"{group}/sqlite-utils"
            import_args = ("lead", "import", str(cards), "--rejects", "{run}/rejects.csv")
            into_empty = [Target("seconds", 1.2), Target("mib", 500)]
            if SQLITE_UTILS:
                add(
                    peer,
                    f"peer: sqlite-utils insert --csv ({CARD_ROWS // 1000}k cards)",
                    "peer",
                    lambda rundir: [
                        SQLITE_UTILS,
                        "insert",
                        str(rundir / "cards.db"),
                        "leads",
                        str(cards),
                        "--csv",
                    ],
                )
                into_empty.insert(1, Target("faster", 2.0, peer, "sqlite-utils"))
            add(
                f"{group}/import floor",
                "floor: Typer, split the cards, dict per row, dump",
                "floor",
                lambda rundir: [PYTHON, "-c", CARDS_FLOOR, str(cards), str(rundir / DB_NAME)],
            )
            add(
                f"{group}/import into empty",
                f"lead import {CARD_ROWS // 1000}k cards into an empty file",
                "import",
                salesflow_on(None, *import_args),
                ok=(0, 3),
                versus=peer if SQLITE_UTILS else None,
                versus_name="sqlite-utils",
                targets=into_empty,
                keep_note=True,
            )
            add(
                f"{group}/import xlsx into empty",
                f"lead import {CARD_ROWS // 1000}k cards as .xlsx into an empty file",
                "import",
                salesflow_on(
                    None, "lead", "import", str(workbook_of(cards)), "--rejects", "{run}/r.csv"
                ),
                ok=(0, 3),
                versus=f"{group}/import into empty",
                versus_name="the CSV",
                targets=[
                    Target("ratio", 2.5, f"{group}/import into empty", "the CSV"),
                    Target("mib", 600),
                ],
                keep_note=True,
            )
            add(
                f"{group}/import vcards into empty",
                f"lead import {VCARDS // 1000}k vCards into an empty file",
                "import",
                salesflow_on(None, "lead", "import", str(vcards_of(cards))),
                ok=(0, 3),
                targets=[Target("seconds", 1.5)],
                keep_note=True,
            )
            add(
                f"{group}/import into {group}",
                f"lead import {CARD_ROWS // 1000}k cards into the {group} file",
                "import",
                salesflow_on(None, *import_args),
                prepare=fresh_copy,
                ok=(0, 3),
                versus=write,
                versus_name="write",
                targets=[Target("seconds", 2.5), Target("mib", 500)],
                keep_note=True,
            )
    return benches


TEAM_WRITERS = 16
TEAM_MILLION = 1_000_000


@dataclass
class TeamSet:
    """A team database: `source`'s data copied in by `salesflow db copy`, grown to `size` leads
    by SQL (`team.grow_database`) when larger than the file."""

    size: int
    source: DataSet

    @property
    def label(self) -> str:
        return size_label(self.size)


def team_sets(sets: Sequence[DataSet], million: bool) -> list[TeamSet]:
    """One database per data set, and one of a million leads grown from the 100k set (the size
    the issue sets its goal at) unless left out."""
    chosen = [TeamSet(d.size, d) for d in sets]
    big = next((d for d in sets if d.size == 100_000), None)
    if million and big is not None:
        chosen.append(TeamSet(TEAM_MILLION, big))
    return chosen


@dataclass
class Databases:
    """The run's server and its databases, known once the server runs (the plan is made
    before)."""

    server: Any = None
    urls: dict[str, str] = field(default_factory=dict)

    def load(self, chosen: Sequence[TeamSet]) -> None:
        for data in chosen:
            url = team.load_database(self.server, data.label, data.source.path, SALESFLOW)
            if data.size > data.source.size:
                say(f"growing the {data.source.label} database to {data.size:,} leads ...")
                team.grow_database(url, data.size)
            self.urls[data.label] = url

    def empty(self, name: str) -> str:
        return team.empty_database(self.server, name, SALESFLOW)


def plan_team(
    chosen: Sequence[TeamSet], cards: Path | None, runs: int, databases: Databases
) -> list[Bench]:
    """Team-mode rows: `lead show` and `lead add` on a database of each size (the issue's goal,
    set at 1M leads, applied to the largest size measured: <=1.3x the 1k figure); the 100k
    cards imported into an empty database (>=2x faster than sqlite-utils); 16 `lead add`
    processes at once against 16 one after the other (>=2x the commands per second), beside
    the same pair of the framework floor: what two cores give to 16 processes at all."""
    benches: list[Bench] = []
    urls = databases.urls

    def on(label: str, *args: str) -> Callable[[Path], list[str]]:
        return lambda _rundir: [*SALESFLOW, "--db", urls[label], *args]

    largest = max((d.size for d in chosen), default=0)
    with_1k = any(d.size == 1_000 for d in chosen)
    for data in chosen:
        group, label = f"team {data.label}", data.label
        reads = {"lead show": ["lead", "show", data.source.manifest["targets"]["show"]]}
        for name, args in (*reads.items(), ("lead add", ADD_LEAD)):
            small = f"team 1k/{name}"
            goal = data.size == largest and data.size > 1_000 and with_1k
            benches.append(
                Bench(
                    f"{group}/{name}",
                    group,
                    name,
                    "write" if name == "lead add" else "read",
                    on(label, *args),
                    runs=runs,
                    versus=small if goal else None,
                    versus_name="1k" if goal else None,
                    targets=[Target("ratio", 1.3, small, "1k")] if goal else [],
                )
            )
    if cards is not None:
        peer = "100k/sqlite-utils"
        database: dict[str, str] = {}
        benches.append(
            Bench(
                "team import/cards into an empty database",
                "team import",
                f"lead import {CARD_ROWS // 1000}k cards into an empty database",
                "import",
                lambda rundir: [
                    *SALESFLOW,
                    "--db",
                    database["url"],
                    "lead",
                    "import",
                    str(cards),
                    "--rejects",
                    str(rundir / "rejects.csv"),
                ],
                prepare=lambda _rundir: database.update(url=databases.empty("bench_import")),
                ok=(0, 3),
                runs=runs,
                versus=peer if SQLITE_UTILS else None,
                versus_name="sqlite-utils",
                targets=[Target("faster", 2.0, peer, "sqlite-utils")] if SQLITE_UTILS else [],
                keep_note=True,
            )
        )
    if chosen:
        label = chosen[0].label
        group = f"team writers ({label} leads)"
        one = f"team writers/{TEAM_WRITERS} one after the other"
        floor_one = f"team writers/floor: {TEAM_WRITERS} one after the other"
        framework = [PYTHON, "-c", "import typer._adapters"]
        for key, mode, name, command, versus in (
            (
                floor_one,
                "one",
                f'floor: {TEAM_WRITERS} python -c "import typer._adapters", one after the other',
                lambda: framework,
                None,
            ),
            (
                f"team writers/floor: {TEAM_WRITERS} at once",
                "all",
                f'floor: {TEAM_WRITERS} python -c "import typer._adapters" at once',
                lambda: framework,
                floor_one,
            ),
            (
                one,
                "one",
                f"{TEAM_WRITERS} lead add processes, one after the other",
                lambda label=label: [*SALESFLOW, "--db", urls[label], *WRITER_ADD],
                None,
            ),
            (
                f"team writers/{TEAM_WRITERS} at once",
                "all",
                f"{TEAM_WRITERS} lead add processes at once",
                lambda label=label: [*SALESFLOW, "--db", urls[label], *WRITER_ADD],
                one,
            ),
        ):
            benches.append(
                Bench(
                    key,
                    group,
                    name,
                    "floor" if key.startswith("team writers/floor") else "write",
                    lambda _rundir, mode=mode, command=command: [
                        PYTHON,
                        "-c",
                        team.WRITERS,
                        mode,
                        str(TEAM_WRITERS),
                        *command(),
                    ],
                    runs=runs,
                    versus=versus,
                    versus_name="one after the other" if versus else None,
                    # twice the commands per second: half the time for the same commands
                    targets=[Target("ratio", 0.5, one, "one writer")] if versus == one else [],
                )
            )
    return benches


WRITER_ADD = ("lead", "add", "--company", "Bench writer")


def measure(
    benches: Sequence[Bench], workdir: Path, env: dict[str, str], *, shorten: bool = False
) -> None:
    """Round by round, run every measurement that still needs runs once; `shorten`: fewer
    runs for the slow ones."""
    rounds = max(b.runs for b in benches)
    for round_no in range(1, rounds + 1):
        todo = [b for b in benches if not b.done]
        if not todo:
            break
        say(f"round {round_no}: {len(todo)} measurements ...")
        for bench in todo:
            run_once(bench, workdir, env)
            first = bench.samples[0].seconds if round_no == 1 and bench.samples else 0.0
            if not shorten:
                continue
            if first > VERY_SLOW_SECONDS:
                bench.runs = min(bench.runs, VERY_SLOW_RUNS)
            elif first > SLOW_SECONDS:
                bench.runs = min(bench.runs, SLOW_RUNS)


# --- the table -----------------------------------------------------------------------------------


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def evaluate(target: Target, bench: Bench, by_key: dict[str, Bench]) -> bool | None:
    """True/False for met/missed; None when a figure is missing."""
    median = bench.median
    if median is None:
        return None
    if target.kind == "seconds":
        return median <= target.limit
    if target.kind == "mib":
        peak = bench.peak_mib
        return peak is not None and peak <= target.limit
    other = by_key.get(target.versus or "")
    if other is None or other.median is None:
        return None
    if target.kind == "ratio":
        return median / other.median <= target.limit
    return other.median / median >= target.limit


def ratio_text(bench: Bench, by_key: dict[str, Bench]) -> str:
    other = by_key.get(bench.versus or "")
    if bench.median is None or other is None or other.median is None:
        return ""
    return f"{bench.median / other.median:.2f}x {bench.versus_name}"


def rows_of(benches: Sequence[Bench]) -> list[dict[str, Any]]:
    by_key = {b.key: b for b in benches}
    rows = []
    for bench in benches:
        verdicts = [(t, evaluate(t, bench, by_key)) for t in bench.targets]
        if bench.error:
            result = "ERROR"
        elif not verdicts:
            result = ""
        elif any(v is None for _, v in verdicts):
            result = "n/a"
        elif all(v for _, v in verdicts):
            result = "PASS"
        else:
            result = "FAIL " + ", ".join(t.text for t, v in verdicts if not v)
        seconds = [s.seconds for s in bench.samples]
        rows.append(
            {
                "key": bench.key,
                "group": bench.group,
                "name": bench.name,
                "kind": bench.kind,
                "median_s": bench.median,
                "min_s": min(seconds) if seconds else None,
                "max_s": max(seconds) if seconds else None,
                "runs": len(seconds),
                "planned_runs": bench.runs,
                "samples_s": seconds,
                "peak_mib": bench.peak_mib,
                "ratio": ratio_text(bench, by_key),
                "targets": [{"target": t.text, "met": v} for t, v in verdicts],
                "result": result,
                "error": bench.error,
                "note": bench.note,
            }
        )
    return rows


def render(rows: Sequence[dict[str, Any]], sets: Sequence[DataSet], requested_runs: int) -> str:
    header = ["measurement", "median", "min..max", "runs", "peak RSS", "ratio", "target", "result"]
    lines: list[list[str]] = []
    groups: list[tuple[str, int]] = []
    for row in rows:
        if not groups or groups[-1][0] != row["group"]:
            groups.append((row["group"], len(lines)))
        if row["median_s"] is None:
            cells = [row["name"], "", "", "0", "", "", "", row["result"]]
        else:
            slow = "*" if row["runs"] < requested_runs else ""
            cells = [
                row["name"],
                fmt_time(row["median_s"]),
                f"{fmt_time(row['min_s'])}..{fmt_time(row['max_s'])}",
                f"{row['runs']}{slow}",
                f"{row['peak_mib']:.0f} MiB",
                row["ratio"],
                "; ".join(t["target"] for t in row["targets"]),
                row["result"],
            ]
        lines.append(cells)
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    right = {1, 2, 3, 4}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    described = {d.label: d for d in sets}
    out = [line(header), line(["-" * w for w in widths])]
    starts = {index: group for group, index in groups}
    for index, cells in enumerate(lines):
        if index in starts:
            out.append(f"[{describe(starts[index], described.get(starts[index]))}]")
        out.append(line(cells))
    return "\n".join(out)


def describe(group: str, data: DataSet | None) -> str:
    if data is None:
        return group
    counts = data.manifest["counts"]
    return (
        f"{data.size:,} leads: {counts['opportunities']:,} opportunities, "
        f"{counts['quotes']:,} quotes, {counts['orders']:,} orders, "
        f"{counts['invoices']:,} invoices, {counts['events']:,} events; "
        f"{data.manifest['bytes'] / MIB:.1f} MiB"
    )


# --- machine -------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for text in Path("/proc/meminfo").read_text().splitlines():
            if text.startswith("MemTotal:"):
                memory = round(int(text.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    from importlib.metadata import version

    peer = None
    if SQLITE_UTILS:
        found = subprocess.run([SQLITE_UTILS, "--version"], capture_output=True, text=True)
        peer = found.stdout.strip() or None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
        "salesflow": version("salesflow"),
        "peer": peer,
        "load_average": os.getloadavg(),
    }


def machine_lines(info: dict[str, Any], load_after: Sequence[float]) -> list[str]:
    load = ", ".join(f"{x:.1f}" for x in info["load_average"])
    after = ", ".join(f"{x:.1f}" for x in load_after)
    return [
        f"Machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"{info['memory_gib']} GiB; {info['os']}",
        f"Python {info['python']}; salesflow {info['salesflow']} (byte-compiled before timing); "
        f"peer: {info['peer'] or 'none'}",
        f"Load average before: {load}; after: {after}",
    ]


# --- main ----------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SALESFLOW_DB", None)
    # Time the command as an installed package runs it: from bytecode. With this variable set
    # every run would compile the project's sources again (see compile_project).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        SALESFLOW_TODAY=datagen.TODAY.isoformat(), NO_COLOR="1", COLUMNS="120", LC_ALL="C.UTF-8"
    )
    return env


def compile_project() -> None:
    """Byte-compile salesflow, as `pip install` does for a regular install, so that no run pays
    for compiling sources (an editable install otherwise compiles on first import)."""
    import compileall

    import salesflow

    for root in salesflow.__path__:
        compileall.compile_dir(root, quiet=1)


def profile(bench: Bench, workdir: Path, env: dict[str, str]) -> str | None:
    """Run one salesflow measurement under cProfile and print where its time goes; an error
    message for measurements that are not salesflow commands."""
    import pstats

    rundir = Path(tempfile.mkdtemp(prefix="profile-", dir=workdir))
    try:
        if bench.prepare is not None:
            bench.prepare(rundir)
        argv = bench.argv(rundir)
        if argv[: len(SALESFLOW)] != SALESFLOW:
            return f"--profile: {bench.key} is not a salesflow command"
        script = argv[len(SALESFLOW) :]
        out = rundir / "out.prof"
        if _SALESFLOW:
            command = [PYTHON, "-m", "cProfile", "-o", str(out), _SALESFLOW, *script]
        else:
            command = [PYTHON, "-m", "cProfile", "-o", str(out), "-m", "salesflow", *script]
        done = subprocess.run(command, input=bench.stdin, cwd=rundir, env=env, capture_output=True)
        if done.returncode not in bench.ok or not out.exists():
            return f"--profile: {bench.key} failed: {done.stderr.decode(errors='replace')[-500:]}"
        stats = pstats.Stats(str(out))
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        return None
    finally:
        shutil.rmtree(rundir, ignore_errors=True)


def only(benches: list[Bench], texts: Sequence[str]) -> list[Bench]:
    """The measurements whose key contains one of `texts`, with those they are compared with,
    in their order."""
    by_key = {b.key: b for b in benches}
    wanted = {b.key for b in benches if any(text in b.key for text in texts)}
    todo = list(wanted)
    while todo:
        bench = by_key[todo.pop()]
        for versus in (bench.versus, *(target.versus for target in bench.targets)):
            if versus is not None and versus not in wanted and versus in by_key:
                wanted.add(versus)
                todo.append(versus)
    return [b for b in benches if b.key in wanted]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="lead counts, e.g. 1k,10k,100k (default; --quick: 1k,10k)")
    parser.add_argument("--runs", type=int, help="runs per measurement (default 5; --quick: 3)")
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, 3 runs")
    parser.add_argument("--json", metavar="FILE", help="also write every sample as JSON")
    parser.add_argument("--seed", type=int, default=7, help="data seed (default 7)")
    parser.add_argument(
        "--cache",
        metavar="DIR",
        default=str(Path(tempfile.gettempdir()) / "salesflow-bench"),
        help="where generated data sets are kept (default: <tmp>/salesflow-bench)",
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data sets")
    parser.add_argument(
        "--no-million",
        action="store_true",
        help="team mode without the database grown to a million leads (it takes a minute or two)",
    )
    parser.add_argument(
        "--no-team",
        action="store_true",
        help="leave out team mode (a throwaway PostgreSQL server, when its binaries are installed)",
    )
    parser.add_argument("--list", action="store_true", help="list the measurements and exit")
    parser.add_argument(
        "--only",
        metavar="TEXT",
        action="append",
        help='measure only keys containing TEXT (and what they are compared with), e.g. "import";'
        " repeatable",
    )
    parser.add_argument(
        "--profile", metavar="KEY", help='run one measurement under cProfile, e.g. "100k/lead show"'
    )
    args = parser.parse_args(argv)

    sizes = parse_sizes(args.sizes or ("1k,10k" if args.quick else "1k,10k,100k"))
    runs = args.runs or (3 if args.quick else 5)
    if runs < 1:
        parser.error("--runs must be 1 or more")
    env = environment()
    info = machine()
    cache = Path(args.cache) / cache_key(args.seed)
    cache.mkdir(parents=True, exist_ok=True)
    sets = [data_set(size, args.seed, cache, env, args.regenerate) for size in sizes]
    big = next((d for d in sets if d.size == 100_000), None)
    cards = card_file(args.seed, cache, big.path, args.regenerate) if big else None

    workdir = Path(tempfile.mkdtemp(prefix="salesflow-bench-run-"))
    server: Any = None
    team_note = ""
    try:
        benches = plan(sets, cards, runs, workdir)
        databases = Databases()
        chosen = team_sets(sets, million=not args.no_million)
        if not args.no_team:
            benches += plan_team(chosen, cards, runs, databases)
        if args.only:
            benches = only(benches, args.only)
            if not benches:
                parser.error(f"--only: no measurement matches {args.only}; see --list")
        if args.list:
            print("\n".join(b.key for b in benches))
            return 0
        compile_project()
        if any(b.group.startswith("team ") for b in benches):
            say("starting a throwaway PostgreSQL server and loading the data sets ...")
            server, team_note = team.start_server()
            if server is None:
                benches = [b for b in benches if not b.group.startswith("team ")]
                team_note = f"team mode left out: {team_note}"
            else:
                databases.server = server
                databases.load(chosen)
        if args.profile:
            chosen = next((b for b in benches if b.key == args.profile), None)
            if chosen is None:
                parser.error(f"--profile: no measurement {args.profile!r}; see --list")
            problem = profile(chosen, workdir, env)
            if problem:
                parser.error(problem)
            return 0
        say("warming up ...")
        for warm in benches[1:4]:
            run_once(Bench(warm.key, "", "", "", warm.argv, warm.prepare, runs=1), workdir, env)
        started = time.perf_counter()
        measure(benches, workdir, env, shorten=args.quick)
        took = time.perf_counter() - started
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if server is not None:
            team.stop_server(server)

    rows = rows_of(benches)
    load_after = os.getloadavg()
    print("\n".join(machine_lines(info, load_after)))
    print(
        f"Wall time of the whole process: median of {runs} runs"
        + (
            f" (* fewer: {SLOW_RUNS} when the first run took over {SLOW_SECONDS:g} s, "
            f"{VERY_SLOW_RUNS} over {VERY_SLOW_SECONDS:g} s)."
            if args.quick
            else "."
        )
        + "\nPeak RSS: the largest of the runs. Ratios: to the floor or "
        f"peer named, measured interleaved in this run ({took:.0f} s)."
    )
    print()
    print(render(rows, sets, runs))
    failing = [r for r in rows if r["result"].startswith(("FAIL", "ERROR"))]
    met = sum(1 for r in rows for t in r["targets"] if t["met"])
    total = sum(len(r["targets"]) for r in rows)
    print()
    print(f"Targets met: {met} of {total}; rows failing: {len(failing)}.")
    if team_note:
        print(team_note)
    for row in rows:
        if row["error"]:
            print(f"ERROR {row['key']}: {row['error']}")
        elif row["note"]:
            print(f"{row['key']}: {row['note']}")
    if args.json:
        document = {
            "machine": info,
            "load_average_after": load_after,
            "runs": runs,
            "seed": args.seed,
            "data_sets": {
                d.label: {k: v for k, v in d.manifest.items() if k != "targets"} for d in sets
            },
            "cards": str(cards) if cards else None,
            "rows": rows,
        }
        Path(args.json).write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
