from tests.ratings.conftest import make_session, rating_campaign, session

__all__ = ["make_session", "rating_campaign", "session"]
