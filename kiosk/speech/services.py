"""Read-aloud as the web app uses it: prepared text in, a cached WAV file out."""

from __future__ import annotations

from pathlib import Path

from .cache import AudioCache, audio_key
from .engines import Engine, Voice
from .normalize import for_speech


class Speaker:
    def __init__(self, engine: Engine, cache: AudioCache):
        self.engine = engine
        self.cache = cache

    def audio(self, text: str, voice: Voice) -> Path | None:
        """The WAV file speaking `text` with `voice`, from the cache or made now; None if nothing to say."""
        spoken = for_speech(text)
        if not spoken.strip(" ,."):
            return None
        key = audio_key(self.engine.name, voice, spoken)
        return self.cache.get(key) or self.cache.put(key, self.engine.synthesize(spoken, voice))
