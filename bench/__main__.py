"""`make bench`: run every benchmark module in this folder (bench_*.py) and print its tables.

Benchmarks measure speed; tests never do. Each module has a `main()` that prints Markdown
tables, and can be run alone: `python -m bench.bench_lessons`.
"""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(selected: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    if not names:
        sys.stderr.write("no benchmarks found\n")
        return 1
    for name in names:
        sys.stdout.write(f"\n## {name.removeprefix('bench_')}\n\n")
        sys.stdout.flush()
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
