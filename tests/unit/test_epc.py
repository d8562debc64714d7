"""The EPC QR ("GiroCode") payload, against the EPC069-12 layout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue
from salesflow.pipeline.epc import epc_payload, is_valid_iban

IBAN = "NL91ABNA0417164300"


def test_the_payload_has_the_epc069_12_elements_in_order() -> None:
    payload = epc_payload(
        name="Acme Tools BV",
        iban="NL91 ABNA 0417 1643 00",
        bic="abnanl2a",
        amount=Decimal("1234.5"),
        reference="INV-2026-0001",
    )

    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "ABNANL2A",
        "Acme Tools BV",
        IBAN,
        "EUR1234.50",
        "",
        "",
        "INV-2026-0001",
    ]


def test_an_rf_creditor_reference_goes_in_the_structured_field() -> None:
    payload = epc_payload(
        name="Acme", iban=IBAN, amount=Decimal(10), reference="RF18 5390 0754 7034"
    )

    assert payload.split("\n")[8:] == ["", "RF18539007547034"]


def test_without_a_bic_the_bic_line_is_empty_and_trailing_empty_lines_are_left_out() -> None:
    payload = epc_payload(name="Acme", iban=IBAN, amount=Decimal("0.01"))

    assert payload == f"BCD\n002\n1\nSCT\n\nAcme\n{IBAN}\nEUR0.01"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"iban": "NL92ABNA0417164300"},
            "EPC QR code: IBAN 'NL92ABNA0417164300' is not a valid IBAN",
        ),
        ({"bic": "ABN"}, "EPC QR code: BIC 'ABN' is not 8 or 11 letters and digits"),
        (
            {"amount": Decimal(0)},
            "EPC QR code: amount 0.00 is outside 0.01 to 999999999.99; the code cannot carry it",
        ),
        ({"name": "x" * 71}, f"EPC QR code: name {'x' * 71!r} is longer than 70 characters"),
        ({"currency": "USD"}, "EPC QR code: currency USD is not EUR; the code pays euros only"),
    ],
)
def test_values_outside_the_layout_are_refused(fields: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"name": "Acme", "iban": IBAN, "amount": Decimal(1)}
    arguments.update(fields)

    with pytest.raises(InvalidValue) as raised:
        epc_payload(**arguments)  # type: ignore[arg-type]

    assert str(raised.value) == message


def test_the_iban_check_digits_are_verified() -> None:
    assert is_valid_iban("DE89 3704 0044 0532 0130 00")
    assert not is_valid_iban("DE88370400440532013000")


@given(
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2),
    name=st.text(
        alphabet=st.characters(categories=("L", "N", "Zs"), max_codepoint=0xFFFF),
        min_size=1,
        max_size=70,
    ).filter(str.strip),
)
def test_any_amount_and_name_give_a_payload_within_331_bytes_with_the_amount_to_the_cent(
    amount: Decimal, name: str
) -> None:
    payload = epc_payload(name=name, iban=IBAN, amount=amount, reference="INV-2026-0001")

    lines = payload.split("\n")
    assert len(payload.encode("utf-8")) <= 331
    assert lines[7] == f"EUR{amount:.2f}"
    assert Decimal(lines[7][3:]) == amount
