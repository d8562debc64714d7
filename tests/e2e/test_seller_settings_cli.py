"""The seller's document settings: `init` and `config set` take them, `config show` lists them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_init_sets_the_document_settings_and_echoes_each_one(cli: Cli, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)

    result = cli.ok(
        "init",
        "--bic",
        "ABNANL2A",
        "--coc",
        "12345678",
        "--country",
        "nl",
        "--website",
        "https://acme.example",
        "--logo",
        str(logo),
        "--footer",
        "Acme Tools BV · Keizersgracht 1",
        "--terms",
        "Delivery within 14 days.",
        "--language",
        "NL",
    )

    assert result.stdout == ""
    for line in (
        "bic = ABNANL2A",
        "coc = 12345678",
        "country = NL",
        "website = https://acme.example",
        f"logo = {logo.resolve()}",
        "footer = Acme Tools BV · Keizersgracht 1",
        "terms = Delivery within 14 days.",
        "language = nl",
    ):
        assert line in result.stderr.splitlines(), line
    shown = cli.json("config", "show")
    assert shown["bic"] == "ABNANL2A"
    assert shown["logo"] == str(logo.resolve())
    assert shown["language"] == "nl"


def test_config_show_lists_every_setting_with_defaults_marked(cli: Cli) -> None:
    cli.ok("init", "--company", "Acme Tools BV")

    lines = cli.ok("config", "show").stdout.splitlines()

    names = [line.split()[0] for line in lines if line.strip()]
    for name in ("company", "iban", "bic", "coc", "logo", "website", "footer", "terms"):
        assert name in names, name
    assert any(line.split() == ["language", "en", "(default)"] for line in lines)


def test_terms_can_come_from_a_file(cli: Cli, tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("1. Prices exclude VAT.\n2. Payment within 14 days.\n", encoding="utf-8")

    cli.ok("config", "set", "terms", f"@{terms}")

    assert cli.json("config", "get", "terms") == {
        "terms": "1. Prices exclude VAT.\n2. Payment within 14 days."
    }


def test_a_logo_that_is_no_image_is_refused_and_nothing_is_written(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("init", "--company", "Acme Tools BV")
    before = cli.db.read_bytes()
    fake = tmp_path / "logo.png"
    fake.write_text("not an image", encoding="utf-8")

    result = cli("config", "set", "logo", str(fake))

    assert result.exit_code == 1
    assert result.stderr == f"Error: logo {str(fake)!r} is not a PNG or JPEG image\n"
    assert cli.db.read_bytes() == before


def test_a_missing_logo_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.png"

    result = cli("init", "--logo", str(missing))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: logo {str(missing)!r} cannot be read (No such file or directory)\n"
    )
    assert not cli.db.exists()


def test_an_unknown_document_language_is_refused(cli: Cli) -> None:
    result = cli("config", "set", "language", "es")

    assert result.exit_code == 1
    assert result.stderr == "Error: language 'es' is not one of: nl, en, de, fr\n"


def test_a_seller_country_must_be_an_iso_code(cli: Cli) -> None:
    result = cli("init", "--country", "Netherlands")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: seller: country 'Netherlands' is not an ISO 3166 two-letter code; "
        "Netherlands is NL\n"
    )


def test_init_json_prints_the_settings(cli: Cli) -> None:
    settings = json.loads(cli.ok("init", "--coc", "12345678", "--json").stdout)

    assert settings["coc"] == "12345678"
