"""Speech engines behind one small interface: `synthesize(text, voice) -> WAV bytes`.

The kiosk ships espeak-ng's Mandarin voice (Debian `espeak-ng`): it runs on the terminal, offline.
`LibEspeakEngine` calls the library (libespeak-ng.so.1, which the package brings) in the web
process through ctypes: the voice and its dictionary are loaded once, and a guide's title is made
in about 30 ms. `EspeakEngine` runs the `espeak-ng` command per section (about 100 ms more for
starting it and loading the dictionary); it is used when the library cannot be loaded.

A county with a better engine names it in the SPEECH_ENGINE setting as `package.module:factory`;
the factory is called with the app's settings and returns an object with a `name` and a
`synthesize` method like `EspeakEngine`'s.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import io
import shutil
import struct
import subprocess
import threading
import wave
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


class LibEspeakEngine:
    """espeak-ng's Mandarin voice through libespeak-ng in this process (one synthesis at a time)."""

    # From espeak-ng's speak_lib.h.
    _AUDIO_OUTPUT_SYNCHRONOUS = 2
    _POS_CHARACTER = 1
    _CHARS_UTF8 = 1
    _RATE = 1
    _VOLUME = 2
    _CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

    def __init__(self, voice: str = "cmn", library: str | None = None):
        path = library or ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            self._lib = ctypes.CDLL(path)
        except OSError as exc:
            raise SpeechError(f"cannot load {path} (Debian package libespeak-ng1)") from exc
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self.sample_rate = self._lib.espeak_Initialize(self._AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if self.sample_rate <= 0:
            raise SpeechError("libespeak-ng did not start (espeak-ng-data missing?)")
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise SpeechError(f"libespeak-ng has no voice {voice!r}")
        # The library is one per process: every engine shares its lock and its sound buffer, and
        # sets its own voice before each synthesis (another engine may have set another).
        self._lock = LibEspeakEngine._shared_lock
        self._lib.espeak_SetSynthCallback(LibEspeakEngine._shared_callback)
        self.voice = voice
        self.name = f"libespeak-ng:{voice}"

    _shared_lock = threading.Lock()
    _samples: list[bytes] = []

    @staticmethod
    def _collect(wav, count, _events) -> int:
        if count > 0:
            LibEspeakEngine._samples.append(ctypes.string_at(wav, count * 2))
        return 0

    _shared_callback = _CALLBACK(_collect)  # kept for the process: the library holds the pointer

    def synthesize(self, text: str, voice: Voice) -> bytes:
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            LibEspeakEngine._samples = []
            self._lib.espeak_SetSynthCallback(LibEspeakEngine._shared_callback)
            self._lib.espeak_SetVoiceByName(self.voice.encode())
            self._lib.espeak_SetParameter(self._RATE, max(80, min(450, int(voice.rate))), 0)
            self._lib.espeak_SetParameter(self._VOLUME, max(0, min(200, round(voice.volume * 2))), 0)
            status = self._lib.espeak_Synth(data, len(data), 0, self._POS_CHARACTER, 0, self._CHARS_UTF8, None, None)
            self._lib.espeak_Synchronize()
            pcm = b"".join(LibEspeakEngine._samples)
        if status != 0 or not pcm:
            raise SpeechError(f"libespeak-ng made no sound (status {status})")
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.sample_rate)
            w.writeframes(pcm)
        return out.getvalue()


_shared_lib_engine: LibEspeakEngine | None = None
_shared_lock = threading.Lock()


def espeak_engine() -> Engine:
    """The library engine (one per process: libespeak-ng keeps global state), else the command."""
    global _shared_lib_engine
    with _shared_lock:
        if _shared_lib_engine is None:
            try:
                _shared_lib_engine = LibEspeakEngine()
            except SpeechError:
                return EspeakEngine()
        return _shared_lib_engine


def load_engine(spec: str, settings: Mapping[str, Any]) -> Engine | None:
    """The engine SPEECH_ENGINE names: "espeak-ng", "espeak-ng-command", "none" or "module:factory"."""
    spec = (spec or "").strip()
    if spec in ("", "none"):
        return None
    if spec == "espeak-ng":
        return espeak_engine()
    if spec == "espeak-ng-command":
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
