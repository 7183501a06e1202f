"""Stored results (results.models): each unit's explained tree kept as compact JSON text, read back
as the very data the engine's codec wrote."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import serializers
from django.db import DatabaseError, connection, transaction
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services as assess_services
from kaoping.assessments.selectors import scheme_for
from kaoping.engine import codec
from kaoping.results import compute
from kaoping.results.models import StoredUnitResult


@pytest.fixture
def stored(open_campaign: Any, unit_a: Any, reporter_a: Any) -> StoredUnitResult:
    fill_unit(unit_a, reporter_a)
    assess_services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme_for(open_campaign))
    compute.recompute(open_campaign)
    return StoredUnitResult.objects.get(unit=unit_a)


def _raw_column(row: StoredUnitResult, column: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {StoredUnitResult._meta.db_table} WHERE id = %s", [row.pk])
        return cursor.fetchone()[0]


def test_a_stored_tree_reads_back_as_the_codecs_data_and_is_kept_as_compact_text(
    stored: StoredUnitResult, unit_a: Any
) -> None:
    result = compute.recompute(stored.campaign).result.unit(str(unit_a.pk))
    assert stored.data == codec.encode_unit(result)
    assert codec.decode_unit(stored.data) == result
    text = _raw_column(stored, "data")
    assert isinstance(text, str) and text.startswith('[1,"') and ", " not in text[:40]
    assert "自评" in text  # Chinese as itself, not \\u escapes
    assert stored.head is not None and _raw_column(stored, "head").startswith("[1,")


def test_a_stored_row_serializes_its_tree_as_json_and_deserializes_to_the_same_data(
    stored: StoredUnitResult,
) -> None:
    text = serializers.serialize("json", [stored])
    (copy,) = serializers.deserialize("json", text)
    assert copy.object.data == stored.data and copy.object.head == stored.head


def _server_has_lz4() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE kaoping_lz4_probe (t text COMPRESSION lz4)")
            transaction.set_rollback(True)
    except DatabaseError:
        return False
    return True


@pytest.mark.django_db
def test_on_postgresql_the_trees_are_text_columns_compressed_with_lz4_where_the_server_has_it() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's column types and compression")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname IN ('data', 'head') ORDER BY attname",
            [StoredUnitResult._meta.db_table],
        )
        columns = cursor.fetchall()
    expected = "l" if _server_has_lz4() else ""
    assert columns == [("data", "text", expected), ("head", "text", expected)]
