from django.urls import path

from kaoping.rectification import downloads, views

app_name = "rectification"

_PROBLEM = "<int:campaign_id>/unit/<int:unit_id>/problems/<int:number>/"

urlpatterns = [
    path("<int:campaign_id>/", views.ledger, name="ledger"),
    path("<int:campaign_id>/ledger.xlsx", downloads.ledger_xlsx, name="ledger_xlsx"),
    path("<int:campaign_id>/ledger.docx", downloads.ledger_docx, name="ledger_docx"),
    path("<int:campaign_id>/settings/", views.settings, name="settings"),
    path("<int:campaign_id>/unit/<int:unit_id>/new/", views.new, name="new"),
    path("<int:campaign_id>/unit/<int:unit_id>/review/<str:item_id>/", views.from_review, name="from_review"),
    path("<int:campaign_id>/unit/<int:unit_id>/objection/<int:number>/", views.from_objection, name="from_objection"),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/spot-check/<int:spot_check_id>/",
        views.from_spot_check,
        name="from_spot_check",
    ),
    path(_PROBLEM, views.detail, name="problem"),
    path(_PROBLEM + "edit/", views.edit, name="edit"),
    path(_PROBLEM + "report/", views.report, name="report"),
    path(_PROBLEM + "recheck/", views.recheck, name="recheck"),
    path(_PROBLEM + "evidence/<int:report_id>/", views.evidence, name="evidence"),
]
