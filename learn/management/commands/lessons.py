"""`manage.py lessons check` validates the lesson files; `lessons export` writes notebooks."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learn import content
from learn.notebook import colab_url, notebook_json


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
        export.add_argument(
            "--colab",
            metavar="OWNER/REPO/BRANCH",
            help="the GitHub repository and branch the folder will be pushed to: also writes "
            "an index README.md with an Open in Colab link per part, and prints the "
            "COLAB_GITHUB_REPO value that turns the site's buttons into those links",
        )

    def handle(self, *args, action: str, dir: Path | None = None, **options):
        root = dir or settings.LESSONS_DIR
        errors = content.check(root)
        if action == "check":
            return self._check(root, errors)
        self._export(root, errors, options["out"])
        if options.get("colab"):
            self._colab_index(root, options["out"], options["colab"])

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

    def _colab_index(self, root: Path, out: Path, repo: str) -> None:
        pieces = repo.strip("/").split("/")
        if len(pieces) != 3 or not all(pieces):
            raise CommandError("--colab takes OWNER/REPO/BRANCH, e.g. agenticworks/notebooks/main")
        # The notebooks sit at the repository's top level, so the folder part is empty.
        value = "/".join(pieces)
        lines = ["# AgenticWorks notebooks", "", "Open a part in Colab:", ""]
        for track in content.library(root).tracks:
            lines += [f"## {track.title}", ""]
            lines += [f"- [{p.sidebar_title}]({colab_url(p, value)})" for p in track.parts]
            lines.append("")
        (out / "README.md").write_text("\n".join(lines), encoding="utf-8")
        self.stdout.write(
            f"Push {out}/ as the top level of github.com/{pieces[0]}/{pieces[1]} "
            f"(branch {pieces[2]}), then set COLAB_GITHUB_REPO={value} on the site."
        )
