def featured_projects(*, limit: int = 3) -> list:
    """Projects staff featured, newest first, for the home page."""
    return []
