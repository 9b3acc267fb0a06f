"""Calling the run endpoints the way the lesson page does."""

import json

from django.urls import reverse

from tests.sandbox.fixtures import PART, TRACK


def run_url(track: str = TRACK, part: str = PART) -> str:
    return reverse("learn:run", args=[track, part])


def run(
    client, code: str, cell: str = "pixels", *, part: str = PART, remote_addr=None, **extra
) -> dict:
    """POST a cell; extra HTTP_* keys are request headers, other extra keys go into the JSON
    body. The JSON answer, with the status code in "_http"."""
    headers = {key: extra.pop(key) for key in list(extra) if key.startswith("HTTP_")}
    if remote_addr:
        headers["REMOTE_ADDR"] = remote_addr
    response = client.post(
        run_url(part=part),
        data=json.dumps({"cell": cell, "code": code, **extra}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
        **headers,
    )
    body = response.json()
    body["_http"] = response.status_code
    return body


def run_stream(client, code: str, cell: str = "pixels") -> list[dict]:
    """POST a cell asking for NDJSON; the events, one per line."""
    response = client.post(
        run_url(),
        data=json.dumps({"cell": cell, "code": code}),
        content_type="application/json",
        HTTP_ACCEPT="application/x-ndjson",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    return [json.loads(line) for line in lines]


def kernel_op(client, name: str) -> dict:
    response = client.post(reverse(f"learn:kernel_{name}", args=[TRACK, PART]))
    body = response.json()
    body["_http"] = response.status_code
    return body


def text(answer: dict, name: str = "stdout") -> str:
    """All the text a run printed on one stream."""
    return "".join(
        o["text"] for o in answer["outputs"] if o["output_type"] == "stream" and o["name"] == name
    )


def of_type(answer: dict, output_type: str) -> list[dict]:
    return [o for o in answer["outputs"] if o["output_type"] == output_type]
