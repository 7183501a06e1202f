"""Every URL pattern of the project, read from Django's resolver (django-ninja's API included).

A route "takes an object id" when it captures any parameter: those are the routes the access matrix
must cover, because a changed id in the address is the classic way to reach another unit's data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when the pattern has no name
    route: str  # the full pattern, e.g. "rating/sessions/<int:session_id>/"
    params: tuple[str, ...]  # captured parameter names, in order
    api_methods: frozenset[str]  # HTTP methods of a django-ninja operation; empty for plain views

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def _api_methods(pattern: URLPattern) -> frozenset[str]:
    """django-ninja mounts one pattern per operation; its bound view knows the operations."""
    path_view = getattr(pattern.callback, "__self__", None)
    operations = getattr(path_view, "operations", None)
    if not operations:
        return frozenset()
    for operation in operations:
        names = {getattr(operation, "url_name", None), operation.view_func.__name__}
        if pattern.name in names:
            return frozenset(operation.methods)
    return frozenset(m for operation in operations for m in operation.methods)


def _walk(patterns: Sequence[object], prefix: str, namespace: str | None) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            converters = getattr(pattern.pattern, "converters", {})
            params = tuple(converters) if converters else tuple(pattern.pattern.regex.groupindex)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
            yield Route(name=name, route=route, params=params, api_methods=_api_methods(pattern))


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", None))


def object_routes() -> dict[str, Route]:
    """Routes that capture a parameter (an object id, a token, an action), by name."""
    return {r.name: r for r in all_routes() if r.params}
