"""What the tutor knows about the learner: the cell they picked (as they last ran it), their
last error on the part and a summary of their own kernel.

The run view calls `remember_run` after every run; the record lives in the shared cache, keyed
by the learner (learn.figures.learner_key) and the part, for a day.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from learn import sandbox
from learn.content import Part

KEEP_SECONDS = 24 * 60 * 60
CODE_CHARS = 8000  # longest cell source remembered
CELLS_KEPT = 40
TRACEBACK_LINES = 12


@dataclass
class LearnerContext:
    cell_id: str = ""
    cell_label: str = ""
    code: str = ""
    error: dict | None = None  # {"cell", "ename", "evalue", "traceback", "help"?}
    variables: list[dict] = field(default_factory=list)


def _key(learner: str, part_key: str) -> str:
    digest = salted_hmac("tutor.context", f"{learner}|{part_key}").hexdigest()[:32]
    return f"tutor:ctx:{digest}"


def remember_run(
    *, learner: str, part_key: str, cell_id: str, code: str, error: dict | None, help_: dict | None
) -> None:
    """Keep the code a learner just ran, and their last error on the part (cleared by a run of
    the same cell that succeeds)."""
    record = cache.get(_key(learner, part_key)) or {"cells": {}, "error": None}
    cells = record["cells"]
    cells.pop(cell_id, None)
    cells[cell_id] = code[:CODE_CHARS]
    while len(cells) > CELLS_KEPT:
        cells.pop(next(iter(cells)))
    if error is not None:
        record["error"] = {
            "cell": cell_id,
            "ename": str(error.get("ename", ""))[:200],
            "evalue": str(error.get("evalue", ""))[:1000],
            "traceback": [str(line)[:300] for line in error.get("traceback", [])][
                -TRACEBACK_LINES:
            ],
            "help": help_ if isinstance(help_, dict) else None,
        }
    elif record["error"] and record["error"]["cell"] == cell_id:
        record["error"] = None
    cache.set(_key(learner, part_key), record, KEEP_SECONDS)


def learner_context(*, learner: str, part: Part, cell_id: str | None) -> LearnerContext:
    """Everything the tutor may use about this learner on this part (never anyone else's)."""
    record = cache.get(_key(learner, part.key)) or {"cells": {}, "error": None}
    context = LearnerContext(error=record.get("error"))
    if cell_id:
        cell = part.cell_map.get(cell_id)
        context.cell_id = cell_id
        context.cell_label = cell.label if cell else cell_id
        context.code = record["cells"].get(cell_id) or (cell.source if cell else "")
    context.variables = sandbox.kernel_variables(learner=learner, track=part.track, part=part.slug)
    return context
