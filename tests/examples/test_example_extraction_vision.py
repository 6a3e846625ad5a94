"""Structured extraction validates against its pydantic model; vision sends the image inline."""

from __future__ import annotations

import base64
import json
import re
import struct
import zlib

import pytest
import structured_extraction
import vision


def _json_objects(out: str) -> list[dict]:
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(out, m.start())[0] for m in re.finditer(r"^\{", out, re.M)]


def test_extraction_with_both_frameworks_validates(endpoint, capsys):
    assert structured_extraction.main(["--base-url", endpoint.base_url]) == 0
    out = capsys.readouterr().out

    tickets = [structured_extraction.SupportTicket.model_validate(o) for o in _json_objects(out)]
    assert len(tickets) == 2
    for ticket in tickets:
        assert ticket.customer == "Ada Lovelace"
        assert ticket.city == "Paris"
        assert ticket.priority == "high"
        assert ticket.retries == 3
    for body in endpoint.bodies("/v1/responses"):
        assert body["text"]["format"]["type"] == "json_schema"
        assert set(body["text"]["format"]["schema"]["properties"]) == {
            "customer", "city", "priority", "retries", "summary",
        }  # fmt: skip


@pytest.mark.parametrize("framework", ["langchain", "llama-index"])
def test_vision_sends_the_png_as_a_data_url_and_prints_the_description(framework, endpoint, capsys):
    args = ["--base-url", endpoint.base_url, "--framework", framework]
    assert vision.main(args) == 0
    out = capsys.readouterr().out

    description = re.search(rf"^{framework}: (.+)$", out, re.M).group(1)
    assert "image" in description  # the local model names the question's words
    (body,) = endpoint.bodies("/v1/responses")
    assert body["model"] == "Mistral-Small-3.2-24B-Instruct-2506"
    parts = body["input"][0]["content"]
    (image,) = [p for p in parts if p["type"] == "input_image"]
    prefix = "data:image/png;base64,"
    assert image["image_url"].startswith(prefix)
    assert base64.b64decode(image["image_url"][len(prefix) :]).startswith(b"\x89PNG\r\n\x1a\n")


def test_vision_reads_an_image_file_given_on_the_command_line(endpoint, capsys, tmp_path):
    picture = tmp_path / "picture.png"
    picture.write_bytes(vision.png_bytes(4, 4, lambda x, y: (0, 128, 0)))
    vision.main(
        ["--base-url", endpoint.base_url, "--framework", "langchain", "--image", str(picture)]
    )
    capsys.readouterr()

    (body,) = endpoint.bodies("/v1/responses")
    url = next(p["image_url"] for p in body["input"][0]["content"] if p["type"] == "input_image")
    assert base64.b64decode(url.split(",", 1)[1]) == picture.read_bytes()


def test_generated_png_has_the_pixels_asked_for():
    data = vision.png_bytes(3, 2, lambda x, y: (x, y, 7))
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (width, height, depth, colour) == (3, 2, 8, 2)
    idat_length = struct.unpack(">I", data[33:37])[0]
    rows = zlib.decompress(data[41 : 41 + idat_length])
    assert rows == b"\x00" + bytes([0, 0, 7, 1, 0, 7, 2, 0, 7]) + b"\x00" + bytes(
        [0, 1, 7, 1, 1, 7, 2, 1, 7]
    )


@pytest.mark.parametrize(
    ("missing", "used"), [("llama_index.core", "langchain"), ("langchain_core", "llama-index")]
)
@pytest.mark.parametrize("example", [structured_extraction, vision])
def test_with_one_framework_installed_the_example_uses_it(
    example, missing, used, endpoint, capsys, monkeypatch
):
    """Installed with one framework's extra, an example runs on that one, not both."""
    import importlib.util

    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name == missing else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert example.main(["--base-url", endpoint.base_url]) == 0
    out = capsys.readouterr().out
    assert re.findall(r"^(langchain|llama-index):", out, re.M) == [used]
    assert len(endpoint.bodies("/v1/responses")) == 1
