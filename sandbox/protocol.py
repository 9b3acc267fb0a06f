"""Length-prefixed JSON frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.

Every hop uses them: site ↔ runner, runner ↔ zygote, runner ↔ kernel. Nothing is ever
unpickled or evaluated; a frame that is too long or not a JSON object is a protocol error.
"""

import json
import socket
import struct

HEADER = struct.Struct(">I")
MAX_FRAME = 16 * 1024 * 1024


class ProtocolError(Exception):
    """The other side sent something that is not a valid frame."""


def encode(message: dict) -> bytes:
    """One frame holding `message`."""
    # "replace": a lone surrogate a learner printed ("\ud800") becomes "?" instead of an
    # UnicodeEncodeError that would end the kernel (or the runner's answer) mid-frame.
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace")
    if len(body) > MAX_FRAME:
        raise ProtocolError(f"frame of {len(body)} bytes is too long")
    return HEADER.pack(len(body)) + body


def send(sock: socket.socket, message: dict) -> None:
    """Write one frame to a blocking socket."""
    sock.sendall(encode(message))


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = []
    remaining = size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            if remaining == size and not chunks:
                return None
            raise ProtocolError("connection closed in the middle of a frame")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv(sock: socket.socket, max_frame: int = MAX_FRAME) -> dict | None:
    """Read one frame from a blocking socket; None at a clean end of stream."""
    header = _read_exactly(sock, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > max_frame:
        raise ProtocolError(f"frame of {size} bytes is longer than {max_frame}")
    body = _read_exactly(sock, size) if size else b""
    if body is None:
        raise ProtocolError("connection closed in the middle of a frame")
    return decode(body)


def decode(body: bytes) -> dict:
    """Parse a frame's body; it must be a JSON object."""
    try:
        message = json.loads(body.decode())
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"frame is not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError("frame is not a JSON object")
    return message


class FrameBuffer:
    """Incremental decoder for non-blocking reads: feed bytes, take whole frames."""

    def __init__(self, max_frame: int = MAX_FRAME):
        self.max_frame = max_frame
        self._data = bytearray()

    def feed(self, data: bytes) -> list[dict]:
        self._data += data
        frames = []
        while len(self._data) >= HEADER.size:
            (size,) = HEADER.unpack_from(self._data)
            if size > self.max_frame:
                raise ProtocolError(f"frame of {size} bytes is longer than {self.max_frame}")
            if len(self._data) < HEADER.size + size:
                break
            body = bytes(self._data[HEADER.size : HEADER.size + size])
            del self._data[: HEADER.size + size]
            frames.append(decode(body))
        return frames

    def clear(self) -> None:
        self._data.clear()
