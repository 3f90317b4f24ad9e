"""Music beds and stings: checked before any speech is spoken, decoded, levelled against the speech, and
shaped (the intro alone then ducked, the outro rising after the last words, a sting between stories)."""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .errors import AudioError

if TYPE_CHECKING:  # the audio stack loads when music is used: checking that a file is audio needs only soundfile
    import numpy as np


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
        import numpy as np

        from .audio import ramp

        lead, fade, dip = (round(x * self.rate) for x in (self.lead_in, self.fade, 0.5))
        length = min(len(self.samples), lead + speech_frames + fade)
        envelope = np.concatenate((
            np.ones(max(lead - dip, 0), np.float32), ramp(1, self.duck, min(dip, lead)),
            np.full(speech_frames, self.duck, np.float32), ramp(self.duck, 0, fade),
        ))[:length]  # fmt: skip
        return self._ending(self.samples[:length] * envelope, length < lead + speech_frames + fade), min(lead, length)

    def outro(self, speech_frames: int) -> np.ndarray:
        """The bed from the start of the last segment: ducked under it, then up for its tail, then faded."""
        import numpy as np

        from .audio import ramp

        rise, tail, fade = (round(x * self.rate) for x in (1.0, self.tail, self.fade))
        length = min(len(self.samples), speech_frames + tail + fade)
        envelope = np.concatenate((
            ramp(0, self.duck, min(rise, speech_frames)), np.full(max(speech_frames - rise, 0), self.duck, np.float32),
            ramp(self.duck, 1, min(rise, tail)), np.ones(max(tail - rise, 0), np.float32), ramp(1, 0, fade),
        ))[:length]  # fmt: skip
        return self._ending(self.samples[:length] * envelope, length < speech_frames + tail + fade)

    def sting(self) -> np.ndarray:
        """The whole file at full level, ending in a short fade (a breath of STING_BREATH_SECONDS follows)."""
        from .audio import ramp

        fade = min(len(self.samples), round(0.3 * self.rate))
        sting = self.samples.copy()
        sting[len(sting) - fade :] *= ramp(1, 0, fade)
        return sting

    def _ending(self, bed: np.ndarray, cut_short: bool) -> np.ndarray:
        """A file shorter than its part still ends without a click."""
        from .audio import ramp

        if cut_short:
            frames = min(len(bed), round(0.5 * self.rate))
            bed[len(bed) - frames :] *= ramp(1, 0, frames)
        return bed


STING_BREATH_SECONDS = 0.4  # between a sting and the words after it
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
    import soundfile

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
    import numpy as np
    import soundfile

    from .audio import db, resample
    from .loudness import integrated_loudness

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
        (mono * np.float32(db(gain))).astype(np.float32), rate, db(music.duck), music.lead_in, music.tail, music.fade
    )
