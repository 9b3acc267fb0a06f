"""Section progress: runs and reads count per section, for visitors (session) and members."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory

from learn import progress
from learn.models import ProgressMark
from tests.conftest import PASSWORD

from .conftest import TRACK, lesson_url

pytestmark = pytest.mark.django_db


def request_for(client=None, user=None):
    """A request sharing the test client's session (visitor) or signed in as `user`."""
    request = RequestFactory().get("/")
    request.session = client.session if client is not None else None
    request.user = user or AnonymousUser()
    return request


def run(request, cell, part="01-grids", ok=True):
    result = progress.record_run(request, track=TRACK, part=part, cell_id=cell, ok=ok)
    if request.session is not None:
        request.session.save()
    return result


def test_a_section_is_done_when_all_its_cells_ran_without_error(visitor):
    request = request_for(visitor)
    assert run(request, "make-lines") == {
        "done": 0,
        "total": 2,
        "sections": {"1.1": False, "1.2": False},
        "exercises_done": 0,
        "exercises_total": 0,
    }
    assert run(request, "setup")["sections"] == {"1.1": True, "1.2": False}
    assert run(request, "agreement", ok=False)["done"] == 1  # an error does not count
    assert run(request, "agreement") == {
        "done": 2,
        "total": 2,
        "sections": {"1.1": True, "1.2": True},
        "exercises_done": 0,
        "exercises_total": 0,
    }


def test_scratch_and_unknown_cells_do_not_count(visitor):
    request = request_for(visitor)
    assert run(request, "scratch-1")["done"] == 0
    assert run(request, "no-such-cell")["done"] == 0
    assert progress.record_run(request, track=TRACK, part="99-x", cell_id="setup", ok=True) == {
        "done": 0,
        "total": 0,
        "sections": {},
    }  # no such part


def test_status_line_count_follows_runs(visitor):
    request = request_for(visitor)
    run(request, "setup")
    run(request, "make-lines")
    html = visitor.get(lesson_url("01-grids")).content.decode()
    assert "Sections: <span data-sections-done>1</span>/<span data-sections-total>2</span>" in html


def test_mark_a_section_without_code_as_read(visitor):
    response = visitor.post(lesson_url("02-neuron", "read"), {"section": "2.2"})
    assert response.status_code == 302
    assert response["Location"] == "/learn/decision-demo/02-neuron/#s-2-2"
    html = visitor.get(lesson_url("02-neuron")).content.decode()
    assert 'data-section="2.2" data-section-done="true"' in html
    assert "Section 2.2 read ✓" in html
    assert "Sections: <span data-sections-done>1</span>/<span data-sections-total>2</span>" in html


def test_mark_read_answers_json_for_the_page_script(member_client, member):
    response = member_client.post(
        lesson_url("02-neuron", "read"), {"section": "2.2"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {
        "progress": {
            "done": 1,
            "total": 2,
            "sections": {"2.1": False, "2.2": True},
            "exercises_done": 0,
            "exercises_total": 1,
        }
    }
    assert ProgressMark.objects.filter(user=member, kind="read", key="2.2").count() == 1


def test_sections_with_code_cannot_be_marked_read(member_client):
    response = member_client.post(
        lesson_url("02-neuron", "read"), {"section": "2.1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "without code" in response.json()["message"]
    response = member_client.post(lesson_url("02-neuron", "read"), {"section": "9.9"}, follow=True)
    assert "Only sections without code cells are marked read." in response.content.decode()


def test_member_progress_is_stored_once(member):
    request = request_for(user=member)
    run(request, "setup")
    run(request, "setup")
    assert ProgressMark.objects.filter(user=member).count() == 1
    assert run(request, "make-lines")["sections"]["1.1"] is True


def visit_and_run(client):
    request = request_for(client)
    run(request, "setup")
    run(request, "make-lines")
    client.post(lesson_url("02-neuron", "read"), {"section": "2.2"})


def test_visitor_progress_merges_on_sign_in(client, member):
    visit_and_run(client)
    run(request_for(user=member), "agreement")  # progress the member already had
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    marks = set(ProgressMark.objects.filter(user=member).values_list("part", "kind", "key"))
    assert marks == {
        ("01-grids", "cell", "setup"),
        ("01-grids", "cell", "make-lines"),
        ("01-grids", "cell", "agreement"),
        ("02-neuron", "read", "2.2"),
    }
    assert progress.SESSION_KEY not in client.session
    html = client.get(lesson_url("01-grids")).content.decode()
    assert "Sections: <span data-sections-done>2</span>/<span data-sections-total>2</span>" in html


def test_visitor_progress_merges_on_sign_up(client, django_user_model):
    visit_and_run(client)
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="newbie")
    assert ProgressMark.objects.filter(user=user).count() == 3
    assert progress.completed_section_count(user) == 2


def test_profile_summaries(member):
    request = request_for(user=member)
    run(request, "setup")
    run(request, "make-lines")
    rows = progress.track_progress_for_user(member)
    assert [(row["part"].key, row["done"], row["total"]) for row in rows] == [
        ("decision-demo/01-grids", 1, 2),
        ("decision-demo/02-neuron", 0, 2),
        ("decision-demo/03-voting", 0, 2),
    ]
    assert progress.completed_section_count(member) == 1
    assert progress.completed_section_count(AnonymousUser()) == 0


def test_a_lesson_edit_never_leaves_stale_counts(member, lessons_copy):
    request = request_for(user=member)
    run(request, "setup", part="03-voting")
    run(request, "votes", part="03-voting")
    assert progress.completed_section_count(member) == 1
    path = lessons_copy / TRACK / "03-voting.md"
    votes = "step([-1.0, 0.5, 2.0])\n```\n"
    more = "\n```{code-cell} ipython3\n:id: more\n\nstep(3)\n```\n"
    path.write_text(path.read_text().replace(votes, votes + more))
    assert progress.completed_section_count(member) == 0  # a new cell to run in 3.1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_never_lose_a_mark(member):
    """Eight requests at once, two per cell, all for the same member and part."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The shared-cache in-memory test database answers SQLITE_LOCKED at once instead of
        # waiting like a file database does; CI runs this test on PostgreSQL.
        pytest.skip("needs a database that several connections can write at once")
    cells = [
        "setup",
        "make-lines",
        "agreement",
        "setup",
        "make-lines",
        "agreement",
        "setup",
        "agreement",
    ]
    barrier = threading.Barrier(len(cells))
    failures = []

    def worker(cell):
        try:
            barrier.wait()
            progress.record_run(
                request_for(user=member), track=TRACK, part="01-grids", cell_id=cell, ok=True
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(cell,)) for cell in cells]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(ProgressMark.objects.filter(user=member).values_list("key", flat=True)) == [
        "agreement",
        "make-lines",
        "setup",
    ]


def test_the_race_between_two_requests_is_harmless(member):
    """The other request's insert lands first: ours is ignored, not an error, nothing lost."""
    ProgressMark.objects.create(user=member, track=TRACK, part="01-grids", kind="cell", key="setup")
    result = run(request_for(user=member), "setup")
    result = run(request_for(user=member), "make-lines")
    assert result["sections"]["1.1"] is True
    assert ProgressMark.objects.filter(user=member).count() == 2
