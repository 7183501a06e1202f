from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "kaoping.results"
    label = "results"

    def ready(self) -> None:
        # Parsing a stored scheme version needs kaoping.formats (and jsonschema). Imported lazily,
        # their ≈0.1–0.4 s landed on the first page of each worker that opened a scheme (the
        # self-assessment overview, 336–567 ms cold); at start-up it is paid before any request.
        import kaoping.formats.scheme_file  # noqa: F401
