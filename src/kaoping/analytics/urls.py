from django.urls import path

from kaoping.analytics import views

app_name = "analytics"

urlpatterns = [
    path("<int:campaign_id>/", views.analysis_page, name="analysis"),
    path("<int:campaign_id>/compute/", views.compute, name="compute"),
]
