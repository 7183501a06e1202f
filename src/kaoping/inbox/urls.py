from django.urls import path

from kaoping.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="list"),
    path("read-all/", views.mark_all, name="read_all"),
    path("<int:message_id>/open/", views.message_open, name="open"),
    path("<int:message_id>/mark/", views.message_mark, name="mark"),
]
