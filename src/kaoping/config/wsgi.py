import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.config.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import every view and load the translations now rather than on the first request.

    Django imports the URLconf lazily: the views, django-ninja and pydantic (≈0.5 s). Without this
    the first rater to reach a fresh worker (a restart, or a replacement for a killed one) would wait
    for it. Under gunicorn's ``preload_app`` the master does it once for all workers.

    reportlab and openpyxl are left out: the modules that write or read PDF and Excel files import
    them inside their functions, so a whole-server restart, which must serve again within 3 s
    (T-A4), does not wait ≈0.5 s for them. The first PDF or Excel download in each fresh worker
    pays for them instead (≈0.2–0.3 s, once).
    """
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - the property imports the views
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("考评")


_warm_up()
