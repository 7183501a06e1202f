"""Rows of a table as JSON lines, losslessly, and back into the database with plain SQL.

``dumpdata`` cuts datetimes to milliseconds (DjangoJSONEncoder), which breaks every audit hash that
covers a time. Here each value is written by its field's type: datetimes as full ISO 8601 with
microseconds and offset, Decimals as their exact string, JSON as is, bytes as base64. Rows go back
through ``INSERT`` with each field's own ``get_db_prep_save`` — never ``Model.save``/``bulk_create``,
whose ``auto_now`` fields would stamp the restore time and whose signals would write new rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import DEFAULT_DB_ALIAS, connections, models

from kaoping.backup.container import BackupError

BATCH = 1000


def columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields]


def encode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind in ("DateTimeField", "DateField", "TimeField"):
        return value.isoformat()
    if kind == "DecimalField":
        return str(value)
    if kind == "DurationField":
        return [value.days, value.seconds, value.microseconds]
    if kind == "BinaryField":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "UUIDField":
        return str(value)
    return value


def decode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return dt.datetime.fromisoformat(value)
    if kind == "DateField":
        return dt.date.fromisoformat(value)
    if kind == "TimeField":
        return dt.time.fromisoformat(value)
    if kind == "DecimalField":
        return Decimal(value)
    if kind == "DurationField":
        return dt.timedelta(days=value[0], seconds=value[1], microseconds=value[2])
    if kind == "BinaryField":
        return base64.b64decode(value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    return value


def dump_rows(queryset: models.QuerySet[Any], out: IO[str]) -> int:
    """Write the rows of ``queryset`` (ordered by primary key) as JSON lines; return the count."""
    fields = columns(queryset.model)
    count = 0
    rows = queryset.order_by("pk").values_list(*[f.attname for f in fields]).iterator(chunk_size=2000)
    for row in rows:
        encoded = [encode(f, v) for f, v in zip(fields, row, strict=True)]
        out.write(json.dumps(encoded, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count


def read_rows(path: Path, model: type[models.Model], names: list[str]) -> Iterator[dict[str, Any]]:
    """Decoded rows of a member written by ``dump_rows``, as {attname: value}."""
    by_name = {f.attname: f for f in columns(model)}
    fields = [by_name[name] for name in names]
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                values = json.loads(line)
                yield {f.attname: decode(f, v) for f, v in zip(fields, values, strict=True)}
            except (ValueError, TypeError, IndexError) as error:
                raise BackupError(f"{path.name} 第 {number} 行无法读取({type(error).__name__})") from None


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """INSERT rows as they are (primary keys included), in batches; return the count."""
    fields = columns(model)
    db = connections[DEFAULT_DB_ALIAS]  # the object itself: the `connection` proxy costs a lookup per value
    quote = db.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    count = 0
    batch: list[list[Any]] = []
    with db.cursor() as cursor:
        for row in rows:
            batch.append([f.get_db_prep_save(row.get(f.attname), db) for f in fields])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
