from django.urls import path

from kaoping.assessments import import_views, mapping_views, report_import_views, views, workbench

app_name = "assessments"

urlpatterns = [
    path("<int:campaign_id>/", workbench.campaign_home, name="campaign_home"),
    path("<int:campaign_id>/unit/<int:unit_id>/", views.unit_overview, name="unit_overview"),
    path("<int:campaign_id>/unit/<int:unit_id>/section/<int:index>/", views.unit_section, name="unit_section"),
    path("<int:campaign_id>/unit/<int:unit_id>/item/<str:item_id>/save/", views.entry_save, name="entry_save"),
    path("<int:campaign_id>/unit/<int:unit_id>/submit/", views.submission_submit, name="submit"),
    path("<int:campaign_id>/unit/<int:unit_id>/import/", import_views.self_import_page, name="self_import"),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/import/template/",
        import_views.self_import_template,
        name="self_import_template",
    ),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/import/confirm/",
        import_views.self_import_confirm,
        name="self_import_confirm",
    ),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/import-report/",
        report_import_views.report_import_page,
        name="report_import",
    ),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/import-report/confirm/",
        report_import_views.report_import_confirm,
        name="report_import_confirm",
    ),
    path("<int:campaign_id>/unit/<int:unit_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "<int:campaign_id>/unit/<int:unit_id>/item/<str:item_id>/evidence/", views.evidence_link, name="evidence_link"
    ),
    path("<int:campaign_id>/unit/<int:unit_id>/item/<str:item_id>/history/", views.item_history, name="item_history"),
    path("<int:campaign_id>/evidence/<int:file_id>/", views.evidence_download, name="evidence_download"),
    path("<int:campaign_id>/departments/mapping/", mapping_views.department_mapping, name="department_mapping"),
    path("<int:campaign_id>/department/<int:department_id>/", workbench.department_items, name="department_items"),
    path(
        "<int:campaign_id>/department/<int:department_id>/item/<str:item_id>/",
        views.department_grid,
        name="department_grid",
    ),
    path(
        "<int:campaign_id>/department/<int:department_id>/item/<str:item_id>/unit/<int:unit_id>/",
        views.department_cell_save,
        name="department_cell_save",
    ),
    path("<int:campaign_id>/review/unit/<int:unit_id>/", views.review_unit, name="review_unit"),
    path("<int:campaign_id>/review/unit/<int:unit_id>/item/<str:item_id>/", views.review_save, name="review_save"),
    path("<int:campaign_id>/review/unit/<int:unit_id>/<str:action>/", views.review_action, name="review_action"),
]
