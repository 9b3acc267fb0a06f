"""A member's lab scratch cells live on the server: saved whole, in order, with clear limits."""

import json

import pytest

from learn.models import ScratchCell

from .conftest import lesson_url

URL = lesson_url("03-voting", "scratch")


def put(client, cells, raw=None):
    body = raw if raw is not None else json.dumps({"cells": cells})
    return client.put(URL, body, content_type="application/json")


def test_a_member_saves_reorders_and_reads_back_scratch_cells(member_client, member):
    assert member_client.get(URL).json() == {"cells": []}
    cells = [{"n": 1, "code": "votes * 2"}, {"n": 2, "code": "print('hi')"}]
    assert put(member_client, cells).json() == {"cells": cells}
    assert put(member_client, cells[::-1]).status_code == 200
    assert member_client.get(URL).json() == {"cells": cells[::-1]}
    lab = member_client.get(lesson_url("03-voting", "lab/")).content.decode()
    assert 'id="scratch-cells-data"' in lab
    assert "follow you to any device" in lab


def test_a_visitor_is_told_their_cells_stay_in_the_browser(client, db):
    response = put(client, [{"n": 1, "code": "x"}])
    assert response.status_code == 403
    assert "stay in this browser" in response.json()["message"]
    assert "until you sign in" in client.get(lesson_url("03-voting", "lab/")).content.decode()


@pytest.mark.parametrize(
    ("cells", "raw", "status", "words"),
    [
        ([{"n": 1, "code": "x" * (64 * 1024 + 1)}], None, 400, "at most 64 KiB"),
        ([{"n": i, "code": ""} for i in range(1, 32)], None, 400, "at most 30 scratch cells"),
        ([{"n": 1, "code": ""}, {"n": 1, "code": ""}], None, 400, "its own number"),
        ([{"n": "1", "code": ""}], None, 400, "its own number"),
        ([{"n": 1, "code": 5}], None, 400, "must be text"),
        ([{"n": 1, "code": "a\x00b"}], None, 400, "must be text"),
        (None, "{not json", 400, "Send JSON"),
        (None, '{"cells": "all"}', 400, "Send {"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved_is_lost(member_client, cells, raw, status, words):
    kept = [{"n": 4, "code": "kept = True"}]
    put(member_client, kept)
    response = put(member_client, cells, raw)
    assert response.status_code == status
    assert words in response.json()["message"]
    assert member_client.get(URL).json() == {"cells": kept}


def test_cells_are_per_member_and_per_part(member_client, other_member_client, member):
    put(member_client, [{"n": 1, "code": "mine"}])
    assert other_member_client.get(URL).json() == {"cells": []}
    other_part = lesson_url("01-grids", "scratch")
    assert member_client.get(other_part).json() == {"cells": []}
    assert ScratchCell.objects.filter(user=member).count() == 1


def test_unknown_part_is_404(member_client):
    assert member_client.get(lesson_url("99-nope", "scratch")).status_code == 404
