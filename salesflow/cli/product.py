"""`salesflow product ...`: the catalog of things you sell, keyed by SKU."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import common
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, list_options

if TYPE_CHECKING:
    from salesflow.models import Product

app = AppTyper(help="Products: the catalog, keyed by the SKU you choose.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Sku = Annotated[str, typer.Argument(help="The product's SKU, e.g. CONSULT-DAY.")]
KnownSku = Annotated[
    str,
    typer.Argument(
        help="The product's SKU, e.g. CONSULT-DAY.", autocompletion=common.complete_products
    ),
]
Name = Annotated[str | None, typer.Option("--name", help="Name printed on lines.")]
Price = Annotated[str | None, typer.Option("--price", help="Unit price (≥ 0).")]
TaxRate = Annotated[
    str | None, typer.Option("--tax-rate", help="Tax percentage 0–100 (21 means 21 %).")
]
Unit = Annotated[str | None, typer.Option("--unit", help="Unit: day, piece, licence, ...")]
Description = Annotated[str | None, typer.Option("--description", help="Longer text.")]


def _show(product: Product, json: bool) -> None:
    from salesflow.pipeline.money import format_price

    if json:
        common.print_json(common.dump(product))
        return
    common.print_fields(
        [
            ("SKU", product.sku),
            ("Name", product.name),
            ("Price", format_price(product.price)),
            ("Tax rate", f"{product.tax_rate.normalize():f}%"),
            ("Unit", product.unit),
            ("Description", product.description),
        ]
    )


@app.command("add")
def add(
    sku: Sku,
    name: Annotated[
        str, typer.Option("--name", "-n", help="Name printed on lines.", show_default=False)
    ],
    price: Annotated[
        str, typer.Option("--price", "-p", help="Unit price (≥ 0).", show_default=False)
    ],
    tax_rate: TaxRate = None,
    unit: Unit = None,
    description: Description = None,
    json: Json = False,
) -> None:
    """Add a product to the catalog; the tax rate defaults to `init --tax-rate`. Prints the SKU.

    Example: salesflow product add CONSULT-DAY --name "Consulting day" --price 950 --tax-rate 21
    """
    from salesflow.services import products

    with common.writing() as uow:
        product = products.add_product(
            uow,
            sku,
            name=name,
            price=price,
            tax_rate=tax_rate,
            unit=unit,
            description=description,
            today=common.today(),
            now=common.now(),
        )
    if json:
        _show(product, json)
    else:
        common.print_created(product.sku)


@app.command("edit")
def edit(
    sku: Sku,
    name: Name = None,
    price: Price = None,
    tax_rate: TaxRate = None,
    unit: Unit = None,
    description: Description = None,
    json: Json = False,
) -> None:
    """Change a product; lines already on opportunities and quotes keep their prices.

    Example: salesflow product edit CONSULT-DAY --price 990
    """
    from salesflow.services import products

    with common.writing() as uow:
        product = products.edit_product(
            uow,
            sku,
            name=name,
            price=price,
            tax_rate=tax_rate,
            unit=unit,
            description=description,
            now=common.now(),
        )
    _show(product, json)


@app.command("list")
@list_options
def list_(
    status: common.StatusOpt = None,
    source: common.SourceOpt = None,
    account: common.AccountOpt = None,
    since: common.SinceOpt = None,
    until: common.UntilOpt = None,
    search: common.SearchOpt = None,
    sort: common.SortOpt = None,
    *,
    output: ListOutput,
) -> None:
    """List the catalog.

    Example: salesflow product list --search consult --sort -price --json | jq -r '.[].sku'
    """
    from salesflow.cli.account import _listed
    from salesflow.models import Product
    from salesflow.pipeline.money import format_price

    products, _ = _listed(Product, "PRODUCTS", locals())
    output.emit(
        products,
        empty="No products.",
        columns=["SKU", "Name", "Price", "Tax %", "Unit"],
        row=lambda p: [p.sku, p.name, format_price(p.price), f"{p.tax_rate.normalize():f}", p.unit],
        numeric=["Price", "Tax %"],
    )


@app.command("show")
def show(sku: KnownSku, json: Json = False) -> None:
    """Show one product.

    Example: salesflow product show CONSULT-DAY
    """
    from salesflow.services import products

    with common.reading() as uow:
        product = products.show_product(uow, sku)
    _show(product, json)
