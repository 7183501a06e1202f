from django.urls import path

from kaoping.goals import downloads, views

app_name = "goals"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:campaign_id>/", views.overview, name="overview"),
    path("<int:campaign_id>/dashboard/", views.dashboard_page, name="dashboard"),
    path("<int:campaign_id>/goals.xlsx", downloads.goals_xlsx, name="xlsx"),
    path("<int:campaign_id>/targets/new/", views.target_edit, name="target_new"),
    path("<int:campaign_id>/targets/<int:number>/", views.target_detail, name="target"),
    path("<int:campaign_id>/targets/<int:number>/edit/", views.target_edit, name="target_edit"),
    path("<int:campaign_id>/targets/<int:number>/report/", views.target_report, name="target_report"),
    path(
        "<int:campaign_id>/targets/<int:number>/reports/<int:report_id>/evidence/",
        views.target_evidence,
        name="target_evidence",
    ),
    path("<int:campaign_id>/tasks/new/", views.task_edit, name="task_new"),
    path("<int:campaign_id>/tasks/<int:number>/", views.task_detail, name="task"),
    path("<int:campaign_id>/tasks/<int:number>/edit/", views.task_edit, name="task_edit"),
    path("<int:campaign_id>/tasks/<int:number>/report/", views.task_report, name="task_report"),
    path("<int:campaign_id>/tasks/<int:number>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "<int:campaign_id>/tasks/<int:number>/milestones/<int:milestone_id>/done/",
        views.milestone_done,
        name="milestone_done",
    ),
    path(
        "<int:campaign_id>/tasks/<int:number>/reports/<int:report_id>/evidence/",
        views.task_evidence,
        name="task_evidence",
    ),
]
