"""Bulk lead import, the deciding half: mapped rows in, new lead documents and a report out.

Each row goes through the same checks as `lead add` (a last name or a company, email syntax, a
value of 0 or more). Duplicates are found by email (trimmed, any case) against existing leads,
contacts and earlier rows of the same file; without email by first name + last name + company.
The result holds stored-form documents rather than models: a 100k-row import must not pay for
100k model validations, and `lead_document` builds exactly what `Lead.stored()` would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from salesflow.errors import InvalidValue
from salesflow.models import Event, Lead, LeadStatus
from salesflow.pipeline.leads import LEAD_FIELDS, lead_values, match_key
from salesflow.pipeline.listing import FORMULA_STARTS, fold
from salesflow.pipeline.money import cents
from salesflow.pipeline.records import event

ON_DUPLICATE = ("skip", "update")


class Row(Protocol):
    """What the importer hands over for each data row (see salesflow.importer.MappedRow)."""

    @property
    def row_no(self) -> int: ...
    @property
    def fields(self) -> dict[str, str] | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def original(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one row: imported, updated, duplicate or rejected."""

    row_no: int
    status: str
    number: str | None = None
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row_no,
            "status": self.status,
            "number": self.number,
            "message": self.message,
        }


@dataclass
class ImportPlan:
    """New lead documents, updated leads, one event per batch, and every row's outcome."""

    new_docs: list[dict[str, Any]] = field(default_factory=list)
    updated: list[Lead] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    rejected: list[tuple[int, dict[str, str], str]] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


@dataclass(frozen=True)
class Known:
    """Who is already in the data file, keyed for duplicate checks.

    `emails` maps `match_key(email)` to a lead or contact number; `names` maps `name_key(...)` of
    every lead to its number. `names` may be a function giving that mapping: it is called only
    when a row without email needs it, as folding 100k names costs more than the rest of a check.
    """

    emails: Mapping[str, str]
    names: Mapping[str, str] | Callable[[], Mapping[str, str]]


def name_key(values: Mapping[str, Any]) -> str:
    """First name | last name | company, accents, case and spacing ignored ("" when all are empty).

    Each part keeps its place, so a first name "Jan" is not the last name "Jan".
    """
    first, last, company = values.get("first_name"), values.get("last_name"), values.get("company")
    if not (first or last or company):
        return ""
    text = f"{first or ''}|{last or ''}|{company or ''}"
    text = text.casefold() if text.isascii() else fold(text)
    return "|".join(" ".join(part.split()) for part in text.split("|"))


def lead_document(values: Mapping[str, Any], *, number: str, today: date, **links: str) -> dict:
    """The stored form of a new open lead, equal to `Lead(...).stored()` for the same values.

    `values` are checked values (`lead_values`): an estimated value is already in cents.
    """
    doc: dict[str, Any] = {"number": number}
    for name in LEAD_FIELDS:
        value = values.get(name)
        if value is not None:
            doc[name] = f"{value:.2f}" if name == "estimated_value" else value
    doc["status"] = "open"
    doc["status_reason"] = "new"
    doc["created_on"] = today.isoformat()
    doc.update({k: v for k, v in links.items() if v})
    return doc


def _restored(value: str) -> str:
    """A cell an export neutralised against formula injection (`'+31 20 ...`), as it was."""
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def _checked(row: Row, source: str | None) -> dict[str, Any]:
    """The row's lead values through `lead add`'s checks; InvalidValue names the row."""
    fields = {name: _restored(value) for name, value in (row.fields or {}).items()}
    if source is not None:
        fields.setdefault("source", source)
    values = lead_values(fields, f"row {row.row_no}")
    if not values.get("last_name") and not values.get("company"):
        raise InvalidValue(f"row {row.row_no}: a lead needs a last name or a company")
    return values


def _merge(existing: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Empty fields filled from `values`; notes appended; nothing overwritten."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or name == "source":
            continue
        current = existing.get(name)
        if name == "notes" and current and value not in str(current):
            changes[name] = f"{current}\n{value}"
        elif current in (None, ""):
            changes[name] = value
    return changes


class _Index:
    """The duplicate checks of one import: emails, and names (built on first use)."""

    def __init__(self, known: Known) -> None:
        self.emails = dict(known.emails)
        self._known_names = known.names
        self._names: dict[str, str] | None = None
        self._new: list[dict[str, Any]] = []

    def names(self) -> dict[str, str]:
        if self._names is None:
            known = self._known_names
            self._names = dict(known() if callable(known) else known)
            for doc in self._new:
                self._names.setdefault(name_key(doc), doc["number"])
        return self._names

    def match(self, values: Mapping[str, Any], email: str) -> str | None:
        """The number of the lead or contact a row with these values and `match_key` of its
        email duplicates, or None."""
        if email:
            return self.emails.get(email)
        return self.names().get(name_key(values))

    def add(self, doc: dict[str, Any], email: str) -> None:
        if email:
            self.emails[email] = doc["number"]
        if self._names is None:
            self._new.append(doc)
        else:
            self._names.setdefault(name_key(doc), doc["number"])


def plan_import(
    rows: Sequence[Row],
    *,
    known: Known,
    load_lead: Callable[[str], Lead],
    on_duplicate: str,
    source: str,
    batch: str,
    first_number: int,
    file_name: str,
    today: date,
    now: datetime,
    fill_source: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Decide each row's fate; new leads get numbers from `first_number` on, in file order.

    A row duplicates an existing lead or contact, or an earlier row, with the same email
    (trimmed, any case); a row without email one with the same first name, last name and
    company. Rows the reader could not split arrive as rows with an error and are rejected as
    they are. With `on_duplicate="update"` a duplicate of an open lead fills that lead's empty
    fields and adds its notes; duplicates of contacts or of closed leads are skipped. Rows
    without a source get `source` unless `fill_source` is false (salesflow's own export, whose
    empty Source cells mean "no source"). One `imported` event is recorded under the batch
    number; each updated lead gets an `edited` event naming the fields filled.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidValue(f"--on-duplicate {on_duplicate!r} is not one of: skip, update")
    plan = ImportPlan()
    index = _Index(known)
    new_by_number: dict[str, dict[str, Any]] = {}
    updates: dict[str, tuple[Lead, set[str]]] = {}
    next_number = first_number

    for done, row in enumerate(rows, start=1):
        if progress is not None and done % 5000 == 0:
            progress(done)
        if row.error is not None:
            plan.rejected.append((row.row_no, row.original, row.error))
            plan.outcomes.append(RowOutcome(row.row_no, "rejected", message=row.error))
            continue
        try:
            values = _checked(row, source if fill_source else None)
        except InvalidValue as exc:
            plan.rejected.append((row.row_no, row.original, str(exc)))
            plan.outcomes.append(RowOutcome(row.row_no, "rejected", message=str(exc)))
            continue

        email = match_key(values.get("email"))
        match = index.match(values, email)
        if match is None:
            number = f"L-{next_number:04d}"
            next_number += 1
            doc = lead_document(values, number=number, today=today, imported_in=batch)
            plan.new_docs.append(doc)
            new_by_number[number] = doc
            index.add(doc, email)
            plan.outcomes.append(RowOutcome(row.row_no, "imported", number))
            continue

        why = f"same email {values['email']}" if email else "same name and company"
        outcome = RowOutcome(
            row.row_no, "duplicate", match, f"row {row.row_no}: duplicate of {match} ({why})"
        )
        if on_duplicate == "update" and match.startswith("L-"):
            outcome = _update(match, values, new_by_number, updates, load_lead, row.row_no, why)
        plan.outcomes.append(outcome)

    plan.updated = [lead for lead, _ in updates.values()]
    plan.events = [
        event(
            now,
            batch,
            "imported",
            None,
            None,
            file=file_name,
            source=source,
            imported=len(plan.new_docs),
            first=plan.new_docs[0]["number"] if plan.new_docs else None,
            last=plan.new_docs[-1]["number"] if plan.new_docs else None,
            updated=len(plan.updated) or None,
            duplicates=plan.count("duplicate") or None,
            rejected=len(plan.rejected) or None,
        )
    ]
    plan.events += [
        event(now, lead.number, "edited", fields=sorted(fields), import_batch=batch)
        for lead, fields in updates.values()
    ]
    return plan


def _update(
    match: str,
    values: Mapping[str, Any],
    new_by_number: dict[str, dict[str, Any]],
    updates: dict[str, tuple[Lead, set[str]]],
    load_lead: Callable[[str], Lead],
    row_no: int,
    why: str,
) -> RowOutcome:
    """Fill the matched lead's empty fields; a lead that is not open is left alone, and a row
    that adds nothing is reported as a duplicate."""
    nothing_new = RowOutcome(
        row_no, "duplicate", match, f"row {row_no}: duplicate of {match} ({why}); nothing new"
    )
    if match in new_by_number:
        changes = _merge(new_by_number[match], values)
        if not changes:
            return nothing_new
        new_by_number[match].update(
            {k: (f"{cents(v):.2f}" if k == "estimated_value" else v) for k, v in changes.items()}
        )
        return RowOutcome(row_no, "updated", match, f"row {row_no}: merged into {match} ({why})")
    lead, fields = updates.get(match) or (load_lead(match), set())
    if lead.status is not LeadStatus.OPEN:
        return RowOutcome(
            row_no,
            "duplicate",
            match,
            f"row {row_no}: duplicate of {match} ({why}); {match} is {lead.status}, not updated",
        )
    changes = _merge(lead.model_dump(), values)
    if not changes:
        return nothing_new
    updates[match] = (lead.model_copy(update=changes), fields | set(changes))
    return RowOutcome(row_no, "updated", match, f"row {row_no}: updated {match} ({why})")


def summary(plan: ImportPlan, file_name: str, rejects_file: str | None, *, dry_run: bool) -> str:
    """`Imported 41 leads from cards.csv: 1 duplicate skipped, 1 rejected (see ...)`."""
    verb = "Would import" if dry_run else "Imported"
    imported = len(plan.new_docs)
    parts = []
    updated = plan.count("updated")
    duplicates = plan.count("duplicate")
    if updated:
        parts.append(f"{updated} {'duplicate' if updated == 1 else 'duplicates'} updated")
    if duplicates:
        parts.append(f"{duplicates} {'duplicate' if duplicates == 1 else 'duplicates'} skipped")
    if plan.rejected:
        see = f" (see {rejects_file})" if rejects_file else ""
        parts.append(f"{len(plan.rejected)} rejected{see}")
    noun = "lead" if imported == 1 else "leads"
    return f"{verb} {imported} {noun} from {file_name}" + (": " + ", ".join(parts) if parts else "")
