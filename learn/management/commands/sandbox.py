"""`manage.py sandbox status | serve | devserver`: the code runner from the site's side.

status      which isolation layers each runner has, its kernels and load
serve       run a runner in the foreground on SANDBOX_SOCKET (one-machine deployments)
devserver   start a runner, then Django's runserver; Ctrl-C stops both (what `make run` does)
"""

import json
import os
import signal
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from learn import sandbox


def runner_isolation(address: str) -> str:
    try:
        return sandbox.runner_status(address).get("isolation", "unknown")
    except Exception:  # noqa: BLE001 (a missing cache table must not stop the dev server)
        return "unknown"


class Command(BaseCommand):
    help = "Code sandbox: status of the runners, or start one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="isolation layers, kernels and load per runner")
        status.add_argument("--json", action="store_true", help="print the raw status as JSON")
        sub.add_parser("serve", help="run a runner on SANDBOX_SOCKET in the foreground")
        dev = sub.add_parser("devserver", help="a runner plus runserver, stopped together")
        dev.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, action: str, **options):
        if action == "status":
            return self.status(as_json=options["json"])
        if action == "serve":
            return self.serve()
        return self.devserver(options["addrport"])

    def status(self, *, as_json: bool) -> None:
        report = sandbox.all_status()
        if as_json:
            self.stdout.write(json.dumps(report, indent=2))
            return
        for entry in report:
            if not entry["ok"]:
                self.stdout.write(f"{entry['address']}: not reachable ({entry['error']})")
                continue
            style = self.style.SUCCESS if entry["isolation"] == "full" else self.style.WARNING
            self.stdout.write(f"{entry['address']}: isolation " + style(entry["isolation"]))
            self.stdout.write(f"  active:  {', '.join(entry['layers']) or 'none'}")
            self.stdout.write(f"  missing: {', '.join(entry['missing']) or 'nothing'}")
            for note in entry.get("notes", []):
                self.stdout.write(f"  note:    {note}")
            self.stdout.write(f"  landlock ABI: {entry.get('landlock_abi', 'unknown')}")
            self.stdout.write(f"  cgroups: {self.describe_cgroups(entry.get('cgroups'))}")
            if entry.get("partial_kernels"):
                self.stdout.write(
                    self.style.WARNING(
                        f"  {entry['partial_kernels']} kernel(s) lack a layer the runner has"
                    )
                )
            self.stdout.write(
                f"  kernels: {entry['kernels']} of {entry['max_kernels']} "
                f"({entry['busy']} busy); memory available: {entry['mem_available_mb']:.0f} MiB"
            )
        if any(entry.get("isolation") not in (None, "full") for entry in report):
            if settings.SANDBOX_ALLOW_PARTIAL_ISOLATION:
                self.stdout.write("SANDBOX_ALLOW_PARTIAL_ISOLATION is on: code runs for everyone.")
            else:
                self.stdout.write("Only visitors on this machine may run code until it is full.")

    @staticmethod
    def describe_cgroups(info) -> str:
        """One line on the runner's cgroup layer."""
        if not isinstance(info, dict):
            return "unknown (an older runner)"
        if not info.get("active"):
            return f"none ({info.get('error') or 'unavailable'})"
        return (
            f"v{info['version']}, {info['kernel_memory_mb']} MiB and {info['kernel_pids']} tasks "
            f"per kernel, {info['total_memory_mb']} MiB for all, CPU shares "
            f"{info['cpu_shares']}; {info['kernel_cgroups']} kernel cgroup(s) under "
            f"{info['parent']}"
        )

    def serve(self) -> None:
        path = settings.SANDBOX_SOCKET
        os.chdir(settings.BASE_DIR)  # `-m sandbox` imports the package from the project
        os.execve(  # noqa: S606 (replace this process with the runner)
            sys.executable,
            [
                "python",
                "-m",
                "sandbox",
                "serve",
                "--socket",
                str(path),
                "--state-dir",
                str(path.parent),
            ],
            sandbox.runner_environment(),
        )

    def devserver(self, addrport: str) -> None:
        if os.environ.get("RUN_MAIN") == "true":
            # The autoreloader's child: the runner is already up (started by its parent).
            call_command("runserver", addrport)
            return
        path = settings.SANDBOX_SOCKET
        self.stdout.write(f"Starting the code runner on {path} …")
        try:
            runner = sandbox.start_runner(socket_path=path, state_dir=path.parent)
        except sandbox.RunnerUnavailableError as exc:
            raise CommandError(str(exc)) from None
        try:
            level = runner_isolation(f"unix://{path}")
            self.stdout.write(f"Code runner ready (isolation: {level}).")
            call_command("runserver", addrport)
        finally:
            runner.send_signal(signal.SIGTERM)
            try:
                runner.wait(10)
            except Exception:  # noqa: BLE001
                runner.kill()
