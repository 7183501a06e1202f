from django.urls import path

from kaoping.results import downloads, stats_views, views

app_name = "results"

urlpatterns = [
    path("<int:campaign_id>/", views.standings, name="standings"),
    path("<int:campaign_id>/unit/<int:unit_id>/", views.unit_result, name="unit_result"),
    path("<int:campaign_id>/unit/<int:unit_id>/explain/", views.explain, name="explain"),
    path("<int:campaign_id>/recompute/", views.recompute, name="recompute"),
    path("<int:campaign_id>/tables/<str:table>.xlsx", downloads.table_xlsx, name="table_xlsx"),
    path("<int:campaign_id>/stats/", stats_views.stats, name="stats"),
]
