from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(title="Kaoping API", version="1", urls_namespace="api")

api.add_router("/assessments/", "kaoping.api.assessments.router")
api.add_router("/results/", "kaoping.api.results.router")

urlpatterns = [path("", api.urls)]
