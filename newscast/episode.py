"""Clips -> one MP3, encoded while later clips are still being spoken, with its sidecars.

Each clip is brought to the loudness target (ITU-R BS.1770) together with the pause after it, so the
episode is level from start to end and lands on the target as a whole; it is faded at its edges, mixed with
the intro and outro music beds, and encoded at once. The assembled episode is measured as it is written; in
the rare case it missed the target by more than a few tenths of a LU it is encoded again with the one
correcting gain, from the 16-bit PCM kept in a scratch file (nothing is ever concatenated, nor held in memory).
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import itertools
import math
import os
import sys
import tempfile
import typing
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import soundfile
import soxr

from .config import Config
from .errors import AudioError
from .files import atomic_output
from .loudness import LoudnessMeter, integrated_loudness, limit
from .metadata import chapters_for, write_sidecars, write_tags
from .models import Clip, Cue, Episode, Script
from .naming import default_output_path, episode_stem, own_or_free, slugify  # noqa: F401  (moved; still importable from here)

with warnings.catch_warnings():
    # pydub looks for ffmpeg on import; it only ever handles raw PCM here, so the warning is noise.
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.11 and 3.12
    from pydub import AudioSegment

SAMPLE_WIDTH = 2  # 16-bit PCM
STEREO_OFFSET_DB = 10 * math.log10(2)  # the same signal in two channels measures 3 dB louder


def _compression_level(bitrate: int, frame_rate: int) -> float:
    """libsndfile maps a 0..1 compression level linearly onto LAME's bitrate range for the sample rate."""
    low, high = (32, 320) if frame_rate >= 32000 else (8, 160)
    return (high - min(bitrate, high)) / (high - low)


def open_mp3(path: Path | io.BytesIO, frame_rate: int, channels: int, bitrate: int) -> soundfile.SoundFile:
    try:
        return soundfile.SoundFile(
            path, "w", frame_rate, channels, format="MP3", subtype="MPEG_LAYER_III",
            compression_level=_compression_level(bitrate, frame_rate), bitrate_mode="CONSTANT",
        )  # fmt: skip
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioError(f"cannot start the MP3 encoder: {error}") from error


@cache
def codec_gain_db(frame_rate: int, channels: int, bitrate: int) -> float:
    """How much the encoder changes the level, measured once per setting on a three-tone probe.

    LAME scales its input (by 0.95, -0.45 dB, with libsndfile's settings; more where it resamples), so the
    levels are aimed that much higher before encoding to land on the target in the file a listener plays.
    """
    frequencies = (250, 500, 1000)
    times = np.arange(frame_rate) / frame_rate
    probe = np.sum([0.05 * np.sin(2 * np.pi * frequency * times) for frequency in frequencies], axis=0)
    buffer = io.BytesIO()
    with open_mp3(buffer, frame_rate, channels, bitrate) as encoder:
        encoder.write(np.repeat(probe[:, None], channels, axis=1).astype(np.float32))
    buffer.seek(0)
    decoded, _ = soundfile.read(buffer, dtype="float32", always_2d=True)
    before = np.abs(np.fft.rfft(probe))[list(frequencies)]
    after = np.abs(np.fft.rfft(decoded[:frame_rate, 0], frame_rate))[list(frequencies)]
    return float(20 * np.log10(np.mean(after / before)))


RETRY_ABOVE_LU = 0.3  # an episode further than this from the target is encoded again
# Sample peaks are held this far under the true-peak ceiling: room for inter-sample peaks and the MP3 codec.
PEAK_MARGIN_DB = 0.7


@dataclass
class _Level:
    """Brings each clip to the loudness target, a limiter keeping its peaks under the ceiling."""

    target: float  # before the encoder: the episode's target less the codec's gain
    ceiling: float
    rate: int
    stereo: bool
    fallback_db: float = 0.0

    def apply(self, samples: np.ndarray, pause_frames: int = 0) -> np.ndarray:
        """Level a clip; the pause after it counts in the measurement, as it will in the episode's."""
        offset = STEREO_OFFSET_DB if self.stereo else 0.0
        meter = LoudnessMeter(self.rate)
        meter.add(samples)
        meter.add(np.zeros(pause_frames, np.float32))  # silence: counted in the blocks, not filtered
        loudness = meter.loudness()
        if math.isinf(loudness):  # silence, or shorter than one 400 ms block: the last clip's gain
            return self._limited(samples, self.fallback_db)
        gain = self.target - offset - loudness
        levelled = self._limited(samples, gain)
        # Limiting took a little loudness away (about its share of the energy); one more step gets it back.
        loss = 10 * math.log10(self._energy(samples, gain) / self._energy(levelled, 0))
        if loss > 0.1:
            gain += loss
            levelled = self._limited(samples, gain)
        self.fallback_db = gain
        return levelled

    def _limited(self, samples: np.ndarray, gain_db: float) -> np.ndarray:
        return limit(samples * np.float32(10 ** (gain_db / 20)), self.rate, self.ceiling - PEAK_MARGIN_DB)

    @staticmethod
    def _energy(samples: np.ndarray, gain_db: float) -> float:
        return float(np.square(samples, dtype=np.float64).sum()) * 10 ** (gain_db / 10) + 1e-20


def _to_pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def _segment(samples: np.ndarray, rate: int) -> AudioSegment:
    return AudioSegment(data=_to_pcm(samples), sample_width=SAMPLE_WIDTH, frame_rate=rate, channels=1)


def _samples(segment: AudioSegment) -> np.ndarray:
    return np.frombuffer(segment.raw_data, dtype="<i2").astype(np.float32) / 32767


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Mono float samples at another rate, through soxr's band-limited resampler.

    (pydub's converter, audioop.ratecv, has no anti-alias filter: a tone above the new Nyquist frequency
    folds back into the audible band.)
    """
    if from_rate == to_rate or not len(samples):
        return samples
    return soxr.resample(samples.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ")


def prepare_clip(clip: Clip, level: _Level, fade_ms: int, pause_frames: int) -> np.ndarray:
    """One clip at the episode's rate, levelled, with short fades so joins never click."""
    samples = clip.audio.samples
    if clip.audio.sample_rate != level.rate:
        samples = resample(samples, clip.audio.sample_rate, level.rate)
    levelled = level.apply(samples, pause_frames)  # a new array: faded in place
    fade = min(round(fade_ms * level.rate / 1000), len(levelled) // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        levelled[:fade] *= ramp
        levelled[len(levelled) - fade :] *= ramp[::-1]
    return levelled


class _Stream:
    """Mono float blocks in -> the MP3 encoder, a loudness meter, and the PCM kept for a second pass.

    Music laid over the stream (``overlay``) is mixed into whatever is written next. The PCM for the second
    pass goes to an anonymous scratch file, not to memory: an hour of speech is 160 MB of 16-bit samples,
    which the page cache holds only while there is room, and which is read back only in the rare second pass.
    The encoder runs in a thread of its own (LAME lets go of the GIL), so the next clip is levelled and
    metered while the last one is encoded; ``close`` waits for it and raises what went wrong there.
    """

    IN_FLIGHT = 2  # blocks handed to the encoder and not yet encoded: bounds the memory it holds

    def __init__(
        self, path: Path, rate: int, channels: int, bitrate: int, ceiling_db: float, pcm: typing.BinaryIO
    ) -> None:
        self.path, self.rate, self.channels, self.bitrate = path, rate, channels, bitrate
        self.ceiling_db = ceiling_db
        self.encoder = open_mp3(path, rate, channels, bitrate)
        self.meter = LoudnessMeter(rate)
        self.pcm = pcm
        self.pieces: list[int] = []  # frames of each block kept in ``pcm``
        self.frames = 0
        self._encoding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")  # one: blocks in order
        self._in_flight: collections.deque[Future] = collections.deque()
        self._overlay = np.zeros(0, dtype=np.float32)

    @property
    def seconds(self) -> float:
        return self.frames / self.rate

    def overlay(self, samples: np.ndarray) -> None:
        if len(samples) > len(self._overlay):
            samples, shorter = samples.copy(), self._overlay
        else:
            samples, shorter = self._overlay.copy(), samples
        samples[: len(shorter)] += shorter
        self._overlay = samples

    def write(self, samples: np.ndarray) -> None:
        if len(self._overlay):
            mixed = min(len(samples), len(self._overlay))
            samples = samples.copy()
            samples[:mixed] += self._overlay[:mixed]
            self._overlay = self._overlay[mixed:]
        samples = limit(samples, self.rate, self.ceiling_db - PEAK_MARGIN_DB)  # music, and music under speech
        samples = np.clip(samples, -1.0, 1.0)
        try:
            self.pcm.write(_to_pcm(samples))
        except OSError as error:
            raise AudioError(f"cannot keep the episode's samples in a scratch file: {error}") from error
        self.pieces.append(len(samples))
        self._in_flight.append(self._encoding.submit(self._encode, self.encoder, samples))
        self.meter.add(samples)
        self.frames += len(samples)
        self._settle(self.IN_FLIGHT)

    def _settle(self, keep: int) -> None:
        """Collect the blocks encoded (and wait while more than ``keep`` are not): a failure surfaces here."""
        while self._in_flight and (len(self._in_flight) > keep or self._in_flight[0].done()):
            self._in_flight.popleft().result()

    def drain(self) -> None:
        """Let the music still laid over the stream play out."""
        self.write(np.zeros(len(self._overlay), dtype=np.float32))

    def close(self) -> None:
        """Wait for the encoder, then close the MP3; raise the first error it met."""
        try:
            self._settle(0)
        finally:
            self._encoding.shutdown(wait=True, cancel_futures=True)
            self.encoder.close()

    def reencode(self, gain_db: float, ceiling_db: float) -> LoudnessMeter:
        """Encode the kept PCM again with one gain, under the limiter; return the new measurement."""
        meter = LoudnessMeter(self.rate)
        self.pcm.seek(0)
        with open_mp3(self.path, self.rate, self.channels, self.bitrate) as encoder:
            for frames in self.pieces:
                pcm = np.frombuffer(self.pcm.read(frames * SAMPLE_WIDTH), dtype="<i2")
                samples = pcm * np.float32(10 ** (gain_db / 20) / 32767)
                samples = np.clip(limit(samples, self.rate, ceiling_db - PEAK_MARGIN_DB), -1.0, 1.0)
                meter.add(samples)
                self._encode(encoder, samples)
        return meter

    def _encode(self, encoder: soundfile.SoundFile, samples: np.ndarray) -> None:
        # Float frames, straight from the mix: libsndfile's MP3 encoder garbles interleaved 16-bit stereo
        # (1.2.2), and floats are what LAME works in anyway.
        try:
            encoder.write(samples if self.channels == 1 else np.repeat(samples[:, None], self.channels, axis=1))
        except (soundfile.LibsndfileError, RuntimeError) as error:
            raise AudioError(f"encoding the MP3 failed: {error}") from error


def _ramp(start: float, end: float, frames: int) -> np.ndarray:
    return np.linspace(start, end, max(frames, 0), dtype=np.float32)


def _db(value: float) -> float:
    return 10 ** (value / 20)


@dataclass
class MusicBed:
    """A music file levelled for the episode: the intro plays alone, then ducks under the first segment."""

    samples: np.ndarray
    rate: int
    duck: float  # gain under speech
    lead_in: float  # s
    tail: float  # s
    fade: float  # s

    def intro(self, speech_frames: int) -> tuple[np.ndarray, int]:
        """The bed from the start of the episode, and the frames it plays alone before speech starts."""
        lead, fade, ramp = (round(x * self.rate) for x in (self.lead_in, self.fade, 0.5))
        length = min(len(self.samples), lead + speech_frames + fade)
        envelope = np.concatenate((
            np.ones(max(lead - ramp, 0), np.float32), _ramp(1, self.duck, min(ramp, lead)),
            np.full(speech_frames, self.duck, np.float32), _ramp(self.duck, 0, fade),
        ))[:length]  # fmt: skip
        return self._ending(self.samples[:length] * envelope, length < lead + speech_frames + fade), min(lead, length)

    def outro(self, speech_frames: int) -> np.ndarray:
        """The bed from the start of the last segment: ducked under it, then up for its tail, then faded."""
        rise, tail, fade = (round(x * self.rate) for x in (1.0, self.tail, self.fade))
        length = min(len(self.samples), speech_frames + tail + fade)
        envelope = np.concatenate((
            _ramp(0, self.duck, min(rise, speech_frames)), np.full(max(speech_frames - rise, 0), self.duck, np.float32),
            _ramp(self.duck, 1, min(rise, tail)), np.ones(max(tail - rise, 0), np.float32), _ramp(1, 0, fade),
        ))[:length]  # fmt: skip
        return self._ending(self.samples[:length] * envelope, length < speech_frames + tail + fade)

    def sting(self) -> np.ndarray:
        """The whole file at full level, ending in a short fade, then a breath before the next words."""
        fade = min(len(self.samples), round(0.3 * self.rate))
        sting = self.samples.copy()
        sting[len(sting) - fade :] *= _ramp(1, 0, fade)
        return np.concatenate((sting, np.zeros(round(0.4 * self.rate), np.float32)))

    def _ending(self, bed: np.ndarray, cut_short: bool) -> np.ndarray:
        """A file shorter than its part still ends without a click."""
        if cut_short:
            frames = min(len(bed), round(0.5 * self.rate))
            bed[len(bed) - frames :] *= _ramp(1, 0, frames)
        return bed


MAX_MUSIC_BYTES = 500 * 2**20
_AUDIO_MAGIC = (b"RIFF", b"RIFX", b"RF64", b"fLaC", b"OggS", b"FORM", b"ID3", b"caff", b".snd", b"wvpk")


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """libmpg123 prints its own notes ("Illegal Audio-MPEG-Header") straight to file descriptor 2."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def check_music(path: str) -> None:
    """Is it a readable audio file? Checked before any speech is synthesised, so a bad file costs nothing."""
    if not path:
        return
    file = Path(path)
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            head = handle.read(4)
    except OSError as error:
        raise AudioError(f"cannot read music file {path}: {error.strerror or error}") from None
    if not file.is_file():
        raise AudioError(f"music file {path} is not a regular file")
    if size > MAX_MUSIC_BYTES:
        raise AudioError(f"music file {path} is over {MAX_MUSIC_BYTES // 2**20} MB")
    mp3_frame = len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    if not (head.startswith(_AUDIO_MAGIC) or mp3_frame):
        raise AudioError(f"music file {path} is not audio (WAV, FLAC, OGG or MP3)")
    try:
        with _quiet_stderr():
            details = soundfile.info(path)
    except (OSError, soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioError(f"cannot read music file {path}: {error}") from None
    if details.frames <= 0 or details.samplerate <= 0:
        raise AudioError(f"music file {path} holds no audio")


def load_music(path: str, rate: int, loudness: float, config: Config) -> MusicBed | None:
    """Decode a music file (anything libsndfile reads: WAV, FLAC, OGG, MP3) and level it."""
    if not path:
        return None
    check_music(path)
    try:
        with _quiet_stderr():
            samples, file_rate = soundfile.read(path, dtype="float32", always_2d=True)
    except (OSError, soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioError(f"cannot read music file {path}: {error}") from None
    mono = samples.mean(axis=1)
    if file_rate != rate:
        mono = resample(mono, file_rate, rate)
    measured = integrated_loudness(mono, rate)
    gain = 0.0 if math.isinf(measured) else loudness + config.music.level - measured
    music = config.music
    return MusicBed(
        (mono * np.float32(_db(gain))).astype(np.float32), rate, _db(music.duck), music.lead_in, music.tail, music.fade
    )


def _scratch_file() -> typing.BinaryIO:
    """An anonymous temporary file (gone when closed, or when the process dies)."""
    try:
        return tempfile.TemporaryFile(prefix="newscast-pcm-")
    except OSError as error:
        raise AudioError(f"cannot create a scratch file in {tempfile.gettempdir()}: {error}") from error


def write_episode(
    script: Script, clips: Iterable[Clip], output: Path, config: Config, engine: str, fingerprint: str = ""
) -> Episode:
    """Level, mix and encode clips as they arrive; the MP3 and its sidecars appear complete or not at all.
    ``fingerprint`` (what it is made from) goes into its tags, for the next build's up-to-date check."""
    settings = config.output
    channels = 2 if settings.stereo else 1
    clips = iter(clips)
    first = next(clips, None)
    if first is None:
        raise AudioError("nothing to assemble: the script has no segments")
    rate = settings.sample_rate or first.audio.sample_rate
    codec_db = codec_gain_db(rate, channels, settings.bitrate)
    offset = (STEREO_OFFSET_DB if channels == 2 else 0.0) + codec_db
    level = _Level(settings.loudness - codec_db, settings.true_peak - codec_db, rate, channels == 2)
    intro = load_music(config.music.intro, rate, settings.loudness - offset, config)
    outro = load_music(config.music.outro, rate, settings.loudness - offset, config)
    sting = load_music(config.roundup.sting, rate, settings.loudness - offset, config)
    last = len(script.segments) - 1
    timeline: list[tuple[float, float]] = []
    starts: list[float] = []
    cues: list[Cue] = []
    with atomic_output(output) as temporary, _scratch_file() as pcm:
        stream = _Stream(temporary, rate, channels, settings.bitrate, level.ceiling, pcm)
        try:
            for index, clip in enumerate(itertools.chain([first], clips)):
                pause = round(clip.segment.pause_ms * rate / 1000)
                speech = prepare_clip(clip, level, config.pauses.fade, pause)
                if index == 0 and intro is not None:
                    bed, alone = intro.intro(len(speech))
                    stream.overlay(bed)
                    stream.write(np.zeros(alone, dtype=np.float32))
                if index == last and outro is not None:
                    stream.overlay(outro.outro(len(speech)))
                starts.append(stream.seconds)  # where the segment's part begins: a sting belongs to its story
                if sting is not None and clip.segment.kind == "transition" and clip.segment.story > 1:
                    stream.write(sting.sting())
                start = stream.seconds
                stream.write(np.concatenate((speech, np.zeros(pause, dtype=np.float32))))
                timeline.append((start, start + len(speech) / rate))
                cues.extend(Cue(cue.text, start + cue.start, start + cue.end) for cue in clip.cues)
            stream.drain()
        finally:
            stream.close()
        loudness = stream.meter.loudness() + offset
        if not math.isinf(loudness) and abs(settings.loudness - loudness) > RETRY_ABOVE_LU:
            loudness = stream.reencode(settings.loudness - loudness, level.ceiling).loudness() + offset
        audio_id = _audio_checksum(temporary)
        episode = Episode(
            path=output,
            title=script.title,
            duration=stream.seconds,
            engine=engine,
            segments=len(timeline),
            timeline=tuple(timeline),
            loudness=loudness,
            cues=tuple(cues),
            chapters=chapters_for(script, starts, stream.seconds),
            audio_id=audio_id,
            fingerprint=fingerprint,
        )
        write_tags(temporary, script, episode, config)
        write_sidecars(output, episode)  # the sidecars first: the MP3 is renamed into place last
    return episode


def _audio_checksum(path: Path) -> str:
    """A checksum of the encoded audio (before tags): the sidecars carry it, to tell whose they are."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]
