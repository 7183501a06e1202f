from django.urls import path

from kaoping.publication import views

app_name = "publication"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("public/<str:key>/", views.public_notice, name="public"),
    path("<int:campaign_id>/", views.manage, name="manage"),
    path("<int:campaign_id>/publish/", views.publish, name="publish"),
    path("<int:campaign_id>/notice/", views.notice, name="notice"),
    path("<int:campaign_id>/v<int:number>/", views.version_detail, name="version"),
    path("<int:campaign_id>/v<int:number>/public/", views.set_public, name="set_public"),
]
