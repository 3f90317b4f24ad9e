"""Clips -> one MP3, encoded while later clips are still being spoken, with its sidecars: the assembly.

Each clip is brought to the loudness target (ITU-R BS.1770) together with the pause after it, so the
episode is level from start to end and lands on the target as a whole; it is faded at its edges, mixed with
the intro and outro music beds, and encoded at once. The assembled episode is measured as it is written; in
the rare case it missed the target by more than a few tenths of a LU it is encoded again with the one
correcting gain, from the 16-bit PCM kept in a scratch file (nothing is ever concatenated, nor held in memory).
The pieces live beside it: audio.py (resampling, levelling), music.py (beds), mp3.py (the encoder), naming.py.
"""

from __future__ import annotations

import collections
import itertools
import math
import tempfile
import typing
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile

from .audio import PEAK_MARGIN_DB, SAMPLE_WIDTH, STEREO_OFFSET_DB, Level, prepare_clip, to_pcm
from .audio import resample as resample  # its old home; tests import it from here
from .config import Config
from .errors import AudioError
from .files import atomic_output
from .loudness import LoudnessMeter, limit
from .metadata import chapters_for, write_sidecars, write_tags
from .models import Clip, Cue, Episode, Script, SegmentKind
from .mp3 import audio_checksum, codec_gain_db, open_mp3
from .music import load_music
from .naming import default_output_path, slugify  # noqa: F401  (their old home)

RETRY_ABOVE_LU = 0.3  # an episode further than this from the target is encoded again


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
            self.pcm.write(to_pcm(samples))
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
    level = Level(settings.loudness - codec_db, settings.true_peak - codec_db, rate, channels == 2)
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
                if sting is not None and clip.segment.kind == SegmentKind.TRANSITION and clip.segment.story > 1:
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
        audio_id = audio_checksum(temporary)
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
