"""Every record type is registered once and consistently: the registry, the models and what
derives from them agree."""

from __future__ import annotations

import typing

import pytest

from salesflow import registry
from salesflow.models import RECORD_TYPES, Quote, Record, linked, model_of_series
from salesflow.registry import RecordType

TYPES = list(zip(registry.TYPES, RECORD_TYPES, strict=True))


def test_the_models_and_the_registry_list_the_same_types_in_the_same_order() -> None:
    assert [model.record_type for model in RECORD_TYPES] == list(registry.TYPES)
    assert {model.table for model in RECORD_TYPES} == set(registry.BY_TABLE)


@pytest.mark.parametrize(("kind", "model"), TYPES, ids=[k.table for k in registry.TYPES])
def test_a_model_takes_its_table_and_prefix_from_its_entry(
    kind: RecordType, model: type[Record]
) -> None:
    assert (model.table, model.prefix) == (kind.table, kind.prefix)


def test_tables_prefixes_and_nouns_are_unique() -> None:
    for name in ("table", "noun", "plural", "message_name"):
        values = [getattr(kind, name) for kind in registry.TYPES]
        assert len(values) == len(set(values)), name
    prefixes = [kind.prefix for kind in registry.TYPES if kind.prefix]
    assert len(prefixes) == len(set(prefixes))


def test_no_prefix_is_the_start_of_another_types_series() -> None:
    """`CN-2026` must not be read as a `C...` series: each series names one type."""
    for kind in registry.TYPES:
        if kind.prefix:
            series = f"{kind.prefix}-2026" if kind.yearly else kind.prefix
            assert registry.of_series(series) is kind
            assert model_of_series(series) is not None
            assert model_of_series(series).record_type is kind  # type: ignore[union-attr]


def test_only_a_type_without_a_prefix_is_keyed_by_something_else_than_its_number() -> None:
    for kind, model in TYPES:
        assert kind.key in model.model_fields
        assert (kind.key == "number") == bool(kind.prefix)


@pytest.mark.parametrize(("kind", "model"), TYPES, ids=[k.table for k in registry.TYPES])
def test_every_link_is_a_text_field_naming_a_registered_type(
    kind: RecordType, model: type[Record]
) -> None:
    fields = [link.field for link in kind.links]
    assert len(fields) == len(set(fields))
    for link, target in linked(model):
        annotation = model.model_fields[link.field].annotation
        assert str in typing.get_args(annotation) or annotation is str, link.field
        if link.target is None:
            assert target is None and not link.checked
        else:
            assert target is not None and target.table == link.target


def test_a_stored_key_is_the_key_of_the_built_record() -> None:
    stored = {
        "number": "QUO-0001",
        "opportunity": "OPP-0001",
        "created_on": "2026-01-01",
        "valid_until": "2026-02-01",
    }
    quote = Quote.model_validate({**stored, "revision": 2})
    assert Quote.record_type.stored_key(stored) == "QUO-0001#1"
    assert Quote.record_type.stored_key(quote.stored()) == quote.key == "QUO-0001#2"


def test_the_registry_module_loads_without_the_models() -> None:
    """Help and tab completion name the types (export's list) without importing pydantic."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(registry.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not any(name and name.startswith(("salesflow", "pydantic")) for name in imported)
