from django.urls import include, path

urlpatterns = [
    path("", include("kaoping.web.urls")),
    path("orgs/", include("kaoping.orgs.urls")),
    path("audit/", include("kaoping.web.audit_urls")),
    path("campaigns/", include("kaoping.campaigns.urls")),
    path("assess/", include("kaoping.assessments.urls")),
    path("results/", include("kaoping.results.urls")),
    path("publication/", include("kaoping.publication.urls")),
    path("goals/", include("kaoping.goals.urls")),
    path("rectification/", include("kaoping.rectification.urls")),
    path("selection/", include("kaoping.selection.urls")),
    path("inspection/", include("kaoping.inspection.urls")),
    path("analytics/", include("kaoping.analytics.urls")),
    path("commendation/", include("kaoping.commendation.urls")),
    path("documents/", include("kaoping.documents.urls")),
    path("jobs/", include("kaoping.jobs.urls")),
    path("inbox/", include("kaoping.inbox.urls")),
    path("external/", include("kaoping.external.urls")),
    path("rating/", include("kaoping.ratings.urls")),
    path("api/", include("kaoping.api.urls")),
]

# Chinese error pages rendered without the database; a storage failure from a middleware becomes a 503.
handler400 = "kaoping.web.failures.bad_request"
handler403 = "kaoping.web.failures.permission_denied"
handler404 = "kaoping.web.failures.page_not_found"
handler500 = "kaoping.web.failures.server_error"
