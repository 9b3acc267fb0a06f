def recent_topics(user, *, limit: int = 5) -> list:
    """The latest topics this user may see, for the home page."""
    return []


def topics_for_part(user, part_key: str, *, limit: int = 5) -> list:
    """Discussion topics linked to a lesson part ('track/part'), for the lesson page."""
    return []


def member_activity(user) -> dict:
    """A member's forum activity for their public profile:
    {"topics": int, "posts": int, "recent": [topics they started or replied to, newest first]}."""
    return {"topics": 0, "posts": 0, "recent": []}
