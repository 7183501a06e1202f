from django.urls import path

from kaoping.ratings import progress_views, views

app_name = "ratings"

urlpatterns = [
    path("campaign/<int:campaign_id>/", views.session_list, name="session_list"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/do/<str:action>/", views.session_action, name="session_action"),
    path("sessions/<int:session_id>/units/<int:unit_id>/<str:action>/", views.unit_action, name="unit_action"),
    path("sessions/<int:session_id>/credentials/", views.credentials_issue, name="credentials_issue"),
    path(
        "sessions/<int:session_id>/credentials/<int:credential_id>/reissue/",
        views.credential_reissue,
        name="credential_reissue",
    ),
    path("sessions/<int:session_id>/slips/<int:batch_id>.<str:fmt>", views.slip_download, name="slip_download"),
    path("sessions/<int:session_id>/ballots.csv", views.ballots_export, name="ballots_export"),
    path("sessions/<int:session_id>/board/", views.board, name="board"),
    path("sessions/<int:session_id>/board.json", views.board_json, name="board_json"),
    path("sessions/<int:session_id>/progress/", progress_views.progress, name="progress"),
    path("t/<str:token>", views.exchange, name="exchange"),
    path("join/<uuid:public_id>/", views.join, name="join"),
    path("receipt/<uuid:public_id>/", views.receipt_check, name="receipt"),
    path("r/", views.rater, name="rater"),
    path("r/status.json", views.rater_status, name="rater_status"),
    path("r/ballot", views.ballot, name="ballot"),
]
