"""Hypothesis strategies for hostile request data, and encoders that can put anything on the wire.

A value is ``str`` (sent as UTF-8, lone surrogates as the invalid bytes a broken client would send),
``bytes`` (sent percent-quoted, so any byte sequence arrives) or ``Raw`` (inserted into the body as
it is: invalid percent escapes, a half multipart part).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st


class Raw(bytes):
    """Bytes put into a request body verbatim (not quoted)."""


Value = str | bytes

XSS_MARKER = "<kp-fuzz-xss>"  # must never come back unescaped in an HTML page
HUGE = 10**30
ONE_MB = "x" * (1024 * 1024)

NUMBERS: tuple[str, ...] = (
    "0", "-0", "-1", "1", "3", "2.5", "-2.5", "+1", ".5", "3.", "1,5", "1 5", "1e3", "1E-3", "0x1F", "1_0", "0.1e1",
    str(HUGE), f"-{HUGE}", str(2**31), str(2**63 - 1), str(2**63), str(2**64), str(-(2**63) - 1), "9" * 5000,
    "1e309", "-1e309", "1e-400", "1" + "0" * 400 + ".5", "0." + "0" * 300 + "1",
    "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "-inf", "INF", "∞",
)  # fmt: skip
FOREIGN_DIGITS: tuple[str, ...] = (
    "²", "³", "¹", "½", "⅓", "１２", "１２．５", "－１", "٣", "٣٫٥", "۴", "߂", "௫", "๓", "一", "十二", "Ⅻ", "𝟙",
    "①", "⁹⁹",
)  # fmt: skip
CONTROL: tuple[str, ...] = (
    "", " ", "\t", "\x00", "a\x00b", "1\x00", "\u202e", "\u202egnp.exe", "\u200b", "\ufeff", "\r\n", "a\r\nb", "\n\n",
    "\r", "\x1b[31m", "\x7f", "\ufffd", "\U0010ffff", "😀" * 50, "字" * 300, "e\u0301" * 50,
)  # fmt: skip
INJECTION: tuple[str, ...] = (
    "' OR '1'='1", "1; DROP TABLE orgs_user;--", "1' UNION SELECT password FROM orgs_user--",
    '" onmouseover=alert(1) x="',
    f"{XSS_MARKER}alert(1)</kp-fuzz-xss>", "<script>alert(1)</script>", "javascript:alert(1)", "{{ 7*7 }}",
    "{% debug %}", "%s%s%n", "%(x)s", "${jndi:ldap://x/a}", "../../../../etc/passwd", "..\\..\\boot.ini", "/dev/zero",
    "=cmd|' /C calc'!A0", "@SUM(1+1)", "true", "false", "null", "None", "[]", "{}", "on", "yes", "__proto__",
)  # fmt: skip
DATES: tuple[str, ...] = (
    "2024-05-01", "2024-02-30", "2024-13-01", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01",
    "2024-05-01T25:61", "2024-05-01T08:00", "2024-05-01 08:00", "-2024-01-01", "2024-05-01\x00", "٢٠٢٤-٠٥-٠١",
    "1970-01-01T00:00:00Z", "2024-05-01T08:00+99:00", "today",
)  # fmt: skip
LONG: tuple[str, ...] = (ONE_MB, "a" * 1025, "9" * 100_000)
SURROGATES: tuple[str, ...] = ("\ud800", "a\udfffb", "\udc80\ud800")

SPECIALS: tuple[str, ...] = (*NUMBERS, *FOREIGN_DIGITS, *CONTROL, *INJECTION, *DATES, *SURROGATES)

# What a broken or hostile client may send as raw bytes (percent-quoted or verbatim)
RAW_BYTES: tuple[bytes, ...] = (b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\x80", b"\xe4\xb8", b"a\x00b")
RAW_VERBATIM: tuple[Raw, ...] = (Raw(b"%zz"), Raw(b"%"), Raw(b"%u4e2d"), Raw(b"a=b=c"), Raw(b"&&&"), Raw(b"%00"))


# The sweep: every field of every endpoint gets each of these once, the other fields plausible. They are
# the classes issue 10 names (superscript/full-width/Arabic-Indic digits, 10**30, NaN/Infinity, empty and
# 1 MB strings, NUL, a lone surrogate, RTL override, CR/LF, SQL/HTML) and the few that broke parsers before.
CORE: tuple[Value, ...] = (
    "", " ", "-1", str(HUGE), f"-{HUGE}", "9" * 5000, "1e309", "NaN", "Infinity", "-Infinity", "²", "１２", "٣",
    "2.5.1", "2024-02-30", ONE_MB, "a\x00b", "\ud800", "\u202egnp.exe", "a\r\nb", "' OR '1'='1'--",
    f"{XSS_MARKER}x</kp-fuzz-xss>", b"\xff\xfe", Raw(b"%zz"),
)  # fmt: skip
CORE_INT_PARAMS: tuple[Any, ...] = (0, HUGE, 2**63, 10**400, "9" * 5000)
JSON_CORE: tuple[Any, ...] = (
    None, True, -1, HUGE, -HUGE, 2**63, 1.5, float("nan"), float("inf"), "", "²", "١", "\ud800", "a\x00b", ONE_MB,
    [], {}, [1], {"a": 1},
)  # fmt: skip


def texts() -> st.SearchStrategy[str]:
    """Text of every category, lone surrogates included (they are what a broken client sends)."""
    return st.text(st.characters(codec=None, exclude_categories=()), max_size=40)


def hostile_values() -> st.SearchStrategy[Value]:
    """Each class of hostile value about equally likely (a flat list would make "²" one draw in 5,000)."""
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from(FOREIGN_DIGITS),
        st.sampled_from(CONTROL),
        st.sampled_from(INJECTION),
        st.sampled_from(DATES),
        st.sampled_from(SURROGATES),
        st.sampled_from(LONG),
        st.integers().map(str),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        texts(),
        st.sampled_from(RAW_BYTES),
        st.sampled_from(RAW_VERBATIM),
        st.binary(max_size=16),
    )


def field_value(plausible: Sequence[str]) -> st.SearchStrategy[Value]:
    """A value for one form field: often plausible (so validation is passed and deeper code runs)."""
    if not plausible:
        return hostile_values()
    return st.one_of(st.sampled_from(list(plausible)), hostile_values(), st.sampled_from(list(plausible)))


# ---- files -----------------------------------------------------------------------------------------------

CORE_FILES: tuple[tuple[str, bytes], ...] = (
    ("a" * 1024 + ".pdf", b"%PDF-1.4\n%%EOF\n"), ("empty.pdf", b""), ("x\x00.pdf", b"%PDF-1.4\n"),
    ("\u202efdp.exe", b"MZ\x90\x00"), ("../../x.yaml", b"a: &a [1]\nb: *a\n"), ("x.xlsx", b"PK\x03\x04"),
    ("\ud800.csv", b"unit,component,raw,raw_max\nnc-dh-1,work,NaN,1e309\n"), ("", b"\x00"),
)  # fmt: skip
FILE_NAMES: tuple[str, ...] = (
    "a" * 1024 + ".pdf", "字" * 400 + ".pdf", "", ".", "..", "../../etc/passwd", "..\\..\\x.pdf", "x\x00.pdf",
    "x.pdf\x00.exe", "\u202efdp.exe", "CON", "nul.pdf", 'x".pdf', "x';--.pdf", "a\r\nContent-Type: text/html.pdf",
    "x.PDF", "x.", "x", "setup.msi", "run.hta", "x.bat", "invoice.lnk", "x.yaml", "x.yml", "x.json", "x.xlsx",
    "x.xlsm", "x.csv", "x.txt", "x.docm", "x.svg", "x.html", "\ud800.pdf", " .pdf", "x .pdf", "-x.pdf", "~x.pdf",
)  # fmt: skip


def _xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit", "component", "raw", "raw_max", "name", "code", "kind", "parent", "username", "role"])
    sheet.append(["nc-dh-1", "work", "1e309", "NaN", "²", "１２", "٣", HUGE, "\u202e", "=1+1"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_XLSX: list[bytes] = []


def xlsx_bytes() -> bytes:
    if not _XLSX:
        _XLSX.append(_xlsx_bytes())
    return _XLSX[0]


def file_contents() -> st.SearchStrategy[bytes]:
    fixed = st.sampled_from(
        [
            b"",
            b"\x00" * 16,
            b"%PDF-1.4\n%%EOF\n",
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            b"PK\x03\x04" + b"\x00" * 40,
            b"MZ\x90\x00" + b"\x00" * 60,
            b"\xef\xbb\xbf",
            b"scheme: {id: x}\n",
            b"a: &a [1, 2]\nb: [*a, *a, *a]\n",
            b"points: .nan\n",
            b"{",
            b"[]",
            b'{"scheme": null}',
            b"unit,component,raw,raw_max\nnc-dh-1,work,NaN,1e309\n",
            b"unit,component,raw,raw_max\n" + str(HUGE).encode() + b",x,\xff\xfe,-1\n",
            b"\xff\xfe\x00\x00garbage",
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
        ]
    )
    return st.one_of(fixed, st.binary(max_size=64), st.just(b"xlsx"))


# ---- JSON ------------------------------------------------------------------------------------------------

JSON_SCALARS: tuple[Any, ...] = (
    None, True, False, 0, -1, 1, HUGE, -HUGE, 2**63, 2**64, 1.5, 1e308, float("nan"), float("inf"), float("-inf"),
    "", "1", "²", "١", "NaN", "\x00", "\ud800", ONE_MB, [], {}, [1, "a"], {"a": {"b": {"c": []}}},
)  # fmt: skip


def json_scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(JSON_SCALARS),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        texts(),
        st.sampled_from(SPECIALS),
    )


def json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        json_scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.one_of(texts(), st.sampled_from(SPECIALS)), inner, max_size=4),
        ),
        max_leaves=8,
    )


def _keyed(key: str, value: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, Any] | None]:
    return st.one_of(st.none(), value.map(lambda v: (key, v)))


def json_object(keys: Mapping[str, Sequence[Any]]) -> st.SearchStrategy[Any]:
    """An object with the keys a view reads (each missing, plausible or hostile), sometimes extra keys."""
    entries = []
    for key, plausible in keys.items():
        value = st.one_of(st.sampled_from(list(plausible)), json_values()) if plausible else json_values()
        entries.append(_keyed(key, value))
    extra = st.lists(st.tuples(texts(), json_values()), max_size=2)
    return st.tuples(st.tuples(*entries), extra).map(lambda t: dict([e for e in t[0] if e is not None] + t[1]))


def dump_json(value: Any) -> bytes:
    """JSON as Python writes it: NaN/Infinity literals, lone surrogates as \\ud800 escapes."""
    return json.dumps(value, allow_nan=True, ensure_ascii=True).encode()


MALFORMED_JSON: tuple[bytes, ...] = (
    b"", b"{", b"}", b"[", b"{\"a\":}", b"{'a': 1}", b"\xff\xfe{}", b"\x00", b"null", b"NaN", b"[]" * 10,
    b"{\"unit\": 1,}", b"{\"a\": \"\\ud800\"}", b"{\"a\": \"\\u0000\"}", b"1e999999", b"[" * 5000 + b"]" * 5000,
    b"{\"a\": 1, \"a\": 2}", b"\"\\x\"",
)  # fmt: skip


# ---- bodies ----------------------------------------------------------------------------------------------


def _quote(value: Value) -> bytes:
    if isinstance(value, Raw):
        return bytes(value)
    data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return quote_from_bytes(data, safe=b"").encode()


def urlencode(pairs: Iterable[tuple[Value, Value]]) -> bytes:
    return b"&".join(_quote(k) + b"=" + _quote(v) for k, v in pairs)


def _header_text(value: Value) -> bytes:
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8", "surrogatepass")


BOUNDARY = b"kaoping-fuzz-boundary"


@dataclass(frozen=True)
class Upload:
    name: Value
    content: bytes
    content_type: str = "application/octet-stream"


def multipart(pairs: Iterable[tuple[Value, Value | Upload]], *, truncated: bool = False) -> bytes:
    """multipart/form-data with the names and file names put in as they are (quotes, CR/LF, NUL)."""
    out = bytearray()
    for name, value in pairs:
        out += b"--" + BOUNDARY + b"\r\n"
        out += b'Content-Disposition: form-data; name="' + _header_text(name) + b'"'
        if isinstance(value, Upload):
            out += b'; filename="' + _header_text(value.name) + b'"\r\n'
            out += b"Content-Type: " + value.content_type.encode() + b"\r\n\r\n" + value.content
        else:
            out += b"\r\n\r\n" + (bytes(value) if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass"))
        out += b"\r\n"
    if not truncated:
        out += b"--" + BOUNDARY + b"--\r\n"
    return bytes(out)


MULTIPART = f"multipart/form-data; boundary={BOUNDARY.decode()}"
URLENCODED = "application/x-www-form-urlencoded"
WRONG_CONTENT_TYPES: tuple[str, ...] = (
    "application/json", "text/plain", "multipart/form-data", "multipart/form-data; boundary=", "text/xml",
    "application/x-www-form-urlencoded; charset=utf-16", "application/x-www-form-urlencoded; charset=nonsense",
    "multipart/form-data; boundary=other", "", "*/*", "application/octet-stream",
)  # fmt: skip

EXTRA_NAMES: tuple[str, ...] = ("csrfmiddlewaretoken", "id", "pk", "next", "page", "version", "__all__", "", "\x00")
