"""Every per-run limit, against the real runner (test limits: 2 s CPU, 20 s wall, 384 MiB,
256 KiB of output, 10 figures). A broken limit answers status "limit" with a message that names
it; a kernel that had to be killed is replaced and the learner is told what to re-run."""

import base64

import pytest

from tests.sandbox.helpers import of_type, run, text

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]


def test_cpu_limit_interrupts_a_python_loop_and_keeps_the_kernel(sandbox, visitor):
    run(visitor, "kept = 'still here'", cell="setup")
    answer = run(visitor, "while True:\n    pass")
    assert answer["status"] == "limit"
    assert answer["limit"] == "cpu"
    assert "CPU" in answer["message"]
    assert answer["kernel"]["state"] == "ready"
    assert text(run(visitor, "print(kept)")) == "still here\n"


def test_cpu_limit_kills_a_kernel_that_ignores_interrupts(sandbox, visitor):
    run(visitor, "kept = 1", cell="setup")
    code = (
        "import signal\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGXCPU, signal.SIG_IGN)\n"
        "while True:\n"
        "    pass\n"
    )
    answer = run(visitor, code)
    assert answer["status"] == "limit"
    assert answer["limit"] == "cpu"
    assert answer["kernel"]["state"] == "restarted"
    assert "CPU" in answer["message"]
    assert "variables are gone" in answer["message"]
    assert "replayed when you next run" in answer["message"]  # the site replays "setup"
    after = run(visitor, "print('kept' in globals())")
    assert text(after) == "True\n"
    assert after["kernel"]["state"] == "restored"


def test_cpu_limit_stops_a_long_numpy_call(sandbox, visitor):
    code = "import numpy as np\na = np.ones((2500, 2500))\nfor _ in range(100):\n    a @ a\n"
    answer = run(visitor, code)
    assert answer["status"] == "limit"
    assert answer["limit"] == "cpu"
    assert answer["kernel"]["state"] in ("ready", "restarted")
    assert run(visitor, "print(1)")["status"] == "ok"


def test_wall_time_limit_interrupts_a_sleep(sandbox, short_wall_runner, visitor):
    answer = run(visitor, "import time\ntime.sleep(3600)")
    assert answer["status"] == "limit"
    assert answer["limit"] == "wall"
    assert "3 s" in answer["message"]
    assert run(visitor, "print(1)")["status"] == "ok"


def test_memory_limit(sandbox, visitor):
    answer = run(visitor, "block = bytearray(2 * 1024**3)")
    assert answer["status"] == "limit"
    assert answer["limit"] == "memory"
    assert "384 MiB" in answer["message"]
    assert of_type(answer, "error")[0]["ename"] == "MemoryError"
    # a slow climb ends the same way, and the kernel recovers once the list is dropped
    code = (
        "blocks = []\n"
        "try:\n"
        "    while True:\n"
        "        blocks.append(bytearray(8 * 1024**2))\n"
        "finally:\n"
        "    n = len(blocks)\n"
        "    del blocks\n"
    )
    assert run(visitor, code)["limit"] == "memory"
    assert 10 < int(text(run(visitor, "print(n)"))) < 60


def test_output_limit_truncates_with_a_notice(sandbox, visitor):
    answer = run(visitor, "for i in range(200_000):\n    print('line', i)")
    assert answer["status"] == "limit"
    assert answer["limit"] == "output"
    printed = text(answer)
    assert printed.startswith("line 0\nline 1\n")
    assert len(printed.encode()) <= 256 * 1024
    assert "Output cut off" in text(answer, "stderr")
    assert "output limit" in answer["message"]
    assert run(visitor, "print('fine')")["status"] == "ok"


def test_one_huge_print_is_truncated(sandbox, visitor):
    answer = run(visitor, "print('x' * 10_000_000)")
    assert answer["limit"] == "output"
    assert len(text(answer).encode()) <= 256 * 1024


def test_figure_count_limit(sandbox, visitor):
    code = (
        "import matplotlib.pyplot as plt\n"
        "for i in range(14):\n"
        "    plt.figure()\n"
        "    plt.plot([i, 0])\n"
    )
    answer = run(visitor, code)
    assert answer["status"] == "limit"
    assert answer["limit"] == "figures"
    assert len(of_type(answer, "display_data")) == 10
    assert "10 figures" in answer["message"]


def test_a_huge_figure_is_drawn_smaller(sandbox, visitor):
    code = (
        "import matplotlib.pyplot as plt\n"
        "plt.figure(figsize=(400, 300))\n"
        "plt.plot([1, 2])\n"
        "plt.show()"
    )
    answer = run(visitor, code)
    figure = of_type(answer, "display_data")[0]
    png = base64.b64decode(figure["data"]["image/png"])
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width * height <= 4_200_000


def test_a_png_over_the_size_limit_is_left_out(sandbox, visitor):
    code = (
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "plt.figure(figsize=(20, 20))\n"
        "noise = np.random.default_rng(1).integers(0, 256, (1400, 1400, 3), dtype=np.uint8)\n"
        "plt.figimage(noise)\nplt.show()\n"
    )
    answer = run(visitor, code)
    assert of_type(answer, "display_data") == []
    assert "limit" in text(answer, "stderr")


def test_scratch_space_is_limited(sandbox, visitor):
    code = (
        "import os\nwritten = 0\n"
        "try:\n"
        "    with open('big.bin', 'wb') as fh:\n"
        "        while written < 200 * 1024**2:\n"
        "            fh.write(b'0' * 1024**2)\n"
        "            written += 1024**2\n"
        "except OSError as exc:\n"
        "    print(type(exc).__name__, exc.errno)\n"
        "print(written // 1024**2)\n"
        "os.remove('big.bin')\n"
    )
    answer = run(visitor, code)
    lines = text(answer).split()
    assert lines[0] == "OSError"
    assert int(lines[-1]) <= 33
