"""`PreparedArticle`s as Arrow tables and back, driven by the dataclass's own fields.

Each field is a column: a nested dataclass (the `Article`, the `DocDate`) a struct of its fields,
a numpy array its raw bytes (its dtype kept in the schema's metadata), a tuple a list, anything else
as Arrow infers it. A field added to `PreparedArticle` therefore becomes a column with no change here,
and reading rebuilds each value from the field's type hint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa

from newsbrief.stream.prepare import PreparedArticle

DTYPES_KEY = b"newsbrief.dtypes"
"""Schema metadata: JSON {column: numpy dtype} of the array columns."""


def _plain(value: Any) -> Any:
    """A value Arrow can hold: dataclasses as dicts, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def to_table(prepared: Sequence[PreparedArticle]) -> pa.Table:
    """The articles as a table, one row each, one column per field of `PreparedArticle`."""
    columns: dict[str, pa.Array] = {}
    dtypes: dict[str, str] = {}
    for f in dataclasses.fields(PreparedArticle):
        values = [getattr(p, f.name) for p in prepared]
        if _hint(PreparedArticle, f.name) is np.ndarray:
            dtype = next((v.dtype for v in values), np.dtype("float64"))
            dtypes[f.name] = np.dtype(dtype).str
            columns[f.name] = pa.array(
                [np.ascontiguousarray(v, dtype=dtype).tobytes() for v in values], pa.binary()
            )
        else:
            columns[f.name] = pa.array([_plain(v) for v in values])
    table = pa.table(columns)
    return table.replace_schema_metadata({DTYPES_KEY: json.dumps(dtypes).encode("utf-8")})


def from_table(table: pa.Table) -> list[PreparedArticle]:
    """The articles of a table made by `to_table`, equal field by field to those written."""
    dtypes = json.loads((table.schema.metadata or {}).get(DTYPES_KEY, b"{}"))
    columns: dict[str, list[Any]] = {}
    for f in dataclasses.fields(PreparedArticle):
        if f.name not in table.column_names:
            continue
        raw = table.column(f.name).to_pylist()
        if f.name in dtypes:
            dtype = np.dtype(dtypes[f.name])
            columns[f.name] = [np.frombuffer(v, dtype=dtype).copy() for v in raw]
        else:
            convert = _converter(_hint(PreparedArticle, f.name))
            columns[f.name] = raw if convert is _same else [convert(v) for v in raw]
    return [
        PreparedArticle(**{name: values[i] for name, values in columns.items()})
        for i in range(table.num_rows)
    ]


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _hint(cls: type, name: str) -> Any:
    return _hints(cls)[name]


@cache
def _converter(hint: Any) -> Callable[[Any], Any]:
    """A function making a value of type ``hint`` from its plain form (`_plain`), built once per type."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [h for h in typing.get_args(hint) if h is not type(None)]
        inner = _converter(options[0]) if len(options) == 1 else _same
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        args = typing.get_args(hint)
        item = _converter(args[0]) if args else _same
        if item is _same:
            return tuple
        return lambda value: tuple(map(item, value))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fields = [(f.name, _converter(_hint(hint, f.name))) for f in dataclasses.fields(hint)]
        return lambda value: (
            None if value is None else hint(**{n: convert(value[n]) for n, convert in fields})
        )
    if hint is dt.date:
        return lambda value: value.date() if isinstance(value, dt.datetime) else value
    return _same


def _same(value: Any) -> Any:
    return value
