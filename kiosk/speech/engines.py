"""Speech engines behind one small interface: `synthesize(text, voice) -> WAV bytes`.

The kiosk ships espeak-ng's Mandarin voice (Debian `espeak-ng`): it runs on the terminal, offline,
in a few tens of milliseconds per sentence. A county with a better engine names it in the
SPEECH_ENGINE setting as `package.module:factory`; the factory is called with the app's settings
and returns an object with a `name` and a `synthesize` method like `EspeakEngine`'s.
"""

from __future__ import annotations

import importlib
import shutil
import struct
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


class SpeechError(Exception):
    """The engine could not make audio (missing, crashed, timed out, or gave no sound)."""


@dataclass(frozen=True)
class Voice:
    """How to speak: words per minute and volume (0–100). Part of the audio cache key."""

    rate: int
    volume: int

    def key(self) -> str:
        return f"rate={self.rate};volume={self.volume}"


@runtime_checkable
class Engine(Protocol):
    """What the kiosk needs of a speech engine."""

    #: Names the engine and its voice in the audio cache key: change it when the sound changes.
    name: str

    def synthesize(self, text: str, voice: Voice) -> bytes:
        """Speak `text` (already prepared by normalize.for_speech); a complete RIFF/WAVE file."""
        ...


def fix_wav_sizes(data: bytes) -> bytes:
    """Write the real sizes into a streamed WAV header (espeak-ng --stdout leaves them at 0x7fffffff)."""
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechError("the engine did not return a WAV file")
    out = bytearray(data)
    struct.pack_into("<I", out, 4, len(out) - 8)
    pos = 12
    while pos + 8 <= len(out):
        chunk, size = out[pos : pos + 4], struct.unpack_from("<I", out, pos + 4)[0]
        if chunk == b"data":
            struct.pack_into("<I", out, pos + 4, len(out) - pos - 8)
            return bytes(out)
        pos += 8 + size + (size & 1)
    raise SpeechError("the engine's WAV file has no data chunk")


class EspeakEngine:
    """espeak-ng's Mandarin voice (`cmn`), run once per section of text."""

    def __init__(self, binary: str = "espeak-ng", voice: str = "cmn", timeout: float = 10.0):
        self.binary = shutil.which(binary) or binary
        self.voice = voice
        self.timeout = timeout
        self.name = f"espeak-ng:{voice}"

    def synthesize(self, text: str, voice: Voice) -> bytes:
        # espeak-ng's amplitude runs 0–200 (100 is its default); the kiosk's volume 0–100 maps onto 0–200.
        amplitude = max(0, min(200, round(voice.volume * 2)))
        rate = max(80, min(450, int(voice.rate)))
        command = [self.binary, "-v", self.voice, "-s", str(rate), "-a", str(amplitude), "-b", "1", "--stdout"]
        try:
            done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, timeout=self.timeout)
        except FileNotFoundError as exc:
            raise SpeechError(f"{self.binary} is not installed (Debian package espeak-ng)") from exc
        except subprocess.TimeoutExpired as exc:
            raise SpeechError(f"{self.binary} took more than {self.timeout:g} s") from exc
        if done.returncode != 0:
            raise SpeechError(f"{self.binary} failed: {done.stderr.decode('utf-8', 'replace').strip()[:200]}")
        return fix_wav_sizes(done.stdout)


def load_engine(spec: str, settings: Mapping[str, Any]) -> Engine | None:
    """The engine the SPEECH_ENGINE setting names: "espeak-ng", "none" (no read-aloud) or "module:factory"."""
    spec = (spec or "").strip()
    if spec in ("", "none"):
        return None
    if spec == "espeak-ng":
        return EspeakEngine()
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"SPEECH_ENGINE: {spec!r} is not espeak-ng, none or package.module:factory")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"SPEECH_ENGINE: cannot load {spec!r}: {exc}") from exc
    engine = factory(settings)
    if not isinstance(engine, Engine):
        raise ValueError(f"SPEECH_ENGINE: {spec!r} did not return an engine (a name and synthesize(text, voice))")
    return engine
