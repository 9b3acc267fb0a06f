def recent_topics(user, *, limit: int = 5) -> list:
    """The latest topics this user may see, for the home page."""
    return []


def topics_for_part(user, part_key: str, *, limit: int = 5) -> list:
    """Discussion topics linked to a lesson part ('track/part'), for the lesson page."""
    return []
