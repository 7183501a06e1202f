"""Files ⇄ engine objects, without Django: the scheme file (YAML/JSON + JSON Schema) and the
Excel 量化考核表. See docs/scheme-format.md."""

from kaoping.formats.problems import Problem, SchemeError

__all__ = ["Problem", "SchemeError"]
