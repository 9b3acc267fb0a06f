"""`manage.py lessons check` validates the lesson files; `lessons export` writes notebooks."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learn import content
from learn.notebook import notebook_json


class Command(BaseCommand):
    help = "Check the lesson files, or export every part as a Jupyter notebook."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        check = commands.add_parser("check", help="Report every error with its file and line.")
        check.add_argument("--dir", type=Path, help="lessons folder (default: LESSONS_DIR)")
        export = commands.add_parser(
            "export", help="Write <track>/<part>.ipynb for every part (for Open in Colab)."
        )
        export.add_argument("--dir", type=Path, help="lessons folder (default: LESSONS_DIR)")
        export.add_argument(
            "--out",
            type=Path,
            default=Path("notebooks"),
            help="folder to write (default: notebooks)",
        )

    def handle(self, *args, action: str, dir: Path | None = None, **options):
        root = dir or settings.LESSONS_DIR
        errors = content.check(root)
        if action == "check":
            return self._check(root, errors)
        return self._export(root, errors, options["out"])

    def _check(self, root: Path, errors: list) -> None:
        for error in errors:
            self.stderr.write(str(error))
        loaded = content.library(root)
        parts = sum(len(track.parts) for track in loaded.tracks)
        summary = f"{len(loaded.tracks)} track(s), {parts} part(s) loaded from {root}"
        if errors:
            raise CommandError(f"{len(errors)} error(s) in the lesson files; {summary}.")
        self.stdout.write(self.style.SUCCESS(f"Lessons OK: {summary}."))

    def _export(self, root: Path, errors: list, out: Path) -> None:
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError("Fix the lesson files before exporting (see `lessons check`).")
        written = 0
        for track in content.library(root).tracks:
            folder = out / track.slug
            folder.mkdir(parents=True, exist_ok=True)
            for part in track.parts:
                (folder / f"{part.slug}.ipynb").write_text(notebook_json(part), encoding="utf-8")
                written += 1
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} notebook(s) to {out}."))
