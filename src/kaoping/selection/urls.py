from django.urls import path

from kaoping.selection import views

app_name = "selection"

urlpatterns = [
    path("campaign/<int:campaign_id>/", views.selection_list, name="list"),
    path("<int:campaign_id>/<int:number>/", views.detail, name="detail"),
    path("<int:campaign_id>/<int:number>/nominate/", views.nominate, name="nominate"),
    path(
        "<int:campaign_id>/<int:number>/nominations/<int:nomination_number>/",
        views.nomination_page,
        name="nomination",
    ),
    path(
        "<int:campaign_id>/<int:number>/nominations/<int:nomination_number>/evidence/",
        views.evidence,
        name="evidence",
    ),
    path("<int:campaign_id>/<int:number>/voters/", views.voters, name="voters"),
    path("<int:campaign_id>/<int:number>/voters/slips.pdf", views.slips_pdf, name="slips_pdf"),
    path("<int:campaign_id>/<int:number>/do/<str:name>/", views.action, name="action"),
    path("<int:campaign_id>/<int:number>/tie/", views.tie, name="tie"),
    path(
        "<int:campaign_id>/<int:number>/certificate/<int:nomination_number>/",
        views.certificate_pdf,
        name="certificate",
    ),
    path("t/<str:token>/", views.exchange, name="exchange"),
    path("vote/", views.vote, name="vote"),
    path("public/<str:key>/", views.public, name="public"),
]
