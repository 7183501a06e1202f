from django.urls import path

from kaoping.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", views.job_page, name="job"),
    path("<int:job_id>/progress/", views.job_progress, name="progress"),
    path("<int:job_id>/retry/", views.job_retry, name="retry"),
]
