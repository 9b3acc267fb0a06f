"""The lesson page (SPEC section 3) rendered from the fixture track."""

import re

import pytest
from django.utils.html import escape

from learn import progress

from .conftest import lesson_url

pytestmark = pytest.mark.django_db


def page(client, part="01-grids"):
    response = client.get(lesson_url(part))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_header_actions_and_status_line(visitor):
    html = page(visitor)
    assert "Reading images as numbers" in html  # kicker
    assert "Part 1 · 20 min · beginner" in html
    assert "<h1>Pictures are grids</h1>" in html
    assert "A 3×3 image is a small matrix" in html
    assert 'href="/learn/decision-demo/01-grids/notebook.ipynb" download>Download notebook' in html
    assert 'href="/learn/decision-demo/01-grids/lab/">Full lab fallback' in html
    assert "File → Upload notebook" in html  # no COLAB_GITHUB_REPO: how to upload instead
    text = text_of(html)
    assert "Kernel: Cold" in text
    assert "Sections: 0/2" in text
    for action in ("restart", "interrupt", "run-all"):
        assert f'data-kernel-action="{action}"' in html


def test_open_in_colab_links_to_github_when_configured(visitor, settings):
    settings.COLAB_GITHUB_REPO = "agw/lessons/main/notebooks"
    html = page(visitor)
    assert (
        'href="https://colab.research.google.com/github/agw/lessons/blob/main/notebooks/'
        'decision-demo/01-grids.ipynb"'
    ) in html
    assert "File → Upload notebook" not in html


def test_left_list_of_parts_with_current_one(visitor):
    html = page(visitor, "02-neuron")
    nav = html.split('class="lesson-parts"', 1)[1].split("</nav>", 1)[0]
    assert [m for m in re.findall(r'part-title">([^<]+)<', nav)] == [
        "Grids of numbers",
        "A neuron",
        "Voting",
    ]
    assert 'href="/learn/decision-demo/02-neuron/" aria-current="page"' in nav


def test_cells_follow_the_dom_contract(visitor):
    html = page(visitor)
    assert 'data-lesson\n       data-track="decision-demo" data-part="01-grids"' in html
    assert 'data-run-url="/learn/decision-demo/01-grids/run"' in html
    assert 'data-pin-url="/learn/decision-demo/01-grids/pins/"' in html
    cell = html.split('id="cell-make-lines"', 1)[1].split("data-cell-output", 1)[0]
    assert 'data-cell data-cell-id="make-lines" data-cell-label="cell 002"' in cell
    assert 'data-cell-action="run"' in cell
    assert 'data-cell-action="reset"' in cell
    source = "vertical = np.array([[0, 1, 0], [0, 1, 0], [0, 1, 0]], dtype=float)"
    assert f'data-original="{escape(source)}' in cell
    assert f"\n{escape(source)}\nhorizontal = vertical.T\nprint(vertical)</textarea>" in cell
    assert '<span class="nb">print</span>' in cell  # Pygments highlighting
    assert "1\n2\n3</pre>" in cell  # line numbers
    assert 'class="cell-label">cell 002<' in cell
    assert 'id="source-make-lines"' in cell
    assert 'aria-label="Code of cell 002"' in cell


def test_sections_are_numbered_and_anchored(visitor):
    html = page(visitor)
    assert 'id="s-1-1" data-section="1.1" data-section-done="false"' in html
    assert 'id="s-1-2" data-section="1.2"' in html
    assert '<span class="section-number">1.1</span> Two lines' in html


def test_prose_features(visitor):
    html = page(visitor)
    assert "<table>" in html
    assert '<td align="right">1</td>' in html
    assert '<div class="admonition note">\n<p class="admonition-title">Note</p>' in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert 'display="block"' in html
    assert "\\sum" not in html  # rendered on the server, not left for JavaScript
    # A link to another part's section becomes the site URL of that section.
    assert 'href="/learn/decision-demo/02-neuron/#s-2-1">a single neuron</a>' in html
    assert " . # .  vs  # # #" in html  # the ASCII diagram, preformatted


def test_display_only_code_section_without_cells_and_sanitizer(visitor):
    html = page(visitor, "02-neuron")
    assert "Display only · shown, not run here" in html
    assert '<span class="kn">import</span>' in html
    assert 'data-cell-id="torch' not in html
    assert 'href="#s-2-1">the weights</a>' in html
    assert '<div class="admonition tip">' in html
    assert '<div class="admonition warning">' in html
    # Raw HTML in a lesson is shown as text, never executed.
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    section = html.split('id="s-2-2"', 1)[1].split("</section>", 1)[0]
    assert "data-cell " not in section
    assert "Mark section 2.2 as read" in section


def test_right_rail(visitor):
    html = page(visitor)
    rail = html.split('class="lesson-rail"', 1)[1]
    assert "Illustrated step" in rail
    assert '<span class="card-label">Grid</span> <span class="card-kind">concept</span>' in rail
    assert "<h3>Pixels as numbers</h3>" in rail
    assert "AI tutor" in rail
    assert "Ask the tutor" in rail
    assert "Pinned output" in rail
    assert "press <strong>Pin</strong>" in rail
    assert "Discussion" in rail
    assert "No questions about this part yet." in rail


def test_discussion_lists_forum_topics(visitor, monkeypatch):
    class Topic:
        title = "Why transpose?"

        def get_absolute_url(self):
            return "/forum/t/1/"

    calls = []

    def topics_for_part(user, key, *, limit):
        calls.append((key, limit))
        return [Topic()]

    monkeypatch.setattr("learn.views.topics_for_part", topics_for_part)
    html = page(visitor)
    assert calls == [("decision-demo/01-grids", 5)]
    assert '<a href="/forum/t/1/">Why transpose?</a>' in html


def test_previous_and_next_links(visitor):
    first, middle, last = page(visitor), page(visitor, "02-neuron"), page(visitor, "03-voting")
    assert 'rel="prev"' not in first
    assert 'href="/learn/decision-demo/02-neuron/" rel="next"' in first
    assert 'href="/learn/decision-demo/01-grids/" rel="prev"' in middle
    assert 'href="/learn/decision-demo/03-voting/" rel="next"' in middle
    assert 'rel="next"' not in last


def test_works_with_no_code_runner_reachable(visitor, settings, tmp_path):
    settings.SANDBOX_SOCKET = tmp_path / "no-runner.sock"
    settings.SANDBOX_RUNNERS = []
    html = page(visitor)
    # The page never asks the runner anything: cells, editor and a cold kernel state render.
    assert "/static/learn/editor.js" in html
    assert "/static/learn/kernel.js" in html
    assert '<meta name="csrf-token"' in html
    assert "Kernel: Cold" in text_of(html)


def test_progress_shows_on_the_page(visitor, rf):
    session = visitor.session
    session[progress.SESSION_KEY] = {
        "decision-demo/01-grids": {"cell": ["setup", "make-lines"], "read": []}
    }
    session.save()
    html = page(visitor)
    assert "Sections: 1/2" in text_of(html)
    assert 'id="s-1-1" data-section="1.1" data-section-done="true"' in html
    assert 'id="s-1-2" data-section="1.2" data-section-done="false"' in html


@pytest.mark.parametrize(
    "path", ["/learn/decision-demo/99-nope/", "/learn/nope/01-grids/", "/learn/nope/"]
)
def test_unknown_track_or_part_is_404(visitor, path):
    assert visitor.get(path).status_code == 404


def test_query_counts(visitor, member_client, django_assert_num_queries):
    visitor.get(lesson_url("01-grids"))  # warm the lesson cache
    with django_assert_num_queries(1):  # a first-time visitor: the part's forum topics only
        visitor.get(lesson_url("01-grids"))
    # session, user, profile and unread notifications for the header, progress marks, pins,
    # whether the member moderates (hidden topics), the part's forum topics and tutor history
    with django_assert_num_queries(9):
        member_client.get(lesson_url("01-grids"))


def test_an_edited_lesson_file_shows_at_once(visitor, lessons_copy):
    import os

    assert "The last part of the demo track." in page(visitor, "03-voting")
    path = lessons_copy / "decision-demo" / "03-voting.md"
    path.write_text(path.read_text().replace("The last part of the demo track.", "Edited prose."))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    html = page(visitor, "03-voting")
    assert "Edited prose." in html
    assert "The last part of the demo track." not in html
