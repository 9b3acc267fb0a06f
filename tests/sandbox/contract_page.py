"""A page built exactly to the lesson DOM contract (BRIEF-LESSON-CONTRACT.md), so kernel.js is
tested on its own, whatever the lesson engine's templates look like. Used with
settings.ROOT_URLCONF = "tests.sandbox.contract_page"."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from tests.sandbox.fixtures import PART, TRACK

PAGE = """{% extends "base.html" %}{% load static %}
{% block title %}Kernel contract page{% endblock %}
{% block head %}
<meta name="csrf-token" content="{{ csrf_token }}">
<link rel="stylesheet" href="{% static 'learn/kernel.css' %}">
<script type="module" src="{% static 'learn/kernel.js' %}"></script>
{% endblock %}
{% block content %}
<div class="lesson wrap" data-lesson data-track="{{ track }}" data-part="{{ part }}"
     data-run-url="{% url 'learn:run' track part %}"
     data-restart-url="{% url 'learn:kernel_restart' track part %}"
     data-interrupt-url="{% url 'learn:kernel_interrupt' track part %}">
  <div class="status-line" data-status-line>
    Kernel: <span data-kernel-state>Cold</span>
    <span data-kernel-elapsed></span>
    Sections: <span data-sections-done>0</span>/<span data-sections-total>2</span>
    <button type="button" data-kernel-action="restart">Restart kernel</button>
    <button type="button" data-kernel-action="interrupt">Interrupt</button>
    <button type="button" data-kernel-action="run-all">Run all</button>
  </div>
  <p data-kernel-message role="status" aria-live="polite"></p>
  {% for cell in cells %}
  <section class="lesson-section" data-section="1.{{ forloop.counter }}">
    <div class="cell" id="cell-{{ cell.id }}" data-cell data-cell-id="{{ cell.id }}"
         data-cell-label="{{ cell.label }}">
      <div class="cell-head">{{ cell.label }}
        <button type="button" data-cell-action="run">Run</button>
      </div>
      <textarea class="cell-source" data-cell-source aria-label="Code of {{ cell.label }}"
                rows="6" cols="60">{{ cell.code }}</textarea>
      <div class="cell-output" data-cell-output aria-live="polite"></div>
    </div>
  </section>
  {% endfor %}
</div>
{% endblock %}
"""

CELLS = [
    {
        "id": "setup",
        "label": "cell 001",
        "code": "import numpy as np\nimport matplotlib.pyplot as plt",
    },
    {"id": "pixels", "label": "cell 002", "code": "image = np.eye(3)\nimage"},
    {
        "id": "plot",
        "label": "cell 003",
        "code": 'plt.imshow(image, cmap="Greys")\nplt.title("A diagonal")\nplt.show()',
    },
]


def page(request):
    template = engines["django"].from_string(PAGE)
    context = {"track": TRACK, "part": PART, "cells": CELLS}
    return HttpResponse(template.render(context, request))


urlpatterns = [
    path("kernel-contract/", page, name="kernel_contract"),
    path("", include("agenticworks.urls")),
]
