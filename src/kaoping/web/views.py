from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from kaoping.web.home import home_cards, role_labels


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {"cards": home_cards(request.user), "roles": role_labels(request.user)}
    return render(request, "web/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})
