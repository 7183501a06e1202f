from django.urls import path

from kaoping.publication import downloads, objection_views, views

app_name = "publication"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("public/<str:key>/", views.public_notice, name="public"),
    path("<int:campaign_id>/", views.manage, name="manage"),
    path("<int:campaign_id>/publish/", views.publish, name="publish"),
    path("<int:campaign_id>/notice/", views.notice, name="notice"),
    path("<int:campaign_id>/v<int:number>/", views.version_detail, name="version"),
    path("<int:campaign_id>/v<int:number>/public/", views.set_public, name="set_public"),
    path("<int:campaign_id>/objections/", objection_views.register, name="objections"),
    path("<int:campaign_id>/objections.xlsx", downloads.objection_register, name="objections_xlsx"),
    path("<int:campaign_id>/v<int:number>/tables/<str:table>.xlsx", downloads.version_table, name="version_xlsx"),
    path("<int:campaign_id>/unit/<int:unit_id>/objections/new/", objection_views.new, name="objection_new"),
    path("<int:campaign_id>/unit/<int:unit_id>/objections/<int:number>/", objection_views.detail, name="objection"),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/objections/<int:number>/assign/",
        objection_views.assign,
        name="objection_assign",
    ),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/objections/<int:number>/answer/",
        objection_views.answer,
        name="objection_answer",
    ),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/objections/<int:number>/evidence/",
        objection_views.evidence,
        name="objection_evidence",
    ),
]
