"""Track overview, the learn index and the home page's call to action."""

import pytest

from learn import progress

from .conftest import TRACK

pytestmark = pytest.mark.django_db


def set_visitor_progress(client, data):
    session = client.session
    session[progress.SESSION_KEY] = data
    session.save()


def test_track_page_lists_the_parts_in_order(visitor):
    html = visitor.get(f"/learn/{TRACK}/").content.decode()
    assert "Track 0 · Test fixtures" in html
    assert "<h1>The Demo Committee</h1>" in html
    positions = [html.index(title) for title in ("Grids of numbers", "A neuron", "Voting")]
    assert positions == sorted(positions)
    assert "Pictures are grids · 20 min · beginner" in html
    assert "From a sum to a vote · 15 min · intermediate" in html
    assert "0/2 sections" in html
    assert f'href="/learn/{TRACK}/01-grids/#s-1-1">' in html
    assert "Start with Part 1" in html


def test_track_page_shows_progress_and_resumes_at_the_first_unfinished_section(visitor):
    set_visitor_progress(
        visitor,
        {
            f"{TRACK}/01-grids": {"cell": ["setup", "make-lines", "agreement"], "read": []},
            f"{TRACK}/02-neuron": {"cell": [], "read": ["2.2"]},
        },
    )
    html = visitor.get(f"/learn/{TRACK}/").content.decode()
    assert "2/2 sections ✓" in html
    assert "1/2 sections" in html
    assert '<progress max="2" value="1"' in html
    assert f'href="/learn/{TRACK}/02-neuron/#s-2-1">' in html
    assert "Resume: Part 2, section 2.1" in html


def test_finished_track(visitor):
    set_visitor_progress(
        visitor,
        {
            f"{TRACK}/01-grids": {"cell": ["setup", "make-lines", "agreement"]},
            f"{TRACK}/02-neuron": {
                "cell": ["setup", "weights", "weights-plot"],
                "read": ["2.2"],
                "pass": ["middle-score"],
            },
            f"{TRACK}/03-voting": {"cell": ["setup", "votes", "threshold"]},
        },
    )
    html = visitor.get(f"/learn/{TRACK}/").content.decode()
    assert "Track complete." in html
    assert "Sign up to receive your certificate" in html
    assert "1/1 exercises" in html
    lesson = visitor.get(f"/learn/{TRACK}/03-voting/").content.decode()
    nav = lesson.split('class="lesson-parts"', 1)[1].split("</nav>", 1)[0]
    assert nav.count("(finished)") == 3


def test_learn_index_lists_tracks_with_progress(visitor):
    set_visitor_progress(visitor, {f"{TRACK}/03-voting": {"cell": ["setup", "votes"]}})
    html = visitor.get("/learn/").content.decode()
    assert f'href="/learn/{TRACK}/">The Demo Committee</a>' in html
    assert "15 min · 1/2 sections" in html


def test_track_page_query_counts(visitor, member_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        visitor.get(f"/learn/{TRACK}/")
    # session, user, profile and unread notifications (header), progress marks
    with django_assert_num_queries(5):
        member_client.get(f"/learn/{TRACK}/")


def test_home_page_starts_track_one(visitor):
    html = visitor.get("/").content.decode()
    assert f'href="/learn/{TRACK}/01-grids/">Start Track 1</a>' in html


def test_home_page_resumes_where_the_learner_stopped(visitor):
    set_visitor_progress(visitor, {f"{TRACK}/02-neuron": {"cell": ["setup", "weights"]}})
    html = visitor.get("/").content.decode()
    assert f'href="/learn/{TRACK}/02-neuron/#s-2-1">Resume Part 2</a>' in html


def test_home_page_resumes_for_members(member_client, member):
    from learn.models import ProgressMark

    ProgressMark.objects.create(
        user=member, track=TRACK, part="03-voting", kind="cell", key="setup"
    )
    html = member_client.get("/").content.decode()
    assert f'href="/learn/{TRACK}/03-voting/#s-3-1">Resume Part 3</a>' in html


def test_home_page_without_lessons(visitor, settings, tmp_path):
    settings.LESSONS_DIR = tmp_path
    html = visitor.get("/").content.decode()
    assert 'href="/learn/">Start Track 1</a>' in html


def test_a_section_with_an_exercise_waits_for_its_pass(visitor):
    cells = {"cell": ["setup", "weights", "weights-plot"], "read": ["2.2"]}
    set_visitor_progress(visitor, {f"{TRACK}/02-neuron": cells})
    html = visitor.get(f"/learn/{TRACK}/").content.decode()
    assert "1/2 sections · 0/1 exercises" in html
    assert "Resume: Part 1, section 1.1" in html
