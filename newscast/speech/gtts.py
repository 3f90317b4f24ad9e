"""gTTS: Google Translate's voice, online."""

from __future__ import annotations

import io

import numpy as np
import soundfile

from ..config import SpeechConfig
from ..errors import EngineError
from ..models import Audio

OFFLINE_HINT = "use --engine piper to speak with the offline voice"


class GttsEngine:
    """Google Translate's text-to-speech through gTTS."""

    name = "gtts"

    def __init__(self, settings: SpeechConfig) -> None:
        from gtts.lang import tts_langs

        if settings.language not in tts_langs():
            raise EngineError(f"gTTS does not speak language {settings.language!r}; see `gtts-cli --all`")
        self.language = settings.language
        self.tld = settings.tld
        self.slow = settings.slow
        self.timeout = settings.timeout

    def identity(self) -> str:
        return f"gtts:{self.language}:{self.tld}:slow={self.slow}"

    def synthesize(self, text: str) -> Audio:
        from gtts import gTTS, gTTSError

        tts = gTTS(text, lang=self.language, tld=self.tld, slow=self.slow, lang_check=False, timeout=self.timeout)
        try:
            parts = [decode_mp3(part) for part in tts.stream()]
        except gTTSError as error:
            raise EngineError(f"gTTS failed: {error}; {OFFLINE_HINT}") from error
        if not parts:
            raise EngineError(f"gTTS returned no audio for {text[:40]!r}; {OFFLINE_HINT}")
        rate = parts[0].sample_rate
        return Audio(np.concatenate([part.samples for part in parts]), rate)


def decode_mp3(data: bytes) -> Audio:
    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise EngineError(f"gTTS sent audio that does not decode as MP3: {error}") from error
    return Audio(samples.mean(axis=1).astype(np.float32), rate)
