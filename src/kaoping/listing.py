"""Long lists (units, users, credentials, standings): search, filter, sort and pages from the query string.

Every list keeps its state in ordinary GET parameters (``q``, ``sort``, ``page`` and its own filters), so a
URL is bookmarkable and the list works without JavaScript; htmx only swaps the same page in place. Sorting is
by whitelisted keys only (an unknown key falls back to the default), and filtering and paging happen in the
database (``Paginator`` over a queryset): a page reads ``per_page`` rows whatever the list's length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

StrOrPromise = str | Promise

PER_PAGE = 100
SEARCH_MAX = 100  # characters of a search term kept (a longer one is cut, never an error)


@dataclass(frozen=True)
class SortOption:
    key: str  # the value in ``?sort=``
    label: StrOrPromise  # Chinese, shown in the sort menu
    order: tuple[str, ...] = ()  # ORM order_by fields (for querysets)


def search_term(request: HttpRequest, name: str = "q") -> str:
    return " ".join(request.GET.get(name, "").split())[:SEARCH_MAX]


def choice(request: HttpRequest, name: str, allowed: Sequence[str], default: str = "") -> str:
    """A filter value from the query string, or ``default`` when it is not one of ``allowed``."""
    value = request.GET.get(name, "")
    return value if value in allowed else default


def sort_option(request: HttpRequest, options: Sequence[SortOption]) -> SortOption:
    """The chosen sort, the first option when none (or an unknown one) is asked for."""
    wanted = request.GET.get("sort", "")
    return next((o for o in options if o.key == wanted), options[0])


def paginate(items: Any, request: HttpRequest, per_page: int | None = None, *, count: int | None = None) -> Page[Any]:
    """One page of a queryset (or a list), ``PER_PAGE`` rows unless told; a page number out of range
    gives the last page. ``count``: the number of items when the caller has counted them already
    (the paginator would count the queryset again)."""
    paginator = Paginator(items, per_page or PER_PAGE)
    if count is not None:
        paginator.count = count  # type: ignore[misc]  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without ``names`` (and never ``page``), ready to append ``&page=…``."""
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in names and key != "page" and key != "poll" and key != "counts":
            params.setlist(key, values)
    return params.urlencode()


def query_with(request: HttpRequest, changes: Mapping[str, object]) -> str:
    """The current query string with ``changes`` (a None value drops the key); a change of anything but
    a page number (``page``, ``cpage``…) goes back to page 1."""
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in ("poll", "counts"):
            params.setlist(key, values)
    if not any(key.endswith("page") for key in changes):
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()


def hidden_fields(request: HttpRequest, *names: str) -> list[tuple[str, str]]:
    """(name, value) of the current list parameters ``names`` (to repeat them in a POST form)."""
    return [(name, request.GET[name]) for name in names if request.GET.get(name)]


def encode(params: Mapping[str, object]) -> str:
    return urlencode({k: str(v) for k, v in params.items() if v not in (None, "")})
