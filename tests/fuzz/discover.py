"""What each endpoint reads, found without a hand-kept list.

Two sources, merged: the HTML forms the pages render (``<form>`` inputs, selects and textareas,
with their default values and options as plausible values), and the view's own source (the names it
reads with ``request.POST.get("…")``, ``request.GET.get("…")``, ``payload["…"]`` of a JSON body,
``request.headers.get("…")``, and the fields of the Django forms it binds to ``request.POST``).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, get_resolver, resolve


@dataclass
class Field:
    name: str
    kind: str = "text"  # input type, "select", "textarea" or "file"
    values: list[str] = field(default_factory=list)  # plausible values: defaults and options

    def merge(self, other: Field) -> None:
        self.values.extend(v for v in other.values if v not in self.values)
        if other.kind == "file":
            self.kind = "file"


@dataclass
class FoundForm:
    method: str  # "GET" or "POST"
    action: str  # path, resolved against the page
    fields: dict[str, Field]
    multipart: bool
    page: str  # where it was found


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[FoundForm] = []
        self._form: FoundForm | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = (a.get("method") or "get").upper()
            action = a.get("hx-post") or a.get("hx-put") or a.get("action") or ""
            if a.get("hx-post"):
                method = "POST"
            multipart = "multipart" in a.get("enctype", "")
            self._form = FoundForm(method, urljoin(self.page, action or self.page), {}, multipart, self.page)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._add(Field(a["name"], kind, [value] if value else []))
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select")
            self._add(self._select)
        elif tag == "option" and self._select is not None:
            self._select.values.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea")
            self._add(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and data.strip():
            self._textarea.values.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def _add(self, found: Field) -> None:
        assert self._form is not None
        fields = self._form.fields
        if found.name in fields:
            fields[found.name].merge(found)
        else:
            fields[found.name] = found


def forms_in(html: str, page: str) -> list[FoundForm]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


def resolve_path(url: str) -> tuple[str, dict[str, Any]] | None:
    """The route name ("namespace:name") and URL kwargs of a path on this site, or None."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name, dict(match.kwargs)


# ---- the view's source -----------------------------------------------------------------------------------

_POST = re.compile(r"""\b(?:POST|post)\.(?:get|getlist)\(\s*f?["']([^"'{}]+)["']""")
_GET = re.compile(r"""\bGET\.(?:get|getlist)\(\s*["']([^"']+)["']""")
_FILES = re.compile(r"""\bFILES\.(?:get|getlist)\(\s*["']([^"']+)["']""")
_HEADERS = re.compile(r"""\bheaders\.get\(\s*["']([^"']+)["']""")
_JSON_VAR = re.compile(r"""(\w+)\s*=\s*json\.loads\(""")
_FORM_CLASS = re.compile(r"""\b(\w+Form)\(\s*request\.POST""")
_CALLS = re.compile(r"""\b([A-Za-z_]\w*)\(""")


@dataclass
class SourceNames:
    post: set[str] = field(default_factory=set)
    get: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    headers: set[str] = field(default_factory=set)
    json: set[str] = field(default_factory=set)  # keys read from a JSON request body
    reads_json: bool = False


def view_of(route_name: str) -> Callable[..., Any] | None:
    for pattern in _patterns():
        if pattern[0] == route_name:
            return pattern[1]
    return None


@functools.cache
def _patterns() -> tuple[tuple[str, Callable[..., Any]], ...]:
    from django.urls import URLPattern, URLResolver

    found: list[tuple[str, Callable[..., Any]]] = []

    def walk(patterns: Any, namespace: str | None, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = p.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or route)
                found.append((name, p.callback))

    walk(get_resolver().url_patterns, None, "")
    return tuple(found)


def _sources(view: Callable[..., Any]) -> list[str]:
    """The view's source and that of the functions of its module it calls (one level)."""
    func = inspect.unwrap(view)
    module = inspect.getmodule(func)
    try:
        texts = [inspect.getsource(func)]
    except (OSError, TypeError):
        return []
    for name in set(_CALLS.findall(texts[0])):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper is not func and getattr(helper, "__module__", None) == func.__module__:
            texts.append(inspect.getsource(inspect.unwrap(helper)))
    return texts


def source_names(route_name: str) -> SourceNames:
    view = view_of(route_name)
    names = SourceNames()
    if view is None:
        return names
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # class-based (Django's LoginView …): the form class says it
        form_class = getattr(view_class, "form_class", None)
        names.post.update(getattr(form_class, "base_fields", {}) or {})
        redirect_field = getattr(view_class, "redirect_field_name", None)
        if redirect_field:
            names.get.add(redirect_field)
            names.post.add(redirect_field)
        return names
    texts = _sources(view)
    text = "\n".join(texts)
    module = inspect.getmodule(inspect.unwrap(view))
    names.post.update(_POST.findall(text))
    names.get.update(_GET.findall(text))
    names.files.update(_FILES.findall(text))
    names.headers.update(_HEADERS.findall(text))
    for form_name in _FORM_CLASS.findall(text):
        form_class = getattr(module, form_name, None)
        names.post.update(getattr(form_class, "base_fields", {}) or {})
    for var in _JSON_VAR.findall(text):
        names.reads_json = True
        names.json.update(re.findall(rf"""\b{var}\[\s*["']([^"']+)["']\s*\]""", text))
        names.json.update(re.findall(rf"""\b{var}\.get\(\s*["']([^"']+)["']""", text))
    return names


def allowed_methods(route_name: str) -> frozenset[str] | None:
    """The methods a plain view accepts, from its decorators or class; None when it takes any."""
    view = view_of(route_name)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return frozenset(m.upper() for m in view_class.http_method_names if hasattr(view_class, m))
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return None
    head = source.split("def ", 1)[0]
    if "@require_GET" in head or "@require_safe" in head:
        return frozenset({"GET", "HEAD"})
    if "@require_POST" in head:
        return frozenset({"POST"})
    listed = re.search(r"@require_http_methods\(\s*\[([^\]]*)\]", head)
    if listed:
        return frozenset(m.strip(" \"'").upper() for m in listed.group(1).split(",") if m.strip())
    return None


def openapi_body_keys(route_name: str, method: str) -> dict[str, Any]:
    """Property name → JSON schema of an API operation's request body (django-ninja)."""
    from kaoping.api.urls import api

    schema = api.get_openapi_schema()
    view = view_of(route_name)
    path_view = getattr(view, "__self__", None)
    for operation in getattr(path_view, "operations", []) or []:
        if method not in operation.methods:
            continue
        op_id = api.get_openapi_operation_id(operation)
        for item in schema["paths"].values():
            for spec in item.values():
                if spec.get("operationId") != op_id:
                    continue
                body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                if not body:
                    return {}
                if "$ref" in body:
                    body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
                return dict(body.get("properties", {}))
    return {}
