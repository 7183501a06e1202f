from __future__ import annotations

from kaoping.publication.digest import digest, normalize, spaced

UNITS = [("school", 1, "东湖第一中学", [1, "u1", "东湖第一中学", "school", "9.50"])]


def test_the_digest_is_the_same_for_the_same_content_and_changes_with_any_number() -> None:
    first = digest("2026年度考核", "市教育局", 1, UNITS)
    assert first == digest("2026年度考核", "市教育局", 1, [list(u) for u in UNITS])
    assert len(first) == 64
    changed = [("school", 1, "东湖第一中学", [1, "u1", "东湖第一中学", "school", "9.5"])]
    assert digest("2026年度考核", "市教育局", 1, changed) != first  # "9.5" is not the printed "9.50"
    assert digest("2026年度考核", "市教育局", 2, UNITS) != first


def test_a_digest_typed_from_paper_is_read_with_spaces_dashes_case_and_full_width_ignored() -> None:
    full = "ab" * 32
    assert normalize(spaced(full).upper()) == full
    assert normalize("ＡＢ" * 32) == full
    assert normalize("ab-ab ab\tab" + "ab" * 28) == full
