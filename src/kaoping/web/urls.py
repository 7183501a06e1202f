from django.contrib.auth import views as auth_views
from django.urls import path

from kaoping.web import account_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("login/code/", account_views.login_code, name="login_code"),
    path("account/", account_views.AccountView.as_view(), name="account"),
    path("account/two-factor/", account_views.two_factor, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
]
