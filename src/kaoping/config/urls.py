from django.urls import include, path

urlpatterns = [
    path("", include("kaoping.web.urls")),
    path("orgs/", include("kaoping.orgs.urls")),
    path("audit/", include("kaoping.audit.urls")),
    path("campaigns/", include("kaoping.campaigns.urls")),
    path("assess/", include("kaoping.assessments.urls")),
    path("results/", include("kaoping.results.urls")),
    path("external/", include("kaoping.external.urls")),
    path("rating/", include("kaoping.ratings.urls")),
    path("api/", include("kaoping.api.urls")),
]
