"""The audit pages' addresses (namespace ``audit``); the pages live in ``kaoping.web.audit_views``."""

from django.urls import path

from kaoping.web import audit_views as views

app_name = "audit"

urlpatterns = [
    path("history/", views.object_history, name="history"),
    path("campaign/<int:pk>/", views.campaign_log, name="campaign_log"),
]
