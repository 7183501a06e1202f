from django.urls import path

from kaoping.documents import views

app_name = "documents"

urlpatterns = [
    path(
        "<int:campaign_id>/unit/<int:unit_id>/self-report.<str:kind>",
        views.self_report,
        name="self_report",
    ),
    path("<int:campaign_id>/notice/", views.notice_form, name="notice"),
    path("<int:campaign_id>/batch/", views.batch, name="batch"),
    path("<int:campaign_id>/batch/<int:job_id>.zip", views.batch_download, name="batch_download"),
]
