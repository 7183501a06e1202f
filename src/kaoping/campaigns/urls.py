from django.urls import path

from kaoping.campaigns import next_year_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/phase/", views.campaign_phase, name="phase"),
    path("<int:pk>/deadlines/", views.campaign_deadlines, name="deadlines"),
    path("<int:pk>/publish/", views.campaign_publish, name="publish"),
    path("<int:pk>/units/", views.campaign_units, name="units"),
    path("<int:pk>/units/<int:unit_id>/remove/", views.campaign_unit_remove, name="unit_remove"),
    path("<int:pk>/scheme/", views.scheme_versions, name="scheme"),
    path("<int:pk>/scheme/diff/", views.scheme_diff, name="scheme_diff"),
    path("<int:pk>/next-year/", next_year_views.campaign_next_year, name="next_year"),
]
