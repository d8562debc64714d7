"""The deciding half of `lead import`: duplicates, lead documents, outcomes, the batch event and
the summary line, on hand-made rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from salesflow.errors import InvalidValue
from salesflow.models import Lead, LeadReason, LeadStatus
from salesflow.pipeline.fields import is_email
from salesflow.pipeline.imports import (
    ImportPlan,
    Known,
    RowOutcome,
    lead_document,
    lead_name_key,
    plan_import,
    summary,
)
from salesflow.pipeline.leads import TEXT_FIELDS, lead_values, make_lead
from salesflow.pipeline.matching import name_key
from tests.conftest import NOW, TODAY


@dataclass(frozen=True)
class Row:
    """A stand-in for the importer's MappedRow."""

    row_no: int
    fields: dict[str, str] | None
    error: str | None = None
    original: dict[str, str] = field(default_factory=dict)
    skip: str | None = None


def card(row_no: int, **fields: str) -> Row:
    return Row(row_no, fields, original={k.title(): v for k, v in fields.items()})


def existing(number: str = "L-0003", **fields: Any) -> Lead:
    values: dict[str, Any] = {
        "first_name": "Sanne",
        "last_name": "de Vries",
        "company": "Acme Benelux",
        "email": "sanne@acme.example",
        "created_on": TODAY,
    }
    values.update(fields)
    return Lead(number=number, **values)


def run(
    rows: list[Row],
    *,
    emails: Mapping[str, str] | None = None,
    names: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
    leads: Sequence[Lead] = (),
    on_duplicate: str = "skip",
    first_number: int = 1,
    fill_source: bool = True,
) -> ImportPlan:
    by_number = {lead.number: lead for lead in leads}
    return plan_import(
        rows,
        known=Known(emails or {}, names if names is not None else {}),
        load_lead=lambda number: by_number[number],
        on_duplicate=on_duplicate,
        source="Beurs 2026",
        batch="IMP-0004",
        first_number=first_number,
        file_name="cards.csv",
        today=TODAY,
        now=NOW,
        fill_source=fill_source,
    )


def statuses(plan: ImportPlan) -> list[tuple[int, str, str | None]]:
    return [(o.row_no, o.status, o.number) for o in plan.outcomes]


# --- new leads ---------------------------------------------------------------------------------


def test_new_leads_are_numbered_from_first_number_in_file_order() -> None:
    plan = run(
        [card(2, last_name="Bakker"), card(3, company="Hof Agro"), card(5, last_name="Yilmaz")],
        first_number=41,
    )
    assert [doc["number"] for doc in plan.new_docs] == ["L-0041", "L-0042", "L-0043"]
    assert statuses(plan) == [
        (2, "imported", "L-0041"),
        (3, "imported", "L-0042"),
        (5, "imported", "L-0043"),
    ]


def test_numbers_widen_past_9999() -> None:
    plan = run([card(2, last_name="Bakker")], first_number=10000)
    assert plan.new_docs[0]["number"] == "L-10000"


def test_a_new_lead_document_is_an_open_new_lead_of_the_batch_with_the_batch_source() -> None:
    plan = run([card(2, first_name=" Joëlle ", last_name="Bakker", estimated_value="12500")])
    assert plan.new_docs == [
        {
            "number": "L-0001",
            "first_name": "Joëlle",
            "last_name": "Bakker",
            "estimated_value": "12500.00",
            "source": "Beurs 2026",
            "status": "open",
            "status_reason": "new",
            "created_on": "2026-11-27",
            "imported_in": "IMP-0004",
        }
    ]


def test_a_row_keeps_its_own_source() -> None:
    plan = run([card(2, last_name="Bakker", source="Website")])
    assert plan.new_docs[0]["source"] == "Website"


def test_without_fill_source_a_row_without_source_stays_without() -> None:
    plan = run(
        [card(2, last_name="Bakker"), card(3, last_name="Hof", source="Website")],
        fill_source=False,
    )
    assert "source" not in plan.new_docs[0]
    assert plan.new_docs[1]["source"] == "Website"


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("'+31 20 555 0101", "+31 20 555 0101"),
        ("'=SUM(A1:A2)", "=SUM(A1:A2)"),
        ("'-Smith", "-Smith"),
        ("'@home", "@home"),
        ("'t Hof", "'t Hof"),
        ("O'Brien", "O'Brien"),
    ],
)
def test_cells_an_export_neutralised_are_imported_as_they_were(cell: str, stored: str) -> None:
    plan = run([card(2, last_name="Bakker", phone=cell, company=cell)])
    assert (plan.new_docs[0]["phone"], plan.new_docs[0]["company"]) == (stored, stored)


# --- rejected rows -----------------------------------------------------------------------------


def test_a_row_the_reader_could_not_split_is_rejected_with_its_original_columns() -> None:
    broken = Row(
        4,
        None,
        "row 4: 5 values but the header has 3 columns",
        {"Name": "B", "Company": "Y", "Email": "b@y.example", "(extra 1)": "x", "(extra 2)": "z"},
    )
    plan = run([card(2, last_name="Bakker"), broken])
    assert plan.rejected == [(4, broken.original, "row 4: 5 values but the header has 3 columns")]
    assert statuses(plan) == [(2, "imported", "L-0001"), (4, "rejected", None)]
    assert plan.outcomes[1].message == "row 4: 5 values but the header has 3 columns"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"first_name": "Ann"}, "row 7: a lead needs a last name or a company"),
        (
            {"company": "X", "estimated_value": "-5"},
            "row 7: estimated value '-5' is negative; it must be 0 or more",
        ),
        (
            {"company": "X", "email": "nope"},
            "row 7: email 'nope' is not a valid email address (name@domain.tld)",
        ),
        (
            {"company": "X", "estimated_value": "abc"},
            "row 7: estimated value 'abc' is not a number",
        ),
    ],
)
def test_a_row_failing_lead_adds_checks_is_rejected_naming_its_row(
    fields: dict[str, str], message: str
) -> None:
    row = card(7, **fields)
    plan = run([row])
    assert plan.new_docs == []
    assert plan.rejected == [(7, row.original, message)]
    assert plan.outcomes == [RowOutcome(7, "rejected", None, message)]


def test_a_rejected_row_takes_no_number() -> None:
    plan = run([card(2, first_name="Ann"), card(3, last_name="Bakker")])
    assert statuses(plan) == [(2, "rejected", None), (3, "imported", "L-0001")]


# --- duplicates --------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["sanne@acme.example", "  SANNE@Acme.Example  "])
def test_a_row_with_the_email_of_an_existing_lead_is_a_duplicate(email: str) -> None:
    plan = run(
        [card(2, last_name="de Vries", email=email)], emails={"sanne@acme.example": "L-0003"}
    )
    assert plan.new_docs == []
    assert plan.outcomes == [
        RowOutcome(
            2, "duplicate", "L-0003", f"row 2: duplicate of L-0003 (same email {email.strip()})"
        )
    ]


def test_a_row_with_the_email_of_a_contact_is_a_duplicate_of_the_contact() -> None:
    plan = run(
        [card(2, last_name="Nowak", email="L.Nowak@Example.pl")],
        emails={"l.nowak@example.pl": "CON-0002"},
    )
    assert statuses(plan) == [(2, "duplicate", "CON-0002")]


def test_a_row_with_the_email_of_an_earlier_row_is_a_duplicate_of_its_new_lead() -> None:
    plan = run(
        [
            card(2, last_name="de Vries", email="sanne@acme.example"),
            card(3, last_name="Bakker", email="joelle@bakker.example"),
            card(4, last_name="Vries", email=" Sanne@ACME.example"),
        ]
    )
    assert statuses(plan) == [
        (2, "imported", "L-0001"),
        (3, "imported", "L-0002"),
        (4, "duplicate", "L-0001"),
    ]
    assert plan.outcomes[2].message == (
        "row 4: duplicate of L-0001 (same email Sanne@ACME.example)"
    )


def test_a_row_with_another_email_is_new_even_with_the_same_name_and_company() -> None:
    plan = run(
        [card(2, first_name="Sanne", last_name="de Vries", company="Acme", email="s@b.example")],
        names={name_key("Sanne", "de Vries", "Acme"): "L-3"},
    )
    assert statuses(plan) == [(2, "imported", "L-0001")]


def test_a_row_without_email_matches_first_last_name_and_company_ignoring_accents_case_space() -> (
    None
):
    known = {
        lead_name_key({"first_name": "Bjørn", "last_name": "Olsen", "company": "Nordlys AS"}): "L-4"
    }
    plan = run(
        [card(2, first_name="BJØRN", last_name=" olsen", company="Nordlys  AS")], names=known
    )
    assert plan.outcomes == [
        RowOutcome(2, "duplicate", "L-4", "row 2: duplicate of L-4 (same name and company)")
    ]


def test_accents_are_ignored_in_names_and_companies() -> None:
    assert lead_name_key({"first_name": "Zoë", "last_name": "Müller"}) == lead_name_key(
        {"first_name": "zoe", "last_name": "MULLER"}
    )


def test_a_row_without_email_matches_an_earlier_row_with_email_by_name_and_company() -> None:
    plan = run(
        [
            card(2, first_name="Tom", last_name="Peeters", company="Peeters Bouw", email="t@p.be"),
            card(3, first_name="tom", last_name="peeters", company="PEETERS BOUW"),
            card(4, first_name="Tom", last_name="Peeters", company="Peeters Hout"),
        ]
    )
    assert statuses(plan) == [
        (2, "imported", "L-0001"),
        (3, "duplicate", "L-0001"),
        (4, "imported", "L-0002"),
    ]


def test_a_row_without_email_matches_an_earlier_row_without_email() -> None:
    plan = run(
        [
            card(2, first_name="Jan", last_name="Smit", company="Onbekend BV"),
            card(3, first_name="jan", last_name="SMIT", company="onbekend bv"),
        ]
    )
    assert statuses(plan) == [(2, "imported", "L-0001"), (3, "duplicate", "L-0001")]


def test_rows_with_a_company_and_no_name_are_never_duplicates_by_name() -> None:
    plan = run([card(2, company="Onbekend BV"), card(3, company="onbekend bv")])
    assert statuses(plan) == [(2, "imported", "L-0001"), (3, "imported", "L-0002")]
    assert lead_name_key({"company": "Onbekend BV"}) == ""
    assert lead_name_key({"first_name": "Jan", "company": "Onbekend BV"}) == ""


def test_a_first_name_is_not_taken_for_a_last_name() -> None:
    plan = run(
        [
            card(2, first_name="Jan", company="Jansen BV"),
            card(3, last_name="Jan", company="Jansen BV"),
        ]
    )
    assert statuses(plan) == [(2, "imported", "L-0001"), (3, "imported", "L-0002")]


def test_known_names_are_gathered_only_when_a_row_without_email_needs_them() -> None:
    calls: list[str] = []

    def names(wanted: AbstractSet[str] | None) -> dict[str, str]:
        calls.append("names")
        return {lead_name_key({"last_name": "Olsen", "company": "Nordlys AS"}): "L-0009"}

    with_emails = [card(2, last_name="Olsen", company="Nordlys AS", email="b@n.example")]
    assert statuses(run(with_emails, names=names)) == [(2, "imported", "L-0001")]
    assert calls == []
    plan = run([*with_emails, card(3, last_name="olsen", company="nordlys as")], names=names)
    assert statuses(plan) == [(2, "imported", "L-0001"), (3, "duplicate", "L-0009")]
    assert calls == ["names"]


# --- update mode -------------------------------------------------------------------------------


def test_update_fills_the_empty_fields_and_keeps_differing_values_in_the_notes() -> None:
    lead = existing(phone="030 123 4567", notes="met at lunch")
    row = card(
        2,
        first_name="S.",
        last_name="Vries",
        email="Sanne@Acme.Example",
        phone="06 1111 2222",
        city="Utrecht",
        estimated_value="2750.5",
        notes="Same person, second card",
    )
    plan = run([row], emails={"sanne@acme.example": "L-0003"}, leads=[lead], on_duplicate="update")
    assert plan.new_docs == []
    assert plan.outcomes == [
        RowOutcome(2, "updated", "L-0003", "row 2: updated L-0003 (same email Sanne@Acme.Example)")
    ]
    [updated] = plan.updated
    assert updated.first_name == "Sanne" and updated.last_name == "de Vries"
    assert updated.phone == "030 123 4567"
    assert (updated.city, updated.estimated_value) == ("Utrecht", Decimal("2750.50"))
    assert updated.notes == (
        "met at lunch\nSame person, second card\nFirst name (import IMP-0004): S.\n"
        "Last name (import IMP-0004): Vries\nPhone (import IMP-0004): 06 1111 2222"
    )
    assert plan.differed == 3
    assert summary(plan, "cards.csv", None, dry_run=False) == (
        "Imported 0 leads from cards.csv: 1 duplicate updated, 3 values differed, kept in notes"
    )
    assert updated.source is None  # the batch source does not overwrite or fill a lead's source
    edited = plan.events[1]
    assert (edited.number, edited.kind) == ("L-0003", "edited")
    assert edited.details == {
        "fields": ["city", "estimated_value", "notes"],
        "import_batch": "IMP-0004",
    }


def test_update_with_two_rows_for_one_lead_gathers_both_into_one_edit() -> None:
    plan = run(
        [
            card(2, last_name="de Vries", email="sanne@acme.example", city="Utrecht"),
            card(3, last_name="de Vries", email="SANNE@acme.example", country="Netherlands"),
        ],
        emails={"sanne@acme.example": "L-0003"},
        leads=[existing()],
        on_duplicate="update",
    )
    [updated] = plan.updated
    assert (updated.city, updated.country) == ("Utrecht", "Netherlands")
    assert [e.kind for e in plan.events] == ["imported", "edited"]
    assert plan.events[1].details["fields"] == ["city", "country"]
    assert plan.events[0].details["updated"] == 1


def test_update_that_adds_nothing_is_reported_as_a_duplicate() -> None:
    plan = run(
        [card(2, last_name="de Vries", email="sanne@acme.example", company="ACME  benelux")],
        emails={"sanne@acme.example": "L-0003"},
        leads=[existing()],
        on_duplicate="update",
    )
    assert plan.updated == []
    assert plan.outcomes == [
        RowOutcome(
            2,
            "duplicate",
            "L-0003",
            "row 2: duplicate of L-0003 (same email sanne@acme.example); nothing new",
        )
    ]
    assert [e.kind for e in plan.events] == ["imported"]


def test_update_merges_a_later_row_into_a_new_lead_of_the_same_file() -> None:
    plan = run(
        [
            card(2, last_name="Bakker", email="joelle@bakker.example", notes="Stand 4B"),
            card(3, last_name="Bakker", email="Joelle@Bakker.example", phone="06-1234", notes="x"),
            card(4, last_name="Bakker", email="joelle@bakker.example", estimated_value="1000"),
        ],
        on_duplicate="update",
    )
    assert statuses(plan) == [
        (2, "imported", "L-0001"),
        (3, "updated", "L-0001"),
        (4, "updated", "L-0001"),
    ]
    assert plan.outcomes[1].message == (
        "row 3: merged into L-0001 (same email Joelle@Bakker.example)"
    )
    [doc] = plan.new_docs
    assert (doc["phone"], doc["notes"], doc["estimated_value"]) == (
        "06-1234",
        "Stand 4B\nx",
        "1000.00",
    )
    assert Lead.model_validate(doc).stored() == doc
    assert plan.updated == []
    assert [e.kind for e in plan.events] == ["imported"]


@pytest.mark.parametrize("status", [LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED])
def test_update_leaves_a_closed_lead_alone_and_says_so(status: LeadStatus) -> None:
    reason = LeadReason.QUALIFIED if status is LeadStatus.QUALIFIED else LeadReason.LOST
    lead = existing(status=status, status_reason=reason)
    plan = run(
        [card(2, last_name="de Vries", email="sanne@acme.example", city="Utrecht")],
        emails={"sanne@acme.example": "L-0003"},
        leads=[lead],
        on_duplicate="update",
    )
    assert plan.updated == []
    assert plan.outcomes == [
        RowOutcome(
            2,
            "duplicate",
            "L-0003",
            f"row 2: duplicate of L-0003 (same email sanne@acme.example); L-0003 is {status}, "
            "not updated",
        )
    ]


def test_update_skips_a_duplicate_of_a_contact() -> None:
    plan = run(
        [card(2, last_name="Nowak", email="l.nowak@example.pl", city="Poznań")],
        emails={"l.nowak@example.pl": "CON-0002"},
        on_duplicate="update",
    )
    assert plan.outcomes == [
        RowOutcome(
            2,
            "duplicate",
            "CON-0002",
            "row 2: duplicate of CON-0002 (same email l.nowak@example.pl)",
        )
    ]


def test_skip_mode_never_loads_or_changes_the_existing_lead() -> None:
    plan = run(
        [card(2, last_name="de Vries", email="sanne@acme.example", city="Utrecht")],
        emails={"sanne@acme.example": "L-0003"},
    )
    assert plan.updated == []
    assert statuses(plan) == [(2, "duplicate", "L-0003")]


def test_an_unknown_on_duplicate_choice_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        run([card(2, last_name="Bakker")], on_duplicate="merge")
    assert str(raised.value) == "--on-duplicate 'merge' is not one of: skip, update"


# --- the batch event ---------------------------------------------------------------------------


def test_one_imported_event_per_batch_names_file_source_counts_and_number_range() -> None:
    plan = run(
        [
            card(2, last_name="Bakker"),
            card(3, last_name="Bakker", email="b@b.example"),
            card(4, first_name="Nobody"),
            card(5, last_name="Hof", email="B@B.example"),
            card(6, company="Yilmaz Import"),
        ],
        first_number=12,
    )
    [batch] = plan.events
    assert (batch.at, batch.number, batch.kind, batch.from_state, batch.to_state) == (
        NOW,
        "IMP-0004",
        "imported",
        None,
        None,
    )
    assert batch.details == {
        "file": "cards.csv",
        "source": "Beurs 2026",
        "imported": 3,
        "first": "L-0012",
        "last": "L-0014",
        "duplicates": 1,
        "rejected": 1,
    }


def test_a_batch_that_imports_nothing_still_describes_itself() -> None:
    plan = run([card(2, first_name="Nobody")])
    [batch] = plan.events
    assert batch.details == {
        "file": "cards.csv",
        "source": "Beurs 2026",
        "imported": 0,
        "rejected": 1,
    }


# --- lead documents are what `lead add` stores ---------------------------------------------------

texts = st.one_of(st.none(), st.text(max_size=12))
names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(
    str.strip
)
emails = st.one_of(st.none(), st.emails().filter(is_email))
amounts = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=10**9, places=2).map(str),
    st.integers(min_value=0, max_value=10**9).map(lambda n: f"{n:,}.5"),
)


@st.composite
def lead_fields(draw: st.DrawFn) -> dict[str, str | None]:
    fields: dict[str, str | None] = {name: draw(texts) for name in TEXT_FIELDS}
    fields["email"] = draw(emails)
    fields["estimated_value"] = draw(amounts)
    fields[draw(st.sampled_from(["last_name", "company"]))] = draw(names)
    return fields


@pytest.mark.slow
@settings(max_examples=200)
@given(lead_fields())
def test_a_lead_document_is_what_lead_add_would_store(fields: dict[str, str | None]) -> None:
    values = lead_values(fields, "row 2")
    doc = lead_document(values, number="L-0007", today=TODAY)
    assert Lead.model_validate(doc).stored() == doc
    added, _ = make_lead(fields, number="L-0007", today=TODAY, now=NOW)
    assert added.stored() == doc


@settings(max_examples=50)
@given(lead_fields())
def test_an_imported_row_is_what_lead_add_would_store_plus_its_batch(
    fields: dict[str, str | None],
) -> None:
    given_fields = {k: v for k, v in fields.items() if v is not None}
    assume(not any(v.startswith("'") for v in given_fields.values()))  # un-neutralised on import
    given_fields.setdefault("source", "Beurs 2026")
    plan = run([Row(2, given_fields)])
    added, _ = make_lead(given_fields, number="L-0001", today=TODAY, now=NOW)
    assert plan.new_docs == [{**added.stored(), "imported_in": "IMP-0004"}]


def test_a_lead_document_leaves_out_empty_fields_and_adds_links() -> None:
    doc = lead_document(
        {"company": "Hof Agro", "estimated_value": Decimal("0.00"), "email": None},
        number="L-0002",
        today=TODAY,
        imported_in="IMP-0001",
        account="",
    )
    assert doc == {
        "number": "L-0002",
        "company": "Hof Agro",
        "estimated_value": "0.00",
        "status": "open",
        "status_reason": "new",
        "created_on": "2026-11-27",
        "imported_in": "IMP-0001",
    }


# --- the summary line --------------------------------------------------------------------------


def outcome_plan(*kinds: str, imported: int = 0) -> ImportPlan:
    plan = ImportPlan(new_docs=[{"number": f"L-{n:04d}"} for n in range(1, imported + 1)])
    for row_no, status in enumerate(kinds, start=2):
        plan.outcomes.append(RowOutcome(row_no, status))
        if status == "rejected":
            plan.rejected.append((row_no, {}, "row: bad"))
    return plan


@pytest.mark.parametrize(
    ("plan", "rejects", "dry_run", "line"),
    [
        (outcome_plan(imported=41), None, False, "Imported 41 leads from cards.csv"),
        (outcome_plan(imported=1), None, False, "Imported 1 lead from cards.csv"),
        (outcome_plan(), None, False, "Imported 0 leads from cards.csv"),
        (
            outcome_plan("duplicate", "rejected", imported=41),
            "cards.rejects.csv",
            False,
            "Imported 41 leads from cards.csv: 1 duplicate skipped, 1 rejected "
            "(see cards.rejects.csv)",
        ),
        (
            outcome_plan("duplicate", "duplicate", "updated", "rejected", "rejected", imported=2),
            "out/rej.csv",
            False,
            "Imported 2 leads from cards.csv: 1 duplicate updated, 2 duplicates skipped, "
            "2 rejected (see out/rej.csv)",
        ),
        (
            outcome_plan("updated", "updated"),
            None,
            False,
            "Imported 0 leads from cards.csv: 2 duplicates updated",
        ),
        (
            outcome_plan("duplicate", "rejected", imported=4),
            None,
            True,
            "Would import 4 leads from cards.csv: 1 duplicate skipped, 1 rejected",
        ),
        (outcome_plan(imported=1), None, True, "Would import 1 lead from cards.csv"),
    ],
)
def test_the_summary_line(plan: ImportPlan, rejects: str | None, dry_run: bool, line: str) -> None:
    assert summary(plan, "cards.csv", rejects, dry_run=dry_run) == line


def test_update_never_appends_the_same_differing_value_twice() -> None:
    lead = existing(phone="030 123 4567", notes="Phone (import IMP-0004): 06 1111 2222")
    row = card(2, last_name="de Vries", email="sanne@acme.example", phone="06 1111 2222")
    plan = run([row], emails={"sanne@acme.example": "L-0003"}, leads=[lead], on_duplicate="update")
    assert plan.outcomes == [
        RowOutcome(
            2, "duplicate", "L-0003",
            "row 2: duplicate of L-0003 (same email sanne@acme.example); nothing new",
        )
    ]  # fmt: skip
    assert (plan.updated, plan.differed) == ([], 0)


def test_values_that_differ_only_in_case_and_spacing_are_the_same() -> None:
    lead = existing(phone="030 123 4567", city="Utrecht")
    row = card(
        2, last_name="DE  VRIES", email="sanne@acme.example", phone="030  123 4567", city="utrecht"
    )
    plan = run([row], emails={"sanne@acme.example": "L-0003"}, leads=[lead], on_duplicate="update")
    assert [o.status for o in plan.outcomes] == ["duplicate"]
    assert plan.differed == 0


# --- a lead stored without an email ------------------------------------------------------------


def test_a_row_with_an_email_duplicates_a_stored_lead_without_email_of_the_same_name() -> None:
    row = card(2, first_name="Sanne", last_name="de Vries", company="ACME Benelux", email="s@a.nl")
    plan = run([row], emails={}, names={})
    assert statuses(plan) == [(2, "imported", "L-0001")]  # nobody stored yet
    plan = plan_import(
        [row],
        known=Known({}, {}, unmailed={"sanne|de vries|acme benelux": "L-0003"}),
        load_lead=lambda number: existing(number, email=None),
        on_duplicate="skip",
        source="Beurs 2026",
        batch="IMP-0004",
        first_number=9,
        file_name="cards.csv",
        today=TODAY,
        now=NOW,
    )
    assert plan.outcomes == [
        RowOutcome(
            2, "duplicate", "L-0003",
            "row 2: duplicate of L-0003 (same name and company; L-0003 has no email)",
        )
    ]  # fmt: skip


def test_update_gives_a_lead_stored_without_email_the_rows_email() -> None:
    row = card(2, first_name="Sanne", last_name="de Vries", company="ACME Benelux", email="s@a.nl")
    again = card(3, last_name="Other", company="Elsewhere", email="S@A.NL")
    plan = plan_import(
        [row, again],
        known=Known({}, {}, unmailed={"sanne|de vries|acme benelux": "L-0003"}),
        load_lead=lambda number: existing(number, email=None),
        on_duplicate="update",
        source="Beurs 2026",
        batch="IMP-0004",
        first_number=9,
        file_name="cards.csv",
        today=TODAY,
        now=NOW,
    )
    assert statuses(plan) == [(2, "updated", "L-0003"), (3, "updated", "L-0003")]
    [updated] = plan.updated
    assert updated.email == "s@a.nl"


def test_a_later_row_with_an_email_duplicates_an_earlier_row_without_one() -> None:
    plan = run(
        [
            card(2, first_name="Jan", last_name="Smit", company="Smit BV"),
            card(3, first_name="Jan", last_name="Smit", company="Smit BV", email="jan@smit.nl"),
            card(4, first_name="Piet", last_name="Smit", company="Smit BV", email="piet@smit.nl"),
        ]
    )
    assert statuses(plan) == [
        (2, "imported", "L-0001"),
        (3, "duplicate", "L-0001"),
        (4, "imported", "L-0002"),
    ]


# --- every row has one outcome -----------------------------------------------------------------


def test_skipped_rows_are_outcomes_and_counted_in_the_summary() -> None:
    rows = [
        card(2, last_name="Smit"),
        Row(3, None, skip="blank"),
        Row(4, None, skip="only export details"),
        Row(6, None, skip="report footer"),
        Row(7, None, skip="report footer"),
    ]
    plan = run(rows)
    assert [(o.row_no, o.status, o.message) for o in plan.outcomes] == [
        (2, "imported", None),
        (3, "skipped", "row 3: skipped (blank)"),
        (4, "skipped", "row 4: skipped (only export details)"),
        (6, "skipped", "row 6: skipped (report footer)"),
        (7, "skipped", "row 7: skipped (report footer)"),
    ]
    assert summary(plan, "cards.csv", None, dry_run=False) == (
        "Imported 1 lead from cards.csv: 1 blank row skipped, 1 row skipped (only export "
        "details), a report footer skipped (2 lines)"
    )
