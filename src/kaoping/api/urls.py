from django.urls import path
from ninja import NinjaAPI

# No docs UI: ninja's Swagger page would load assets from a CDN. The schema stays at /api/openapi.json.
api = NinjaAPI(title="Kaoping API", version="1", urls_namespace="api", docs_url=None)

api.add_router("/campaigns/", "kaoping.api.campaigns.router")
api.add_router("/orgs/", "kaoping.api.orgs.router")

api.add_router("/assessments/", "kaoping.api.assessments.router")
api.add_router("/results/", "kaoping.api.results.router")

urlpatterns = [path("", api.urls)]
