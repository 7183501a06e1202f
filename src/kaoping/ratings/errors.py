"""The one exception of live rating: a refusal with an HTTP status and a Chinese message."""

from __future__ import annotations


class RatingError(Exception):
    """A refusal with an HTTP status and a Chinese message for the rater or organizer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
