"""The EPC QR code ("GiroCode") payload: a SEPA credit transfer a banking app can scan.

Layout of EPC069-12 version 002, one element per line (LF), in this order:

    BCD                 service tag
    002                 version (BIC optional inside the EEA)
    1                   character set: UTF-8
    SCT                 SEPA credit transfer
    <BIC>               8 or 11 characters, or empty
    <name>              the beneficiary, at most 70 characters
    <IBAN>              without spaces
    EUR<amount>         0.01 to 999999999.99, a dot and at most two decimals
    <purpose>           empty
    <reference>         a structured (RF) creditor reference, or empty
    <text>              unstructured remittance text, at most 140 characters

Either the reference or the text is given, not both; trailing empty elements are left out, and
the whole payload is at most 331 bytes. Pure: the QR image itself is made when a PDF is.
"""

from __future__ import annotations

import re
from decimal import Decimal

from salesflow.errors import InvalidValue
from salesflow.pipeline.money import cents

MAX_AMOUNT = Decimal("999999999.99")
MAX_BYTES = 331
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_RF = re.compile(r"^RF[0-9]{2}[A-Z0-9]{1,21}$")


def compact(text: str) -> str:
    """An IBAN or BIC as a machine reads it: no spaces, upper case."""
    return "".join(text.split()).upper()


def is_valid_iban(iban: str) -> bool:
    """ISO 13616: two letters, two check digits, and the mod-97 check over the whole."""
    code = compact(iban)
    if not _IBAN.match(code):
        return False
    digits = "".join(str(int(ch, 36)) for ch in code[4:] + code[:4])
    return int(digits) % 97 == 1


def _mod97(text: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in text)) % 97


def epc_payload(
    *,
    name: str,
    iban: str,
    amount: Decimal,
    bic: str | None = None,
    reference: str | None = None,
    text: str | None = None,
    currency: str = "EUR",
) -> str:
    """The payload text of an EPC QR code paying `amount` euros to `name`'s `iban`.

    A `reference` of the RF form (ISO 11649) goes in the structured field; any other reference
    (an invoice number) goes in the text. Raises InvalidValue naming the element that breaks
    the EPC069-12 rules.
    """
    if currency != "EUR":
        raise InvalidValue(f"EPC QR code: currency {currency} is not EUR; the code pays euros only")
    beneficiary = " ".join(name.split())
    if not beneficiary:
        raise InvalidValue("EPC QR code: the beneficiary name is empty; set `company`")
    if len(beneficiary) > 70:
        raise InvalidValue(f"EPC QR code: name {beneficiary!r} is longer than 70 characters")
    account = compact(iban)
    if not is_valid_iban(account):
        raise InvalidValue(f"EPC QR code: IBAN {iban!r} is not a valid IBAN")
    bank = compact(bic) if bic else ""
    if bank and not _BIC.match(bank):
        raise InvalidValue(f"EPC QR code: BIC {bic!r} is not 8 or 11 letters and digits")
    value = cents(amount)
    if not Decimal("0.01") <= value <= MAX_AMOUNT:
        raise InvalidValue(
            f"EPC QR code: amount {value} is outside 0.01 to {MAX_AMOUNT}; the code cannot carry it"
        )
    structured = ""
    remittance = " ".join((text or "").split())
    if reference:
        ref = compact(reference)
        if _RF.match(ref) and _mod97(ref[4:] + ref[:4]) == 1:
            structured = ref
        else:
            remittance = " ".join(filter(None, (reference.strip(), remittance)))
    if len(remittance) > 140:
        raise InvalidValue(f"EPC QR code: text {remittance!r} is longer than 140 characters")
    elements = ["BCD", "002", "1", "SCT", bank, beneficiary, account, f"EUR{value}", ""]
    elements += [structured, remittance]
    while elements[-1] == "":
        elements.pop()
    payload = "\n".join(elements)
    if len(payload.encode("utf-8")) > MAX_BYTES:
        raise InvalidValue(f"EPC QR code: the payload is longer than {MAX_BYTES} bytes")
    return payload
