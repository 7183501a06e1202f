"""One hostile request for one endpoint, drawn by Hypothesis, and how it is sent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

from . import hostile
from .discover import Field
from .hostile import Upload, Value
from .plan import Endpoint

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class FuzzRequest:
    method: str
    path: str  # with the query string
    body: bytes = b""
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        body = self.body if len(self.body) <= 400 else self.body[:400] + f"… ({len(self.body)} bytes)".encode()
        path = self.path if len(self.path) <= 400 else self.path[:400] + f"… ({len(self.path)} chars)"
        return f"{self.method} {path}\nContent-Type: {self.content_type!r}\nHeaders: {self.headers!r}\nBody: {body!r}"


def send(client: Any, request: FuzzRequest) -> Any:
    return client.generic(
        request.method, request.path, data=request.body, content_type=request.content_type, headers=request.headers
    )


def build_path(pattern: str, kwargs: dict[str, Any]) -> str:
    """The URL of a route pattern with any values (quoted), bypassing reverse()'s converters."""

    def value(m: re.Match[str]) -> str:
        return quote_from_bytes(str(kwargs[m.group(2)]).encode("utf-8", "surrogatepass"), safe="")

    return "/" + _PARAM.sub(value, pattern)


INT_PARAMS: tuple[Any, ...] = (0, 1, hostile.HUGE, 2**63, 2**64, 10**400, "9" * 5000, "0" * 50 + "1")
STR_PARAMS: tuple[str, ...] = ("²", "١", "a\x00b", "\ud800", "x" * 1025, "NaN", "' OR '1'='1", "..", " ")
NOT_FUZZED_FIELDS = frozenset({"csrfmiddlewaretoken"})  # the test client does not check CSRF anyway


@st.composite
def paths(draw: st.DrawFn, endpoint: Endpoint, pattern: str) -> str:
    """The endpoint's real URL most of the time; sometimes one parameter replaced by a hostile value."""
    kwargs = dict(endpoint.kwargs)
    types = {name: kind or "str" for kind, name in _PARAM.findall(pattern)}
    mutable = [name for name, kind in types.items() if kind in ("int", "str") and name not in ("action", "fmt")]
    if mutable and draw(st.integers(0, 7)) == 0:
        name = draw(st.sampled_from(mutable))
        if types[name] == "int":
            kwargs[name] = draw(st.sampled_from(INT_PARAMS))
        else:
            text = draw(hostile.hostile_values())
            kwargs[name] = text.decode("latin-1") if isinstance(text, bytes) else text
            if not kwargs[name] or "/" in kwargs[name]:
                kwargs = dict(endpoint.kwargs)  # the route could not match at all: nothing to learn
    path = build_path(pattern, kwargs)
    if endpoint.query:
        path += "?" + endpoint.query
    return path


def _plausible(f: Field) -> list[str]:
    return [v for v in f.values if v] or ([] if f.kind != "checkbox" else ["on"])


@st.composite
def form_pairs(draw: st.DrawFn, fields: dict[str, Field], *, files: bool) -> list[tuple[Value, Value | Upload]]:
    """Each field missing, once or twice; plausible or hostile; plus a stray field now and then."""
    pairs: list[tuple[Value, Value | Upload]] = []
    for name in sorted(fields):
        f = fields[name]
        times = draw(st.sampled_from((0, 1, 1, 1, 1, 2)))
        for _ in range(times):
            if f.kind == "file" and files:
                pairs.append((name, draw(uploads())))
            else:
                pairs.append((name, draw(hostile.field_value(_plausible(f)))))
    extra = draw(
        st.lists(st.tuples(st.one_of(st.sampled_from(hostile.EXTRA_NAMES), hostile.texts()), hostile.hostile_values()))
    )
    pairs.extend(extra[:2])
    return pairs


@st.composite
def uploads(draw: st.DrawFn) -> Upload:
    name = draw(st.one_of(st.sampled_from(hostile.FILE_NAMES), hostile.texts()))
    content = draw(hostile.file_contents())
    if content == b"xlsx":
        content = hostile.xlsx_bytes()
    kind = draw(st.sampled_from(("application/octet-stream", "application/pdf", "text/html", "", "x/\x00")))
    return Upload(name, content, kind)


def _text_pairs(pairs: list[tuple[Value, Value | Upload]]) -> list[tuple[Value, Value]]:
    return [(k, v.name if isinstance(v, Upload) else v) for k, v in pairs]


def _latin1(value: Value) -> str:
    data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return data.decode("latin-1")


PLAUSIBLE_HEADERS: dict[str, tuple[str, ...]] = {
    "HX-Request": ("true", "false"),
    "Accept": ("application/json", "text/html", "*/*"),
    "Idempotency-Key": (),  # a fresh UUID4 is drawn
}


@st.composite
def headers_for(draw: st.DrawFn, endpoint: Endpoint) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in sorted(endpoint.headers | {"HX-Request"}):
        choice = draw(st.sampled_from(("omit", "plausible", "plausible", "hostile")))
        if choice == "omit":
            continue
        plausible = PLAUSIBLE_HEADERS.get(name, ())
        if choice == "plausible" and name == "Idempotency-Key":
            out[name] = str(draw(st.uuids(version=4)))
        elif choice == "plausible" and plausible:
            out[name] = draw(st.sampled_from(plausible))
        else:
            out[name] = _latin1(draw(hostile.hostile_values()))[:4096]
    return out


@st.composite
def json_body(draw: st.DrawFn, keys: dict[str, list[Any]]) -> bytes:
    kind = draw(st.sampled_from(("object", "object", "object", "value", "malformed")))
    if kind == "object":
        return hostile.dump_json(draw(hostile.json_object(keys)))
    if kind == "value":
        return hostile.dump_json(draw(hostile.json_values()))
    return draw(st.sampled_from(hostile.MALFORMED_JSON))


@st.composite
def requests(draw: st.DrawFn, endpoint: Endpoint, pattern: str) -> FuzzRequest:
    path = draw(paths(endpoint, pattern))
    headers = draw(headers_for(endpoint))
    if endpoint.method == "GET":
        query = hostile.urlencode(_text_pairs(draw(form_pairs(endpoint.fields, files=False)))).decode("latin-1")
        joiner = "&" if "?" in path else "?"
        return FuzzRequest("GET", f"{path}{joiner}{query}" if query else path, headers=headers)
    if endpoint.json_keys is not None:
        body = draw(json_body(endpoint.json_keys))
        content_type = draw(st.one_of(st.just("application/json"), st.sampled_from(hostile.WRONG_CONTENT_TYPES)))
        if draw(st.integers(0, 9)) == 0:  # a form post where JSON is expected
            body, content_type = hostile.urlencode([("unit", "1"), ("grade", "好")]), hostile.URLENCODED
        return FuzzRequest(endpoint.method, path, body, content_type, headers)
    encodings = ["urlencoded", "urlencoded", "multipart", "wrong-type", "garbage", "truncated", "empty"]
    if endpoint.multipart:
        encodings += ["multipart", "multipart", "multipart"]
    encoding = draw(st.sampled_from(encodings))
    pairs = draw(form_pairs(endpoint.fields, files=encoding in ("multipart", "truncated")))
    if encoding == "urlencoded":
        body, content_type = hostile.urlencode(_text_pairs(pairs)), hostile.URLENCODED
    elif encoding in ("multipart", "truncated"):
        body, content_type = hostile.multipart(pairs, truncated=encoding == "truncated"), hostile.MULTIPART
    elif encoding == "wrong-type":
        body = hostile.urlencode(_text_pairs(pairs))
        content_type = draw(st.sampled_from(hostile.WRONG_CONTENT_TYPES))
    elif encoding == "garbage":
        body = draw(st.binary(max_size=256))
        content_type = draw(st.sampled_from((hostile.URLENCODED, hostile.MULTIPART, "application/json")))
    else:
        body, content_type = b"", draw(st.sampled_from((hostile.URLENCODED, hostile.MULTIPART, "")))
    return FuzzRequest(endpoint.method, path, body, content_type, headers)


# ---- the sweep: each field × each core hostile value, everything else plausible ----------------------------


def _baseline(f: Field) -> Value | Upload:
    if f.kind == "file":
        return Upload("evidence.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    plausible = _plausible(f)
    return plausible[0] if plausible else "1"


def _form_body(endpoint: Endpoint, pairs: list[tuple[Value, Value | Upload]]) -> tuple[bytes, str]:
    if endpoint.multipart:
        return hostile.multipart(pairs), hostile.MULTIPART
    return hostile.urlencode(_text_pairs(pairs)), hostile.URLENCODED


def _json_baseline(keys: dict[str, list[Any]]) -> dict[str, Any]:
    return {key: plausible[0] if plausible else "1" for key, plausible in keys.items()}


def _baseline_headers(endpoint: Endpoint) -> dict[str, str]:
    """Headers a view needs to go past its first check (the ballot's Idempotency-Key); htmx stays off."""
    out = {}
    for name in sorted(endpoint.headers - {"HX-Request"}):
        plausible = PLAUSIBLE_HEADERS.get(name, ())
        out[name] = plausible[0] if plausible else "6f1d2b1e-3c4a-4e7b-9a8d-2f5c6b7a8e90"
    return out


def sweep(endpoint: Endpoint, pattern: str) -> list[FuzzRequest]:
    """Deterministic requests: every URL parameter and every field with each core hostile value."""
    fields = {name: f for name, f in endpoint.fields.items() if name not in NOT_FUZZED_FIELDS}
    base_pairs: list[tuple[Value, Value | Upload]] = [(name, _baseline(f)) for name, f in sorted(fields.items())]
    query = f"?{endpoint.query}" if endpoint.query else ""
    out: list[FuzzRequest] = []

    def add(
        path: str,
        pairs: list[tuple[Value, Value | Upload]] | None = None,
        json: Any = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        pairs = base_pairs if pairs is None else pairs
        sent = {**headers, **(extra or {})}
        if endpoint.method == "GET":
            text = hostile.urlencode(_text_pairs(pairs)).decode("latin-1")
            out.append(FuzzRequest("GET", f"{path}{'&' if '?' in path else '?'}{text}" if text else path, headers=sent))
        elif endpoint.json_keys is not None:
            value = _json_baseline(endpoint.json_keys) if json is None else json
            out.append(FuzzRequest(endpoint.method, path, hostile.dump_json(value), "application/json", sent))
        else:
            body, content_type = _form_body(endpoint, pairs)
            out.append(FuzzRequest(endpoint.method, path, body, content_type, sent))

    headers = _baseline_headers(endpoint)
    types = {name: kind or "str" for kind, name in _PARAM.findall(pattern)}
    for name, kind in types.items():
        values: tuple[Any, ...] = INT_PARAMS if kind == "int" else STR_PARAMS if kind == "str" else ()
        for value in values if name not in ("action", "fmt") else ():
            add(build_path(pattern, {**endpoint.kwargs, name: value}) + query)
    path = build_path(pattern, endpoint.kwargs) + query
    for name in sorted(endpoint.headers):
        for header_value in hostile.CORE:
            add(path, extra={name: _latin1(header_value)[:4096]})
    if endpoint.json_keys is not None and endpoint.method != "GET":
        base = _json_baseline(endpoint.json_keys)
        for key in endpoint.json_keys:
            for json_value in hostile.JSON_CORE:
                add(path, json={**base, key: json_value})
            add(path, json={k: v for k, v in base.items() if k != key})
        out.extend(FuzzRequest(endpoint.method, path, body, "application/json") for body in hostile.MALFORMED_JSON)
        body = hostile.dump_json(base)
        out.extend(FuzzRequest(endpoint.method, path, body, kind) for kind in hostile.WRONG_CONTENT_TYPES)
        return out
    for index, (name, _value) in enumerate(base_pairs):
        if fields[str(name)].kind == "file" and endpoint.method != "GET":
            for file_name, content in hostile.CORE_FILES:
                add(path, [*base_pairs[:index], (name, Upload(file_name, content)), *base_pairs[index + 1 :]])
            continue
        for value in hostile.CORE:
            add(path, [*base_pairs[:index], (name, value), *base_pairs[index + 1 :]])
        add(path, [*base_pairs[:index], *base_pairs[index + 1 :]])  # missing
        add(path, [*base_pairs, (name, "²")])  # twice, the second hostile
    if endpoint.method != "GET":
        add(path, [])
        out.append(FuzzRequest(endpoint.method, path, b"", ""))
        body, _kind = _form_body(endpoint, base_pairs)
        out.extend(FuzzRequest(endpoint.method, path, body, kind) for kind in hostile.WRONG_CONTENT_TYPES)
        out.append(FuzzRequest(endpoint.method, path, hostile.multipart(base_pairs, truncated=True), hostile.MULTIPART))
    return out
