from django.urls import path

from kaoping.external import views

app_name = "external"

urlpatterns = [
    path("<int:campaign_id>/", views.imported_scores, name="imported_scores"),
]
