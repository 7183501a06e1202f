from django.urls import path

from kaoping.audit import views

app_name = "audit"

urlpatterns = [
    path("history/", views.object_history, name="history"),
    path("campaign/<int:pk>/", views.campaign_log, name="campaign_log"),
]
