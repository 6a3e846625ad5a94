"""Describe a local image with a vision model, through LangChain and LlamaIndex.

AI Endpoints does not fetch images from URLs: the image travels inside the request as a base64
data URL. Without --image, a small PNG (a red square beside a blue one) is drawn with the
standard library and written to a temporary file.

  python examples/vision.py
  python examples/vision.py --image photo.png --framework langchain
  python examples/vision.py --endpoint ovh
"""

from __future__ import annotations

import base64
import mimetypes
import struct
import sys
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from _common import add_framework_option, chosen_frameworks, connect, make_parser, say

if TYPE_CHECKING:
    from collections.abc import Callable

VISION_MODEL = "Mistral-Small-3.2-24B-Instruct-2506"
QUESTION = "Describe this image in one sentence: which shapes and colours do you see?"


def png_bytes(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int]]) -> bytes:
    """A PNG image, pixel(x, y) -> (r, g, b) for each pixel."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def two_squares(x: int, y: int) -> tuple[int, int, int]:
    """A red square on the left, a blue one on the right, on white."""
    if 8 <= y < 40 and 8 <= x < 40:
        return (214, 40, 40)
    if 8 <= y < 40 and 56 <= x < 88:
        return (40, 80, 214)
    return (255, 255, 255)


def sample_image(directory: Path) -> Path:
    path = directory / "two-squares.png"
    path.write_bytes(png_bytes(96, 48, two_squares))
    return path


def describe_with_langchain(model: str, base_url: str | None, image: Path) -> str:
    from langchain_core.messages import HumanMessage

    from langchain_ovh_responses import ChatOVHResponses

    llm = ChatOVHResponses(model=model, base_url=base_url, temperature=0)
    message = HumanMessage(
        content=[
            {"type": "text", "text": QUESTION},
            {
                "type": "image",
                "base64": base64.b64encode(image.read_bytes()).decode("ascii"),
                "mime_type": mimetypes.guess_type(image.name)[0] or "image/png",
            },
        ]
    )
    return llm.invoke([message]).text


def describe_with_llama_index(model: str, base_url: str | None, image: Path) -> str:
    from llama_index.core.llms import ChatMessage, ImageBlock, TextBlock

    from llama_index_ovh_responses import OVHResponses

    llm = OVHResponses(model, api_base=base_url, temperature=0)
    message = ChatMessage(role="user", blocks=[TextBlock(text=QUESTION), ImageBlock(path=image)])
    return str(llm.chat([message]).message.content or "")


DESCRIBERS = {"langchain": describe_with_langchain, "llama-index": describe_with_llama_index}


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__, model=VISION_MODEL)
    parser.add_argument("--image", type=Path, help="an image file (default: a generated PNG)")
    add_framework_option(parser)
    args = parser.parse_args(argv)
    frameworks = chosen_frameworks(args.framework)
    with tempfile.TemporaryDirectory() as tmp, connect(args) as conn:
        image = args.image or sample_image(Path(tmp))
        say(f"Image: {image.name} ({image.stat().st_size} bytes), model {args.model}")
        for name in frameworks:
            say(f"{name}: {DESCRIBERS[name](args.model, conn.base_url, image)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
