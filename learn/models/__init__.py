# One module per concern; each is imported here so Django finds the models.
# progress.py (lesson engine) and kernels.py (sandbox) add their imports below.
from .exercises import ExerciseState  # noqa: F401
from .history import RunHistory  # noqa: F401
from .kernels import KernelPlacement  # noqa: F401
from .pins import Pin  # noqa: F401
from .progress import ProgressMark  # noqa: F401
from .scratch import ScratchCell  # noqa: F401
