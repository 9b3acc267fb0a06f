"""POST …/run against a real runner: state, outputs, errors, figures, streaming, bad input."""

import base64
import json

import pytest
from django.test import Client

from learn import figures
from tests.sandbox.helpers import kernel_op, of_type, run, run_stream, run_url, text

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db]


def test_state_survives_between_cells(sandbox, visitor):
    first = run(visitor, "import numpy as np\nweights = np.array([1, 2, 3])", cell="setup")
    assert first["status"] == "ok"
    assert first["kernel"]["state"] == "ready"
    second = run(visitor, "print(weights.sum())")
    assert second["status"] == "ok"
    assert text(second) == "6\n"
    assert second["execution_count"] == first["execution_count"] + 1


def test_learners_have_separate_kernels(sandbox, visitor, member_client):
    run(visitor, "secret = 'visitor'")
    answer = run(member_client, "print(secret)")
    assert answer["status"] == "error"
    assert of_type(answer, "error")[0]["ename"] == "NameError"


def test_every_output_kind_in_order(sandbox, visitor):
    code = (
        "import sys\n"
        "import matplotlib.pyplot as plt\n"
        "print('to stdout')\n"
        "print('to stderr', file=sys.stderr)\n"
        "plt.plot([0, 1], [1, 0])\n"
        "plt.title('Falling line')\n"
        "plt.show()\n"
        "21 * 2\n"
    )
    answer = run(visitor, code)
    assert answer["status"] == "ok"
    kinds = [o["output_type"] for o in answer["outputs"]]
    assert kinds == ["stream", "stream", "display_data", "execute_result"]
    assert text(answer) == "to stdout\n"
    assert text(answer, "stderr") == "to stderr\n"
    assert of_type(answer, "execute_result")[0]["data"]["text/plain"] == "42"
    figure = of_type(answer, "display_data")[0]
    png = base64.b64decode(figure["data"]["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert figure["metadata"]["title"] == "Falling line"
    assert isinstance(answer["duration_ms"], int | float)


def test_open_figures_are_shown_after_the_cell_and_closed(sandbox, visitor):
    answer = run(visitor, "import matplotlib.pyplot as plt\nplt.figure()\nplt.plot([1, 2])")
    assert len(of_type(answer, "display_data")) == 1
    again = run(visitor, "print(len(plt.get_fignums()))")
    assert text(again) == "0\n"
    assert of_type(again, "display_data") == []


def test_figures_are_remembered_for_pinning_and_sharing(sandbox, visitor):
    answer = run(visitor, "import matplotlib.pyplot as plt\nplt.plot([3, 1, 2])\nplt.show()")
    figure = of_type(answer, "display_data")[0]
    figure_id = figure["metadata"]["agenticworks"]["figure_id"]
    request = type("R", (), {"user": type("U", (), {"is_authenticated": False})()})()
    request.session = visitor.session
    remembered = figures.figure_recall(request, figure_id)
    assert remembered is not None
    assert remembered.png == base64.b64decode(figure["data"]["image/png"])
    assert remembered.cell_id == "pixels"


def test_traceback_shows_the_learners_own_lines_only(sandbox, visitor):
    code = "import numpy as np\n\ndef scale(x):\n    return np.ones(3) @ np.ones(x)\n\nscale(4)\n"
    answer = run(visitor, code, label="cell 003")
    assert answer["status"] == "error"
    error = of_type(answer, "error")[0]
    assert error["ename"] == "ValueError"
    lines = "\n".join(error["traceback"])
    assert 'File "<cell 003>", line 6, in <module>' in lines
    assert 'File "<cell 003>", line 4, in scale' in lines
    assert "    return np.ones(3) @ np.ones(x)" in lines
    assert "sandbox" not in lines  # no frame of the runner
    assert "numpy" not in lines.split("ValueError")[0]  # nor of the library


def test_syntax_error_points_at_the_line(sandbox, visitor):
    answer = run(visitor, "x = 1\nif x >\n    pass\n")
    error = of_type(answer, "error")[0]
    assert error["ename"] == "SyntaxError"
    assert 'File "<cell pixels>", line 2' in "\n".join(error["traceback"])


def test_learner_name_is_defined(sandbox, visitor, make_member):
    assert text(run(visitor, "print(LEARNER_NAME)")) == "Learner\n"
    ada = make_member("ada_l")
    ada.profile.display_name = "Ada Lovelace"
    ada.profile.save()
    client = Client()
    client.force_login(ada)
    assert text(run(client, "print(LEARNER_NAME)")) == "Ada Lovelace\n"


def test_input_is_refused_clearly(sandbox, visitor):
    answer = run(visitor, "input('name? ')")
    assert "input() is not available" in of_type(answer, "error")[0]["evalue"]


def test_system_exit_does_not_end_the_kernel(sandbox, visitor):
    run(visitor, "kept = 1")
    answer = run(visitor, "import sys\nsys.exit(3)")
    assert of_type(answer, "error")[0]["ename"] == "SystemExit"
    assert text(run(visitor, "print(kept)")) == "1\n"


def test_successful_run_reports_progress(sandbox, visitor, monkeypatch):
    calls = []

    def record_run(request, *, track, part, cell_id, ok):
        calls.append((track, part, cell_id, ok))
        return {"done": 1, "total": 2, "sections": {"1.1": True, "1.2": False}}

    monkeypatch.setattr("learn.progress.record_run", record_run)
    answer = run(visitor, "x = 1", cell="setup")
    assert answer["progress"] == {"done": 1, "total": 2, "sections": {"1.1": True, "1.2": False}}
    run(visitor, "1/0")
    assert calls == [
        ("brains-decision-committee", "01-the-first-neuron", "setup", True),
        ("brains-decision-committee", "01-the-first-neuron", "pixels", False),
    ]


def test_streaming_answer_sends_outputs_then_the_result(sandbox, visitor):
    events = run_stream(visitor, "for i in range(3):\n    print(i)\n'done'")
    assert events[0] == {"type": "state", "state": "starting"}
    assert [e["type"] for e in events[1:]][-1] == "result"
    printed = "".join(
        e["output"]["text"]
        for e in events
        if e["type"] == "output" and e["output"]["output_type"] == "stream"
    )
    assert printed == "0\n1\n2\n"
    result = events[-1]
    assert result["status"] == "ok"
    assert result["kernel"]["isolation"] in ("full", "partial", "none")
    assert "progress" in result


def test_scratch_cells_of_the_lab_run(sandbox, visitor):
    assert run(visitor, "print('lab')", cell="scratch-12")["status"] == "ok"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ("not json", 400, "Send JSON"),
        ("[1, 2]", 400, "JSON object"),
        ('{"code": "1"}', 400, '"cell"'),
        ('{"cell": "pixels", "code": 5}', 400, '"code"'),
        ('{"cell": "nope", "code": "1"}', 404, "no cell"),
        ('{"cell": "pixels", "code": "\\u0000"}', 400, "NUL"),
        ('{"cell": "pixels", "code": "x = 1  # \\ud800"}', 400, "not valid text"),
    ],
)
def test_bad_input_gets_a_clear_json_answer(sandbox, visitor, body, status, words):
    response = visitor.post(run_url(), data=body, content_type="application/json")
    assert response.status_code == status
    assert words in response.json()["message"]


def test_oversize_code_is_refused(sandbox, visitor, settings):
    settings.SANDBOX_CODE_BYTES = 1000
    answer = run(visitor, "x = 1\n" * 400)
    assert answer["_http"] == 413
    assert "too long" in answer["message"]


def test_unknown_part_is_404(sandbox, visitor):
    response = visitor.post(
        run_url(part="02-a-single-neuron"),
        data=json.dumps({"cell": "setup", "code": "1"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert "no such lesson part" in response.json()["message"]
    response = visitor.post(run_url(part="99-nothing"), data="{}", content_type="application/json")
    assert response.status_code == 404


def test_get_is_not_allowed(sandbox, visitor):
    assert visitor.get(run_url()).status_code == 405


def test_csrf_token_is_required(sandbox):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        run_url(), data=json.dumps({"cell": "pixels", "code": "1"}), content_type="application/json"
    )
    assert response.status_code == 403


def test_runs_are_rate_limited_per_learner(sandbox, visitor, settings):
    settings.SANDBOX_RUNS_PER_MINUTE = 2
    assert run(visitor, "1")["_http"] == 200
    assert run(visitor, "1")["_http"] == 200
    limited = run(visitor, "1")
    assert limited["_http"] == 429
    assert "Too many runs" in limited["message"]
    assert run(Client(), "1")["_http"] == 200  # someone else is not limited


def test_runner_down_is_a_calm_503(sandbox, visitor, settings, tmp_path):
    settings.SANDBOX_SOCKET = tmp_path / "nobody-listens.sock"
    answer = run(visitor, "1")
    assert answer["_http"] == 503
    assert answer["kernel"]["state"] == "unavailable"
    assert "not available" in answer["message"]
    assert kernel_op(visitor, "restart")["_http"] == 503


def test_visitors_from_elsewhere_run_code_only_with_full_isolation(sandbox, visitor, settings):
    answer = run(visitor, "print(1)", remote_addr="203.0.113.9")
    if sandbox.status()["isolation"] == "full":
        assert answer["status"] == "ok"
        return
    assert answer["status"] == "error"
    assert "not fully isolated" in answer["message"]
    assert run(visitor, "print(1)")["status"] == "ok"  # from this machine it runs
    settings.SANDBOX_ALLOW_PARTIAL_ISOLATION = True
    assert run(visitor, "print(1)", remote_addr="203.0.113.9")["status"] == "ok"


def test_partial_isolation_serves_only_this_machine(sandbox, start_runner, settings, visitor):
    runner = start_runner(disable_layers="landlock")
    settings.SANDBOX_SOCKET = runner.socket_path
    status = runner.status()
    assert status["isolation"] == "partial"
    assert status["missing"] == ["landlock"]
    answer = run(visitor, "print(1)", remote_addr="203.0.113.9")
    assert answer["status"] == "error"
    assert answer["kernel"]["state"] == "unavailable"
    assert "not fully isolated" in answer["message"]
    # behind a proxy nobody said to trust, a local address does not count as local
    answer = run(visitor, "print(1)", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert "not fully isolated" in answer["message"]
    local = run(visitor, "print(1)")
    assert local["status"] == "ok"
    assert local["kernel"]["isolation"] == "partial"
    assert local["kernel"]["missing"] == ["landlock"]
    settings.SANDBOX_ALLOW_PARTIAL_ISOLATION = True
    assert run(visitor, "print(2)", remote_addr="203.0.113.9")["status"] == "ok"
