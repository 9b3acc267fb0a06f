"""Part 10: the NumPy convolution and attention steps, the journey figure and the certificate."""

import re

import numpy as np
import pytest

from tests.content._run import lesson_text, run_part

pytestmark = pytest.mark.kernel

SLUG = "10-whats-next"


@pytest.fixture(scope="module")
def part():
    return run_part(SLUG)


def test_the_six_sections_of_the_syllabus_in_order():
    headings = re.findall(r"^## (10\.\d) (.+)$", lesson_text(SLUG), re.M)
    assert headings == [
        ("10.1", "The complete picture"),
        ("10.2", "Beyond our network"),
        ("10.3", "The framework bridge"),
        ("10.4", "Complete reference"),
        ("10.5", "Your learning path"),
        ("10.6", "Final thoughts"),
    ]


def test_convolution_makes_a_feature_map_that_finds_the_vertical_line(part):
    ns = part.namespace
    assert ns["image"].shape == (6, 6)
    assert ns["vertical_map"].shape == (4, 4)
    assert ns["horizontal_map"].shape == (4, 4)
    # The window's middle column sits on image column 1 when the map's column is 0.
    assert ns["vertical_map"][:, 0].min() > ns["vertical_map"][:, 1:].max()
    np.testing.assert_allclose(
        ns["convolve"](ns["image"], ns["horizontal_kernel"]), ns["horizontal_map"]
    )


def test_attention_step_shapes_and_weights(part):
    ns = part.namespace
    assert ns["queries"].shape == ns["keys"].shape == ns["values"].shape == (4, 2)
    assert ns["attention"].shape == (4, 4)
    np.testing.assert_allclose(ns["attention"].sum(axis=1), 1.0)
    assert ns["attended"].shape == (4, 2)


def test_journey_figure_shows_the_neuron_at_chance_and_the_network_above_90_percent(part):
    single, hidden = part.namespace["accuracies"].values()
    assert single < 0.65
    assert hidden >= 0.90


def test_parameter_count_matches_the_pytorch_model(part):
    assert part.namespace["parameter_count"] == 9 * 8 + 8 + 8 * 1 + 1


def test_pytorch_comparison_is_display_only():
    source = lesson_text(SLUG)
    runnable = re.findall(r"```\{code-cell\}.*?```", source, re.S)
    assert not any("import torch" in cell for cell in runnable)
    assert "```python\nimport copy\n\nimport torch" in source


CERTIFICATE_CELLS = {"setup", "certificate"}


def test_certificate_uses_the_signed_in_learners_name():
    run = run_part(SLUG, variables={"LEARNER_NAME": "Ada Lovelace"}, only=CERTIFICATE_CELLS)
    [texts] = run.figures["certificate"]
    assert "Ada Lovelace" in texts
    assert "Certificate of Completion" in texts


def test_certificate_has_a_neutral_name_for_a_visitor():
    run = run_part(SLUG, only=CERTIFICATE_CELLS)
    [texts] = run.figures["certificate"]
    assert "Future ML engineer" in texts


def test_certificate_draws_names_with_maths_characters_literally():
    name = "Grace $x^2$ O'Hara_{1}"
    run = run_part(SLUG, variables={"LEARNER_NAME": name}, only=CERTIFICATE_CELLS)
    [texts] = run.figures["certificate"]
    assert name in texts
