from django.urls import path

from kaoping.orgs import reminder_log, views

app_name = "orgs"

urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="unit"),
    path("categories/", views.categories, name="categories"),
    path("departments/", views.departments, name="departments"),
    path("users/", views.users, name="users"),
    path("users/reminders/", reminder_log.reminder_log, name="reminders"),
    path("users/membership/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
    path("users/membership/<int:pk>/password/", views.user_password, name="user_password"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
