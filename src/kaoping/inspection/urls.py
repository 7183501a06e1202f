from django.urls import path

from kaoping.inspection import views

app_name = "inspection"

_UNIT = "<int:campaign_id>/unit/<int:unit_id>/"

urlpatterns = [
    path("<int:campaign_id>/", views.overview, name="overview"),
    path("<int:campaign_id>/groups/new/", views.group_form, name="group_new"),
    path("<int:campaign_id>/groups/<int:number>/", views.group_form, name="group_edit"),
    path("<int:campaign_id>/draw/", views.draw, name="draw"),
    path("<int:campaign_id>/checklist/", views.checklist, name="checklist"),
    path(_UNIT + "plan/", views.plan, name="plan"),
    path(_UNIT, views.record, name="record"),
    path(_UNIT + "photo/", views.photo, name="photo"),
    path(_UNIT + "photo/<int:photo_id>/", views.photo_file, name="photo_file"),
    path(_UNIT + "finding/", views.finding, name="finding"),
    path(_UNIT + "finding/<int:number>/problem/", views.finding_problem, name="finding_problem"),
    path(_UNIT + "submit/", views.submit, name="submit"),
    path(_UNIT + "reopen/", views.reopen, name="reopen"),
]
