"""Bulk lead import, the pure half: bytes in, mapped rows out.

The shell reads the file and passes its bytes to `read_table`; `map_columns` decides once per
file what each column becomes (`describe_mapping` shows it); `map_rows` turns every row into lead
fields or an error naming row, column, value and rule. `import_rows` hands a file whose columns
each feed one lead field to `plan_import` as cells instead (a CellTable), with the rules
`map_rows` would apply, which is much faster for large files. Nothing here touches files, the
clock, the store or the console.
"""

from salesflow.importer.columns import (
    ColumnMap,
    ColumnRule,
    describe_mapping,
    map_columns,
    parse_map_options,
    source_in_notes,
    unique_labels,
)
from salesflow.importer.formats import read_any
from salesflow.importer.headers import LEAD_FIELDS, normalise_header
from salesflow.importer.hints import look_alikes
from salesflow.importer.mapping import CellTable, MappedRow, import_rows, map_rows
from salesflow.importer.profile import TARGETS, Profile, SkipRule, parse_profile
from salesflow.importer.reading import (
    DELIMITERS,
    RawRow,
    RawTable,
    RowProblem,
    decode,
    encoding_note,
    normalise_delimiter,
    read_table,
)
from salesflow.importer.values import (
    amount_text,
    format_amount,
    is_email,
    neutralise_cell,
    parse_import_amount,
    split_full_name,
)

__all__ = [
    "DELIMITERS",
    "LEAD_FIELDS",
    "TARGETS",
    "CellTable",
    "ColumnMap",
    "ColumnRule",
    "MappedRow",
    "Profile",
    "RawRow",
    "RawTable",
    "RowProblem",
    "SkipRule",
    "amount_text",
    "decode",
    "describe_mapping",
    "encoding_note",
    "format_amount",
    "import_rows",
    "is_email",
    "look_alikes",
    "map_columns",
    "map_rows",
    "neutralise_cell",
    "normalise_delimiter",
    "normalise_header",
    "parse_import_amount",
    "parse_map_options",
    "parse_profile",
    "read_any",
    "read_table",
    "source_in_notes",
    "split_full_name",
    "unique_labels",
]
