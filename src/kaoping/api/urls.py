from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from kaoping.api import errors
from kaoping.api.parsing import StorableJSONParser


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema lists every endpoint and field: it is for signed-in users, like the API itself."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"detail": _("请先登录")}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


# No docs UI: ninja's Swagger page would load assets from a CDN. The schema stays at /api/openapi.json,
# for signed-in users only (docs_decorator wraps the schema view too).
api = NinjaAPI(
    title="Kaoping API",
    version="1",
    urls_namespace="api",
    docs_url=None,
    docs_decorator=signed_in_only,
    parser=StorableJSONParser(),  # no lone surrogates or NUL in a body (kaoping.api.parsing)
)
errors.install(api)  # every error a documented Problem with a Chinese message

api.add_router("/campaigns/", "kaoping.api.campaigns.router")
api.add_router("/orgs/", "kaoping.api.orgs.router")

api.add_router("/assessments/", "kaoping.api.assessments.router")
api.add_router("/results/", "kaoping.api.results.router")

urlpatterns = [path("", api.urls)]
