"""Seeded benchmark data: salesflow data files in the stored format, and a trade-show card CSV.

A data file is simulated day by day over three years through salesflow's own models and pure
pipeline functions (the ones the commands call): leads arrive in import batches from fairs and
one by one; some are contacted, some disqualified, 10% qualified into account + contact +
opportunity with product lines; half of the opportunities are quoted, a third of those won
(order, invoice, payments), a third lost, the rest still open. The documents are then written
in one go with orjson, as the store would write them: seconds for 100k leads, where the same
file built through the CLI would take hours.

The same seed and size give the same file, byte for byte (the generator does not read the clock).
"""

from __future__ import annotations

import csv
import heapq
import itertools
import random
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from salesflow.models import (
    META_DOC_ID,
    META_TABLE,
    Account,
    Activity,
    ActivityKind,
    ActivityStatus,
    Contact,
    Invoice,
    Lead,
    LeadStatus,
    Opportunity,
    Order,
    Product,
    Quote,
    QuoteStatus,
    Record,
)
from salesflow.pipeline import products as catalog
from salesflow.pipeline.imports import lead_document
from salesflow.pipeline.invoices import pay_invoice
from salesflow.pipeline.leads import (
    DISQUALIFY_REASONS,
    QualifyOptions,
    disqualify_lead,
    edit_lead,
    lead_values,
    make_lead,
    match_key,
    qualify_lead,
)
from salesflow.pipeline.lines import LineSpec
from salesflow.pipeline.money import cents
from salesflow.pipeline.numbering import format_number
from salesflow.pipeline.opportunities import add_product, lose_opportunity, set_stage
from salesflow.pipeline.orders import fulfil_order
from salesflow.pipeline.quotes import (
    accept_quote,
    activate_quote,
    close_quote,
    create_quote,
    discount_quote,
)
from salesflow.pipeline.records import event
from salesflow.store import file_bytes
from salesflow.store.migrations import new_meta

GENERATOR_VERSION = 1
"""Bump when the generated data changes meaning (the cache key includes this file's text too)."""

TODAY = date(2026, 11, 27)
"""The date the data ends on; the harness runs commands with $SALESFLOW_TODAY set to it."""
START = TODAY - timedelta(days=3 * 365)
TAX_RATE = Decimal("21")
PAYMENT_TERMS = 30
CONFIG = {
    "tax_rate": "21",
    "payment_terms": PAYMENT_TERMS,
    "company": "Bench Sales BV",
    "address": "Keizersgracht 1, 1015 CJ Amsterdam",
    "email": "sales@bench-sales.example",
    "vat_number": "NL001234572B01",
    "iban": "NL91ABNA0417164300",
}

CARD_COLUMNS = (
    "First Name",
    "Last Name",
    "Company",
    "Email",
    "Phone",
    "Job Title",
    "City",
    "Country",
    "Estimated value",
)

# Shares of the leads (exact counts), and of the opportunities.
QUALIFIED = 0.10
DISQUALIFIED = 0.15
CONTACTED = 0.10
QUOTED = 0.5  # of opportunities
WON, LOST = 1 / 3, 1 / 3  # of quoted opportunities; the rest keep an open quote
DRAFT = 0.2  # of the quotes still open: never activated
UNQUOTED_LOST = 0.3  # of the opportunities without a quote
FULFILLED = 0.85  # of won orders
PAID, PART_PAID = 0.55, 0.15  # of invoices
IMPORTED = 0.7  # chance that an arrival is an import batch rather than one lead

# --- people ----------------------------------------------------------------------------------

FIRST_NAMES = (  # noqa: SIM905
    "Anna Bram Chloé Daan Emma Finn Grete Hugo Iris Jan Kees Lotte Marco Noor Olga Pieter "
    "Quinten Rosa Sven Tess Vera Willem Xander Yara Zoë Ada Émilie Jürgen Søren Małgorzata José "
    "François Ingrid Lars Mehmet Fatima Wei Priya Luca Sofia Mateo Hanna Jonas Elif Ahmed Maria "
    "Thomas Sarah Michael Laura David Julia Lukas Eva Tim Lisa Ruben Sanne Joost Femke Bas Maud "
    "Stijn Fleur Tom Anouk Niels Lieke"
).split()
LAST_NAMES = (  # noqa: SIM905
    "de Vries|Jansen|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|Vos|"
    "Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|van der Meer|"
    "van 't Hof|Müller|Schmidt|Schneider|Fischer|Weber|Dubois|Martin|Bernard|Rossi|Russo|García|"
    "Fernández|Kowalski|Nowak|Novák|Johansson|Nielsen|Hansen|Smith|Jones|Taylor|Brown|Williams|"
    "O'Brien|Murphy|Yılmaz|Kaya|Öztürk|Chen|Wang|Kumar|Singh|Silva|Santos|Costa|Horváth|Popescu"
).split("|")
STEMS = (  # noqa: SIM905
    "Noord Zuid Oost West Delta Polder Rijn Maas Tulp Orbit Vector Nimbus Atlas Helix Quantum "
    "Beacon Haven Summit Linde Eik Berk Wilg Dijk Brug Molen Gracht Duin Kade Zon Wind"
).split()
SECTORS = (  # noqa: SIM905
    "Techniek|Logistics|Bakkerij|Installaties|Software|Foods|Metaal|Bouw|Consulting|Solutions|"
    "Systems|Trading|Medical|Print|Energy|Agro|Design|Retail"
).split("|")
SUFFIXES = ("B.V.", "BV", "GmbH", "Ltd", "N.V.", "SA", "& Zonen", "", "Group")
PLACES = (
    ("Amsterdam", "Netherlands", "nl", "+31 20"),
    ("Rotterdam", "Netherlands", "nl", "+31 10"),
    ("Utrecht", "Netherlands", "nl", "+31 30"),
    ("Eindhoven", "Netherlands", "nl", "+31 40"),
    ("Groningen", "Netherlands", "nl", "+31 50"),
    ("Antwerpen", "Belgium", "be", "+32 3"),
    ("Gent", "Belgium", "be", "+32 9"),
    ("Düsseldorf", "Germany", "de", "+49 211"),
    ("Köln", "Germany", "de", "+49 221"),
    ("Hamburg", "Germany", "de", "+49 40"),
    ("München", "Germany", "de", "+49 89"),
    ("Lille", "France", "fr", "+33 3"),
    ("Paris", "France", "fr", "+33 1"),
    ("London", "United Kingdom", "co.uk", "+44 20"),
    ("Manchester", "United Kingdom", "co.uk", "+44 161"),
    ("Kraków", "Poland", "pl", "+48 12"),
    ("Milano", "Italy", "it", "+39 02"),
    ("Madrid", "Spain", "es", "+34 91"),
    ("København", "Denmark", "dk", "+45 33"),
)
JOB_TITLES = (  # noqa: SIM905
    "Inkoper|Purchasing Manager|CEO|Directeur|Owner|Eigenaar|Operations Manager|"
    "Head of Procurement|Facility Manager|CTO|IT Manager|Sales Manager|Office Manager|"
    "Project Manager|Bedrijfsleider|Chef-kok|Hoofd Inkoop|Buyer|Managing Director|Engineer"
).split("|")
TOPICS = (  # noqa: SIM905
    "New ovens|Cold storage|Maintenance contract|Software licences|Consulting|Training|"
    "Installation|Spare parts|Line upgrade|Fleet renewal"
).split("|")
NOTES = (
    "Met at the booth; wants a demo.",
    "Call back after the fair.\nInterested in 3 units.",
    "Bezoek gepland in Q2.",
    "Budget approved for next year.",
    "Asked for references in Germany.",
    'Prefers email; "no calls before 10".',
)
VALUES = ("500", "1200", "2500", "4800", "7500", "12000", "25000", "48000", "1234.50", "9999.99")
FAIRS = (
    "Beurs Utrecht",
    "Vakbeurs Foodtech",
    "Horecava",
    "Hannover Messe",
    "Infosecurity",
    "Logistica",
    "Techni-Show",
)
SOLO_SOURCES = ("Website", "Referral", "Cold call", "LinkedIn", "Partner")
COMPETITORS = ("Rival BV", "Concurrent GmbH", "OtherCo Ltd")
PRODUCTS = (
    ("OVEN-S", "Deck oven, small", "8950", "piece"),
    ("OVEN-L", "Deck oven, large", "14500", "piece"),
    ("COOL-2", "Cold room 2 m²", "6200", "piece"),
    ("COOL-6", "Cold room 6 m²", "11800", "piece"),
    ("MIX-40", "Spiral mixer 40 l", "3450", "piece"),
    ("SLICER", "Bread slicer", "2150", "piece"),
    ("INSTALL", "Installation", "95", "hour"),
    ("SERVICE-Y", "Service contract, one year", "1250", "year"),
    ("TRAIN-DAY", "Training day", "850", "day"),
    ("CONSULT", "Consulting day", "950", "day"),
    ("LIC-USER", "Software licence, per user", "39", "month"),
    ("SPARE-KIT", "Spare parts kit", "420", "piece"),
    ("TRAVEL", "Travel", "0.23", "km"),
)
QUANTITIES = {"piece": "1 1 1 2 3", "hour": "4 8 16 24", "year": "1 1 3", "day": "1 2 3 0.5"}


def slug(text: str) -> str:
    """ASCII letters and digits only, lower case: `van 't Hof` -> `vanthof`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


@dataclass(frozen=True)
class Company:
    name: str
    domain: str
    city: str
    country: str
    dial: str


def companies(rng: random.Random, count: int) -> list[Company]:
    """`count` distinct company names, a few with commas or quotes (CSV quoting)."""
    seen: set[str] = set()
    result: list[Company] = []
    while len(result) < count:
        city, country, tld, dial = rng.choice(PLACES)
        first, second = rng.choice(STEMS), rng.choice(STEMS).lower()
        if rng.random() < 0.05:
            name = f"{rng.choice(LAST_NAMES)}, {rng.choice(LAST_NAMES)} & Partners"
            domain = f"{slug(name)[:20]}.{tld}"
        else:
            name = " ".join(
                p for p in (f"{first}{second}", rng.choice(SECTORS), rng.choice(SUFFIXES)) if p
            )
            domain = f"{slug(first + second)}-{slug(name.split()[1])}.{tld}"
        if rng.random() < 0.01:
            name = f'"{name}"'
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        result.append(Company(name, domain, city, country, dial))
    return result


def person(rng: random.Random, company: Company) -> dict[str, str]:
    """Card fields of one person at `company` (text, as a person would type them)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    fields = {
        "first_name": first,
        "last_name": last,
        "company": company.name,
        "email": f"{slug(first)}.{slug(last)}@{company.domain}",
        "phone": f"{company.dial} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "job_title": rng.choice(JOB_TITLES),
        "city": company.city,
        "country": company.country,
        "estimated_value": rng.choice(VALUES),
    }
    return fields


def _lead_fields(rng: random.Random, company: Company, source: str) -> dict[str, str]:
    """The fields a lead is created with: some left empty, as real files have them."""
    full = person(rng, company)
    fill = {
        "first_name": 0.95,
        "company": 0.92,
        "email": 0.88,
        "phone": 0.7,
        "job_title": 0.6,
        "city": 0.65,
        "country": 0.7,
        "estimated_value": 0.45,
    }
    fields = {k: v for k, v in full.items() if rng.random() < fill.get(k, 1.0)}
    if "company" not in fields and rng.random() < 0.5:
        fields.pop("last_name", None)
        fields["company"] = company.name
    if rng.random() < 0.3:
        fields["mobile"] = f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    if rng.random() < 0.2:
        fields["website"] = f"https://www.{company.domain}"
    if rng.random() < 0.4:
        fields["topic"] = rng.choice(TOPICS)
    if rng.random() < 0.15:
        fields["notes"] = rng.choice(NOTES)
    fields["source"] = source
    return fields


# --- the simulation ----------------------------------------------------------------------------

Action = Callable[..., None]


class _World:
    """Every record of the file being built, and a queue of dated actions run in date order."""

    def __init__(self, rng: random.Random, leads: int) -> None:
        self.rng = rng
        self.size = leads
        self.companies = companies(rng, max(4, leads // 4))
        self.counters: dict[str, int] = {}
        self.events: list[dict[str, Any]] = []
        self.leads: dict[str, dict[str, Any] | Lead] = {}
        self.products: dict[str, Product] = {}
        self.accounts: dict[str, Account] = {}
        self.contacts: dict[str, Contact] = {}
        self.account_by_name: dict[str, Account] = {}
        self.contact_by_email: dict[str, Contact] = {}
        self.opportunities: dict[str, Opportunity] = {}
        self.quotes: dict[str, Quote] = {}
        self.orders: dict[str, Order] = {}
        self.invoices: dict[str, Invoice] = {}
        self._queue: list[tuple[int, int, Action, tuple[Any, ...]]] = []
        self._seq = itertools.count()
        self.day = START
        self._tick = 0

    # -- plumbing ---------------------------------------------------------------------------

    def number(self, series: str) -> str:
        value = self.counters.get(series, 0) + 1
        self.counters[series] = value
        return format_number(series, value)

    @property
    def now(self) -> datetime:
        """The time of the action being run: the day's actions follow each other, 3 s apart."""
        seconds = min(8 * 3600 + 3 * self._tick, 86_399)
        return datetime.combine(self.day, time(), UTC) + timedelta(seconds=seconds)

    def later(self, days: tuple[int, int], action: Action, *args: Any) -> None:
        """Run `action` a random number of days from now (never after TODAY)."""
        when = min(self.day + timedelta(days=self.rng.randint(*days)), TODAY)
        heapq.heappush(self._queue, (when.toordinal(), next(self._seq), action, args))

    def at(self, day: date, action: Action, *args: Any) -> None:
        heapq.heappush(self._queue, (day.toordinal(), next(self._seq), action, args))

    def run(self) -> None:
        while self._queue:
            ordinal, _, action, args = heapq.heappop(self._queue)
            day = date.fromordinal(ordinal)
            if day != self.day:
                self.day, self._tick = day, 0
            action(*args)
            self._tick += 1

    def record(self, *events: Any) -> None:
        self.events.extend(e.stored() for e in events)

    def lead(self, number: str) -> Lead:
        found = self.leads[number]
        return found if isinstance(found, Lead) else Lead.model_validate(found)

    # -- arrivals ---------------------------------------------------------------------------

    def plan(self) -> None:
        """Schedule the products, every lead's arrival, and what will happen to each lead."""
        self.at(START, self.add_products)
        fates = _shares(
            self.rng,
            self.size,
            {"qualify": QUALIFIED, "disqualify": DISQUALIFIED, "contact": CONTACTED},
            "open",
        )
        self.opportunity_fates = iter(_opportunity_fates(self.rng, fates.count("qualify")))
        span = (TODAY - START).days - 1
        batch_size = (max(1, self.size // 400), max(2, self.size // 60))
        index = 0
        while index < self.size:
            day = START + timedelta(days=1 + index * span // self.size)
            if self.rng.random() < IMPORTED:
                count = min(self.size - index, self.rng.randint(*batch_size))
                fair = f"{self.rng.choice(FAIRS)} {day.year}"
                self.at(day, self.import_batch, fates[index : index + count], fair)
                index += count
            else:
                self.at(day, self.add_lead, fates[index], self.rng.choice(SOLO_SOURCES))
                index += 1

    def add_products(self) -> None:
        for sku, name, price, unit in PRODUCTS:
            product, created = catalog.add_product(
                sku,
                name=name,
                price=price,
                tax_rate="9" if sku.startswith("TRAIN") else None,
                unit=unit,
                description=None,
                existing=self.products,
                default_tax_rate=TAX_RATE,
                today=self.day,
                now=self.now,
            )
            self.products[sku.upper()] = product
            self.record(created)

    def import_batch(self, fates: Sequence[str], source: str) -> None:
        """Leads from one fair's CSV: stored documents built as `lead import` builds them."""
        batch = self.number("IMP")
        first = None
        for fate in fates:
            number = self.number("L")
            first = first or number
            values = lead_values(_lead_fields(self.rng, self._company(), source), "row")
            self.leads[number] = lead_document(
                values, number=number, today=self.day, imported_in=batch
            )
            self._fate(number, fate)
        self.record(
            event(
                self.now,
                batch,
                "imported",
                file=f"{slug(source)}.csv",
                source=source,
                imported=len(fates),
                first=first,
                last=number,
            )
        )

    def add_lead(self, fate: str, source: str) -> None:
        number = self.number("L")
        fields = _lead_fields(self.rng, self._company(), source)
        lead, created = make_lead(fields, number=number, today=self.day, now=self.now)
        self.leads[number] = lead
        self.record(created)
        self._fate(number, fate)

    def _company(self) -> Company:
        return self.rng.choice(self.companies)

    def _fate(self, number: str, fate: str) -> None:
        if fate == "qualify":
            self.later((2, 45), self.qualify, number)
        elif fate == "disqualify":
            self.later((5, 90), self.disqualify, number)
        elif fate == "contact":
            self.later((1, 20), self.contact, number)

    # -- leads ------------------------------------------------------------------------------

    def contact(self, number: str) -> None:
        lead, edited = edit_lead(self.lead(number), {}, now=self.now, reason="contacted")
        self.leads[number] = lead
        self.record(edited)

    def disqualify(self, number: str) -> None:
        reason = self.rng.choice(DISQUALIFY_REASONS)
        lead, disqualified = disqualify_lead(self.lead(number), reason, now=self.now)
        self.leads[number] = lead
        self.record(disqualified)

    def qualify(self, number: str) -> None:
        close = self.day + timedelta(days=self.rng.randint(30, 180))
        result = qualify_lead(
            self.lead(number),
            accounts=self.account_by_name,
            contacts=self.contact_by_email,
            numbers=self.number,
            today=self.day,
            now=self.now,
            options=QualifyOptions(close_date=close.isoformat()),
        )
        self.leads[number] = result.lead
        if result.account is not None:
            self.accounts[result.account.number] = result.account
            self.account_by_name[match_key(result.account.name)] = result.account
        if result.contact is not None:
            self.contacts[result.contact.number] = result.contact
            if result.contact.email:
                self.contact_by_email.setdefault(match_key(result.contact.email), result.contact)
        self.opportunities[result.opportunity.number] = result.opportunity
        self.record(*result.events)
        self.later((1, 10), self.add_lines, result.opportunity.number, next(self.opportunity_fates))

    # -- opportunities and quotes ------------------------------------------------------------

    def add_lines(self, number: str, fate: str) -> None:
        opportunity = self.opportunities[number]
        for _ in range(self.rng.choice((1, 1, 2, 2, 3, 4))):
            sku, _name, _price, unit = self.rng.choice(PRODUCTS)
            spec = LineSpec(
                quantity=self.rng.choice(QUANTITIES.get(unit, "10 25 100 250").split()),
                sku=sku,
                discount=self.rng.choice((None, None, None, None, "5%", "10%")),
            )
            opportunity, added = add_product(
                opportunity,
                spec,
                products=self.products,
                default_tax_rate=TAX_RATE,
                now=self.now,
            )
            self.record(added)
        if self.rng.random() < 0.4:
            opportunity, staged = set_stage(opportunity, "develop", now=self.now)
            self.record(staged)
        self.opportunities[number] = opportunity
        if fate == "unquoted-lost":
            self.later((10, 120), self.lose, number)
        elif fate != "open":
            self.later((3, 30), self.quote, number, fate)

    def lose(self, number: str) -> None:
        opportunity, lost = lose_opportunity(
            self.opportunities[number], "canceled", today=self.day, now=self.now
        )
        self.opportunities[number] = opportunity
        self.record(lost)

    def quote(self, opportunity: str, fate: str) -> None:
        quoted = create_quote(
            self.opportunities[opportunity],
            number=self.number("QUO"),
            today=self.day,
            now=self.now,
        )
        quote = quoted.quote
        self.opportunities[opportunity] = quoted.opportunity
        self.record(*quoted.events)
        if self.rng.random() < 0.2:
            quote, discounted = discount_quote(quote, percent="5", now=self.now)
            self.record(discounted)
        self.quotes[quote.number] = quote
        if fate != "draft":
            self.later((0, 4), self.activate, quote.number, fate)

    def activate(self, number: str, fate: str) -> None:
        quote, activated = activate_quote(self.quotes[number], today=self.day, now=self.now)
        self.quotes[number] = quote
        self.record(activated)
        if fate == "won":
            self.later((3, 25), self.accept, number)
        elif fate == "lost":
            self.later((10, 60), self.close, number)

    def accept(self, number: str) -> None:
        quote = self.quotes[number]
        accepted = accept_quote(
            quote,
            opportunity=self.opportunities[quote.opportunity],
            quotes=[quote],
            numbers=self.number,
            today=self.day,
            now=self.now,
        )
        self.quotes[number] = accepted.quote
        self.orders[accepted.order.number] = accepted.order
        self.opportunities[quote.opportunity] = accepted.opportunity
        self.record(*accepted.events)
        if self.rng.random() < FULFILLED:
            self.later((1, 21), self.fulfil, accepted.order.number)

    def close(self, number: str) -> None:
        quote, closed = close_quote(self.quotes[number], "lost", today=self.day, now=self.now)
        opportunity, lost = lose_opportunity(
            self.opportunities[quote.opportunity],
            "out-sold",
            competitor=self.rng.choice(COMPETITORS),
            quotes=[quote],
            today=self.day,
            now=self.now,
        )
        self.quotes[number] = quote
        self.opportunities[quote.opportunity] = opportunity
        self.record(closed, lost)

    # -- orders and invoices ----------------------------------------------------------------

    def fulfil(self, number: str) -> None:
        fulfilled = fulfil_order(
            self.orders[number],
            numbers=self.number,
            invoice_date=self.day,
            payment_terms=PAYMENT_TERMS,
            now=self.now,
        )
        self.orders[number] = fulfilled.order
        self.invoices[fulfilled.invoice.number] = fulfilled.invoice
        self.record(*fulfilled.events)
        chance = self.rng.random()
        if chance < PAID:
            self.later((5, 60), self.pay, fulfilled.invoice.number, None)
        elif chance < PAID + PART_PAID:
            share = Decimal(self.rng.randint(20, 70)) / 100
            amount = str(cents(fulfilled.invoice.total * share))
            self.later((5, 40), self.pay, fulfilled.invoice.number, amount)

    def pay(self, number: str, amount: str | None) -> None:
        invoice = self.invoices[number]
        if invoice.total == 0:
            return
        invoice, paid = pay_invoice(invoice, amount=amount, paid_on=self.day, now=self.now)
        self.invoices[number] = invoice
        self.record(paid)

    # -- the file ---------------------------------------------------------------------------

    def tables(self) -> dict[str, dict[str, Any]]:
        """The data file's contents, `{table: {doc_id: stored document}}`, as stored."""
        meta = new_meta()
        meta["counters"] = dict(self.counters)
        meta["config"].update(CONFIG)

        def numbered(records: Sequence[Record | dict[str, Any]]) -> dict[str, Any]:
            return {
                str(i): r if isinstance(r, dict) else r.stored()
                for i, r in enumerate(records, start=1)
            }

        return {
            META_TABLE: {META_DOC_ID: meta},
            "products": numbered(list(self.products.values())),
            "leads": numbered(list(self.leads.values())),
            "accounts": numbered(list(self.accounts.values())),
            "contacts": numbered(list(self.contacts.values())),
            "opportunities": numbered(list(self.opportunities.values())),
            "quotes": numbered(list(self.quotes.values())),
            "orders": numbered(list(self.orders.values())),
            "invoices": numbered(list(self.invoices.values())),
            "events": {str(i): e for i, e in enumerate(self.events, start=1)},
        }

    def targets(self) -> dict[str, Any]:
        """Record numbers the benchmark commands act on (the same on every run)."""
        leads = list(self.leads)
        is_open = [
            n
            for n, lead in self.leads.items()
            if (lead.status if isinstance(lead, Lead) else lead["status"]) == LeadStatus.OPEN
        ]
        middle = len(leads) // 2
        after_middle = [n for n in is_open if int(n.split("-")[1]) > middle] or is_open
        active = [
            q.number
            for q in self.quotes.values()
            if q.status is QuoteStatus.ACTIVE and self.opportunities[q.opportunity].status == "open"
        ]
        picker = random.Random(len(leads))
        batch = sorted(picker.sample(is_open, min(1000, len(is_open))), key=_number_order)
        # A large batch: a fifth of the leads' count in open leads, the rest numbers never used.
        large = sorted(
            picker.sample(is_open, min(len(leads) // 5, len(is_open))), key=_number_order
        )
        return {
            "show": leads[middle] if leads else None,
            "qualify": after_middle[0] if after_middle else None,
            "accept": active[len(active) // 2] if active else None,
            "batch": batch,
            "batch_open": large,
        }


def _number_order(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def _shares(rng: random.Random, total: int, shares: Mapping[str, float], rest: str) -> list[str]:
    """`total` labels in random order, each label exactly round(share × total) times."""
    labels: list[str] = []
    for label, share in shares.items():
        labels += [label] * round(share * total)
    labels += [rest] * (total - len(labels))
    rng.shuffle(labels)
    return labels


def _opportunity_fates(rng: random.Random, count: int) -> list[str]:
    quoted = round(QUOTED * count)
    won, lost = round(WON * quoted), round(LOST * quoted)
    still_open = quoted - won - lost
    drafts = round(DRAFT * still_open)
    unquoted = count - quoted
    unquoted_lost = round(UNQUOTED_LOST * unquoted)
    fates = (
        ["won"] * won
        + ["lost"] * lost
        + ["active"] * (still_open - drafts)
        + ["draft"] * drafts
        + ["unquoted-lost"] * unquoted_lost
        + ["open"] * (unquoted - unquoted_lost)
    )
    rng.shuffle(fates)
    return fates


# --- public ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """A generated data file, what it holds, and the numbers the benchmark acts on."""

    path: Path
    counts: dict[str, int]
    targets: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "counts": self.counts, "targets": self.targets}


def build_tables(leads: int, seed: int) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The contents of a data file with `leads` leads, and the benchmark's target numbers."""
    world = _World(random.Random(f"salesflow-bench:{seed}:{leads}"), leads)
    world.plan()
    world.run()
    return world.tables(), world.targets()


def write_data_file(path: Path, leads: int, seed: int) -> Generated:
    """Write a data file with `leads` leads (and its opportunities, quotes, ...) to `path`."""
    tables, targets = build_tables(leads, seed)
    _write_atomically(path, file_bytes(tables))
    counts = {name: len(docs) for name, docs in tables.items() if name != META_TABLE}
    return Generated(path, counts, targets)


ACTIVITIES_PER_LEAD = 2
"""The agenda's data set: the leads' file with this many activities per lead."""
ACTIVITY_KINDS = ("note", "note", "call", "call", "call", "task", "task", "task", "meeting")
NOTE_ENDINGS = ("Call back after the fair.", "Budget in Q1.", "Wants 20 seats.", "")


def activities_for(
    tables: Mapping[str, Mapping[str, Any]], per_lead: int, seed: int
) -> list[Activity]:
    """`per_lead` activities for each lead of `tables`, about the lead or (for a qualified lead,
    mostly) its opportunity, made within 60 days of the lead: notes and logged calls, and tasks,
    follow-up calls and meetings due within 30 days of being made. Of those due before TODAY,
    99% of the ones older than two weeks are done and 70% of the others: a seller keeping up
    with the work, a little behind on the last fortnight."""
    rng = random.Random(f"salesflow-bench-activities:{seed}:{per_lead}")
    made: list[Activity] = []
    for lead in tables["leads"].values():
        created = date.fromisoformat(lead["created_on"])
        for _ in range(per_lead):
            regarding = lead["number"]
            if lead.get("opportunity") and rng.random() < 0.7:
                regarding = lead["opportunity"]
            kind = ActivityKind(rng.choice(ACTIVITY_KINDS))
            day = min(created + timedelta(days=rng.randint(0, 60)), TODAY)
            fields: dict[str, Any] = {
                "number": format_number(Activity.prefix, len(made) + 1),
                "kind": kind,
                "regarding": regarding,
                "created_on": day,
            }
            if kind is ActivityKind.NOTE or (kind is ActivityKind.CALL and rng.random() < 0.5):
                fields |= {
                    "subject": rng.choice(("Met at the fair", "Intro call", "Asked for prices")),
                    "status": ActivityStatus.DONE,
                    "completed_on": day,
                }
                if kind is ActivityKind.NOTE:
                    fields["text"] = fields["subject"] + ". " + rng.choice(NOTE_ENDINGS)
            else:
                due = day + timedelta(days=rng.randint(1, 30))
                fields |= {
                    "subject": rng.choice(("Send the brochure", "Call back", "Demo", "Follow up")),
                    "due": due,
                }
                if kind is ActivityKind.MEETING:
                    fields |= {"at": time(rng.randint(9, 16), rng.choice((0, 30))), "duration": 60}
                late = (TODAY - due).days
                if late > 0 and rng.random() < (0.99 if late > 14 else 0.7):
                    fields |= {"status": ActivityStatus.DONE, "completed_on": due}
            made.append(Activity(**fields))
    return made


def with_activities(
    tables: dict[str, dict[str, Any]], per_lead: int, seed: int
) -> dict[str, dict[str, Any]]:
    """The tables with an `activities` table added (and the ACT counter set)."""
    made = activities_for(tables, per_lead, seed)
    meta = dict(tables[META_TABLE][META_DOC_ID])
    meta["counters"] = {**meta["counters"], Activity.prefix: len(made)}
    return {
        **tables,
        META_TABLE: {META_DOC_ID: meta},
        "activities": {str(i): a.stored() for i, a in enumerate(made, start=1)},
    }


def write_activity_file(source: Path, path: Path, per_lead: int, seed: int) -> int:
    """The data file at `source` with `per_lead` activities per lead, written to `path`;
    returns how many activities it holds."""
    tables = orjson.loads(source.read_bytes())
    tables = with_activities(tables, per_lead, seed)
    _write_atomically(path, file_bytes(tables))
    return len(tables["activities"])


def card_rows(rows: int, seed: int, returning: Sequence[Mapping[str, Any]] = ()) -> list[list[str]]:
    """Rows of a badge-scanner CSV (`CARD_COLUMNS`): new people, 5% people from `returning`
    (lead documents: they are in the data file already), 2% repeats of an earlier row of the
    file (the email in another case), 3% without an email."""
    rng = random.Random(f"salesflow-cards:{seed}:{rows}")
    pool = companies(rng, max(4, rows // 4))
    emailed = [doc for doc in returning if doc.get("email")]
    result: list[list[str]] = []
    for _ in range(rows):
        chance = rng.random()
        if chance < 0.05 and emailed:
            doc = rng.choice(emailed)
            fields = {k: str(v) for k, v in doc.items() if isinstance(v, str)}
            fields["job_title"] = rng.choice(JOB_TITLES)
        elif chance < 0.07 and result:
            row = list(rng.choice(result))
            row[3] = f" {row[3].upper()} " if row[3] else ""
            result.append(row)
            continue
        else:
            fields = person(rng, rng.choice(pool))
            if chance > 0.97:
                fields["email"] = ""
            if rng.random() < 0.6:
                fields["estimated_value"] = ""
            elif rng.random() < 0.3:
                fields["estimated_value"] = f"{Decimal(fields['estimated_value']):,.2f}"
        result.append(
            [
                fields.get(key, "")
                for key in (
                    "first_name",
                    "last_name",
                    "company",
                    "email",
                    "phone",
                    "job_title",
                    "city",
                    "country",
                    "estimated_value",
                )
            ]
        )
    return result


def write_cards(
    path: Path, rows: int, seed: int, returning: Sequence[Mapping[str, Any]] = ()
) -> int:
    """Write a card CSV of `rows` rows (UTF-8, comma, CRLF, as Excel writes it); the row count."""
    body = card_rows(rows, seed, returning)
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CARD_COLUMNS)
        writer.writerows(body)
    tmp.replace(path)
    return len(body)


def write_card_workbook(
    path: Path, rows: int, seed: int, returning: Sequence[Mapping[str, Any]] = ()
) -> int:
    """The same rows as `write_cards`, as an .xlsx workbook of one sheet (amounts and phone
    numbers as the text the CSV holds); the row count. Needs openpyxl (a test dependency)."""
    from openpyxl import Workbook

    body = card_rows(rows, seed, returning)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cards")
    sheet.append(list(CARD_COLUMNS))
    for row in body:
        sheet.append(row)
    tmp = path.with_name(path.name + ".partial")
    book.save(tmp)
    tmp.replace(path)
    return len(body)


def write_vcards(path: Path, cards: int, seed: int) -> int:
    """`cards` vCards 3.0 as a phone or a card scanner exports them (N, FN, ORG, TITLE, EMAIL,
    TEL, ADR, NOTE; folded long notes); the card count."""
    out: list[str] = []
    for first, last, company, email, phone, title, city, country, _ in card_rows(cards, seed):
        note = f"Met at the fair; asked about {company}'s ovens, delivery and service. " * 2
        out += [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{last};{first};;;",
            f"FN:{first} {last}",
            f"ORG:{company.replace(',', chr(92) + ',')};",
            f"TITLE:{title}",
            f"EMAIL;type=INTERNET;type=WORK;type=pref:{email}" if email else "",
            f"TEL;type=WORK;type=VOICE:{phone}",
            f"item1.ADR;type=WORK:;;;{city};;;{country}",
            "item1.X-ABADR:nl",
            f"NOTE:{note[:60]}\r\n {note[60:]}",
            "END:VCARD",
        ]
    text = "\r\n".join(line for line in out if line) + "\r\n"
    _write_atomically(path, text.encode("utf-8"))
    return cards


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    tmp.replace(path)
