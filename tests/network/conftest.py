# Projects appear on profiles and in the directory: the same test setup as the showcase's.
from tests.showcase.conftest import _generous_limits  # noqa: F401
