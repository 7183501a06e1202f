from django.urls import path

from kaoping.commendation import views

app_name = "commendation"

_LIST = "<int:campaign_id>/<int:number>/"

urlpatterns = [
    path("<int:campaign_id>/", views.index, name="index"),
    path(_LIST, views.detail, name="detail"),
    path(_LIST + "draw/", views.draw, name="draw"),
    path(_LIST + "decide/", views.decide, name="decide"),
    path(_LIST + "approve/", views.approve, name="approve"),
    path(_LIST + "publish/", views.publish, name="publish"),
    path(_LIST + "list.docx", views.download_docx, name="docx"),
    path(_LIST + "list.xlsx", views.download_xlsx, name="xlsx"),
]
