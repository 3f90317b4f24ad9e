"""Parts -> one MP3 with its sidecars: the assembly.

Each segment's speech is levelled alone and encoded alone as a piece (audio.py, pieces.py), which the clip cache
keeps; the episode is the pieces' frames one after another, with silent frames for the pauses, behind one Info
frame written for the whole file (mp3.Stitcher). A rebuild that keeps the speech (other pauses, order, intro)
therefore decodes, levels and encodes nothing: it copies frames. A pause is a whole number of frames (26 ms at
22.05 kHz), the one nearest the configured length, and at least the frame and padding after the speech.

Music beds are mixed with the speech under them, and that stretch is encoded as a piece of its own each build;
a sting is encoded once per build and played before each story after the first. The episode's loudness is
added up from the K-weighted energies stored with each piece where it plays (no meter reads the stream); an
episode further than a few tenths of a LU from the target is assembled again with one correcting gain, its
pieces levelled and encoded again (and kept, so the next rebuild finds them).
"""

from __future__ import annotations

import collections
import math
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .config import Config
from .errors import AudioError, OutputError
from .files import atomic_output
from .gating import STEP_SECONDS, STEREO_OFFSET_DB, StepGrid
from .metadata import chapters_for, write_sidecars, write_tags
from .models import Clip, Cue, Episode, Part, Script, SegmentKind
from .mp3 import Format, Stitcher, audio_checksum, stream_format, supported_rate
from .naming import default_output_path, slugify  # noqa: F401  (their old home)
from .pieces import Piece, corrected_key, make_piece

if TYPE_CHECKING:  # the audio stack loads only when speech is levelled, mixed or encoded in this build
    import numpy as np

    from .audio import Level, Speech
    from .music import MusicBed
    from .speech.cache import ClipCache

RETRY_ABOVE_LU = 0.3  # an episode further than this from the target is assembled again
MADE_AHEAD = 4  # parts whose pieces are being made before the stitching reaches them: bounds the memory


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """audio.resample, at its old home (tests and scripts import it from here)."""
    from .audio import resample as resample_audio

    return resample_audio(samples, from_rate, to_rate)


@dataclass
class _Assembled:
    """Where everything landed in one assembly of the episode (seconds of player time)."""

    duration: float = 0.0
    loudness: float = -math.inf
    timeline: list[tuple[float, float]] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)  # where each segment's part begins (a sting is its story's)
    cues: list[Cue] = field(default_factory=list)


class _Mix:
    """A stretch of the episode with music under it, mixed in floats from ``start`` and encoded as one piece."""

    def __init__(self, start: int) -> None:
        import numpy as np

        self.start = start
        self.samples = np.zeros(0, dtype=np.float32)
        self.music_end = 0  # where the last bed laid in it ends

    def lay(self, offset: int, samples: np.ndarray, music: bool = False) -> None:
        import numpy as np

        end = offset + len(samples)
        if end > len(self.samples):
            self.samples = np.concatenate((self.samples, np.zeros(end - len(self.samples), dtype=np.float32)))
        self.samples[offset:end] += samples
        if music:
            self.music_end = max(self.music_end, end)


class _Assembler:
    """One pass over the parts: pieces (cached, or made) and mixed stretches, stitched into ``file``."""

    def __init__(self, script: Script, config: Config, cache: ClipCache | None, correction: float) -> None:
        self.script, self.config, self.cache, self.correction = script, config, cache, correction
        self.output = config.output
        self.channels = 2 if self.output.stereo else 1
        self.format: Format | None = None
        self.stitcher: Stitcher | None = None
        self.grid: StepGrid | None = None
        self.result = _Assembled()
        self.next_start = 0  # where the next part's audio should begin: the last speech's end and its pause
        self.end = 0  # where the episode's audio ends so far
        self.mix: _Mix | None = None
        self._music: dict[str, MusicBed | None] = {}
        self._sting: tuple[Piece, int] | None = None

    # --- the stream's format and settings, fixed by the first part ---------------------------------------------
    def _begin(self, rate: int, file: BinaryIO) -> None:
        rate = supported_rate(self.output.sample_rate or rate)
        self.format = stream_format(rate, self.channels, self.output.bitrate)
        self.stitcher = Stitcher(file, self.format)
        self.grid = StepGrid(round(STEP_SECONDS * rate))

    @property
    def rate(self) -> int:
        assert self.format is not None
        return self.format.rate

    def _codec_db(self) -> float:
        from .mp3 import codec_gain_db

        assert self.format is not None
        return codec_gain_db(self.format)

    def _mono_target(self) -> float:
        """The loudness one channel is levelled to before the encoder."""
        offset = (STEREO_OFFSET_DB if self.channels == 2 else 0.0) + self._codec_db()
        return self.output.loudness - offset + self.correction

    def _level(self) -> Level:
        from .audio import Level

        return Level(self._mono_target(), self.output.true_peak - self._codec_db(), self.rate)

    def _speech(self, clip: Clip) -> Speech:
        from .audio import prepare_clip

        return prepare_clip(clip, self._level(), self.config.pauses.fade)

    # --- parts -----------------------------------------------------------------------------------------------------
    def run(self, parts: Iterable[Part], file: BinaryIO) -> _Assembled:
        """Stitch the parts in order. Pieces to be made are levelled and encoded by two threads a few parts
        ahead of the stitching (LAME and numpy let go of the GIL), so the last segments of a build, which are
        spoken at about the same time, do not wait for each other."""
        last = len(self.script.segments) - 1
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="piece") as making:
            waiting: collections.deque[tuple[int, Part, Future[Piece | None] | None]] = collections.deque()
            for index, part in enumerate(parts):
                waiting.append((index, part, self._made_ahead(making, index, part, index == last)))
                while waiting and (len(waiting) > MADE_AHEAD or waiting[0][2] is None or waiting[0][2].done()):
                    index, part, made = waiting.popleft()
                    self._add(index, part, index == last, file, made)
            while waiting:
                index, part, made = waiting.popleft()
                self._add(index, part, index == last, file, made)
        if self.stitcher is None or self.grid is None:
            raise AudioError("nothing to assemble: the script has no segments")
        self._close_mix()
        self.result.duration = self.stitcher.close(max(self.end, self.next_start)) / self.rate
        self.result.loudness = self.grid.loudness()
        return self.result

    def _made_ahead(
        self, making: ThreadPoolExecutor, index: int, part: Part, last: bool
    ) -> Future[Piece | None] | None:
        """The part's piece being made in ``making``, when it is sure to be a piece of its own that the cache does
        not hold (not the first part, which sets the stream's format, nor one music may lie under; in a
        correcting pass the corrected piece may be cached from an earlier build, so it is looked up first)."""
        music = self.config.music
        if self.format is None or index == 0 or music.intro or (last and music.outro) or part.cached:
            return None
        if self.correction:
            return None
        return making.submit(self._made_piece, part, None)

    def _add(self, index: int, part: Part, last: bool, file: BinaryIO, made: Future[Piece | None] | None) -> None:
        if made is not None:
            self._place_piece(part, made.result())
            return
        if self.mix is not None and self.next_start >= self.mix.start + self.mix.music_end:
            self._close_mix()
        music = self.config.music
        mixed = (index == 0 and bool(music.intro)) or (last and bool(music.outro)) or self.mix is not None
        piece = None if mixed else self._cached_piece(part)
        speech = None
        if self.stitcher is None:  # the first part sets the episode's rate (the engine's, unless configured)
            if piece is None:
                clip = part.speech()
                self._begin(clip.audio.sample_rate, file)
                speech = self._speech(clip)
            else:
                self._begin(piece.format.rate, file)
                piece = piece if piece.format == self.format else None
        if mixed:
            intro, outro = self._bed("intro") if index == 0 else None, self._bed("outro") if last else None
            self._add_mixed(part, speech, intro, outro, self._has_sting(part))
            return
        self._place_piece(part, piece or self._made_piece(part, speech))

    def _place_piece(self, part: Part, piece: Piece | None) -> None:
        """The part's piece (None: no speech) after a sting when its story has one, where it belongs."""
        part_start = None
        if self._has_sting(part):
            sting_piece, breath = self._sting_piece()
            part_start = self._place(sting_piece)  # the sting belongs to its story
            self.next_start = part_start + sting_piece.encoded.samples + breath
        start = self._place(piece) if piece is not None else self._silence_to(self.next_start)
        self.result.starts.append((start if part_start is None else part_start) / self.rate)
        samples = piece.encoded.samples if piece is not None else 0
        self._record(part, start, samples, piece.cues if piece is not None else ())
        self.next_start = start + samples + self._pause(part)

    def _has_sting(self, part: Part) -> bool:
        """A roundup's sting plays before each story's transition but the first."""
        segment = part.segment
        return segment.kind == SegmentKind.TRANSITION and segment.story > 1 and self._bed("sting") is not None

    def _pause(self, part: Part) -> int:
        return round(part.segment.pause_ms * self.rate / 1000)

    def _record(self, part: Part, start: int, samples: int, cues: tuple[tuple[int, int], ...]) -> None:
        rate = self.rate
        self.result.timeline.append((start / rate, (start + samples) / rate))
        self.result.cues.extend(
            Cue(text, (start + first) / rate, (start + end) / rate)
            for text, (first, end) in zip(part.sentences, cues, strict=False)
        )
        self.end = max(self.end, start + samples)

    # --- pieces ----------------------------------------------------------------------------------------------------
    def _key(self, part: Part) -> str:
        if not part.piece_key or not self.correction:
            return part.piece_key
        return corrected_key(part.piece_key, self.correction)

    def _cached_piece(self, part: Part) -> Piece | None:
        key = self._key(part)
        if self.cache is None or not key or not (part.cached or self.correction):
            return None
        piece = self.cache.piece(key)
        if piece is None or len(piece.cues) != len(part.sentences):
            return None
        if self.format is not None and (piece.format != self.format or not self._stitcher().fits(piece.encoded)):
            return None
        return piece

    def _made_piece(self, part: Part, speech: Speech | None) -> Piece | None:
        """The part's speech levelled and encoded (and kept, under its key); None for a segment with no speech."""
        assert self.format is not None
        speech = speech or self._speech(part.speech())
        if not len(speech.samples):
            return None
        piece = make_piece(speech, self.format, self._codec_db())
        key = self._key(part)
        if self.cache is not None and key:
            self.cache.put_piece(key, piece)
        return piece

    def _stitcher(self) -> Stitcher:
        assert self.stitcher is not None and self.grid is not None
        return self.stitcher

    def _silence_to(self, position: int) -> int:
        stitcher = self._stitcher()
        stitcher.pad_to(position)
        return stitcher.position

    def _place(self, piece: Piece) -> int:
        """Silent frames up to the frame nearest ``next_start``, then the piece; return where it starts."""
        stitcher = self._stitcher()
        stitcher.pad_to(self.next_start)
        if not stitcher.fits(piece.encoded):
            raise AudioError("a cached piece of another channel mode cannot join this episode")
        return self._add_piece(piece)

    def _add_piece(self, piece: Piece) -> int:
        """The piece's frames where the stream stands, and its loudness where it plays; return where it starts."""
        start = self._stitcher().add(piece.encoded)
        assert self.grid is not None
        self.grid.place(start, piece.energies)
        return start

    # --- music -----------------------------------------------------------------------------------------------------
    def _bed(self, kind: str) -> MusicBed | None:
        path = {"intro": self.config.music.intro, "outro": self.config.music.outro, "sting": self.config.roundup.sting}
        if not path[kind]:
            return None
        if kind not in self._music:
            from .music import load_music

            self._music[kind] = load_music(path[kind], self.rate, self._mono_target(), self.config)
        return self._music[kind]

    def _sting_piece(self) -> tuple[Piece, int]:
        """The sting, encoded once per assembly, and the breath after it."""
        if self._sting is None:
            from .music import STING_BREATH_SECONDS

            bed = self._bed("sting")
            assert bed is not None and self.format is not None
            self._sting = (self._mixed_piece(bed.sting()), round(STING_BREATH_SECONDS * self.rate))
        return self._sting

    def _mixed_piece(self, samples: np.ndarray) -> Piece:
        """Music (and the speech under it) limited under the ceiling, measured and encoded."""
        import numpy as np

        from .audio import PEAK_MARGIN_DB, Speech
        from .loudness import LoudnessMeter, limit

        assert self.format is not None
        ceiling = self.output.true_peak - self._codec_db() - PEAK_MARGIN_DB
        samples = np.clip(limit(samples, self.rate, ceiling), -1.0, 1.0)
        meter = LoudnessMeter(self.rate)
        meter.add(samples)
        return make_piece(Speech(samples, (), meter.energies()), self.format, self._codec_db())

    def _add_mixed(self, part: Part, speech: Speech | None, intro: MusicBed | None, outro: MusicBed | None,
                   sting: bool) -> None:  # fmt: skip
        """A part with music under it: its speech (levelled afresh) laid into the open mix, or a new one."""
        speech = speech or self._speech(part.speech())
        if self.mix is None:
            stitcher = self._stitcher()
            stitcher.pad_to(self.next_start)
            self.mix = _Mix(stitcher.position)
            self.next_start = self.mix.start
        mix = self.mix
        offset = self.next_start - mix.start
        if intro is not None:
            bed, alone = intro.intro(len(speech.samples))
            mix.lay(offset, bed, music=True)
            offset += alone
        part_start = offset
        if sting:
            from .music import STING_BREATH_SECONDS

            sting_bed = self._bed("sting")
            assert sting_bed is not None
            sting_samples = sting_bed.sting()
            mix.lay(offset, sting_samples, music=True)
            offset += len(sting_samples) + round(STING_BREATH_SECONDS * self.rate)
        if outro is not None:
            mix.lay(offset, outro.outro(len(speech.samples)), music=True)
        mix.lay(offset, speech.samples)
        self.result.starts.append((mix.start + part_start) / self.rate)
        self._record(part, mix.start + offset, len(speech.samples), speech.cues)
        self.next_start = mix.start + offset + len(speech.samples) + self._pause(part)

    def _close_mix(self) -> None:
        if self.mix is None:
            return
        mix, self.mix = self.mix, None
        self.next_start = max(self.next_start, mix.start)
        piece = self._mixed_piece(mix.samples)
        start = self._add_piece(piece)
        assert start == mix.start
        self.end = max(self.end, start + piece.encoded.samples)


def write_episode(
    script: Script,
    parts: Iterable[Part],
    output: Path,
    config: Config,
    engine: str,
    fingerprint: str = "",
    cache: ClipCache | None = None,
) -> Episode:
    """Stitch the parts' pieces (from ``cache``, or made and kept there) into an MP3 with its sidecars, which
    appear complete or not at all. ``fingerprint`` (what it is made from) goes into its tags, for the next
    build's up-to-date check."""
    seen: list[Part] = []
    with atomic_output(output) as temporary:
        assembled = _assemble(script, _kept(parts, seen), temporary, config, cache, 0.0)
        target = config.output.loudness
        if not math.isinf(assembled.loudness) and abs(target - assembled.loudness) > RETRY_ABOVE_LU:
            correction = round(target - assembled.loudness, 1)  # in tenths: a rebuild finds the same pieces
            assembled = _assemble(script, seen, temporary, config, cache, correction)
        audio_id = audio_checksum(temporary)
        episode = Episode(
            path=output,
            title=script.title,
            duration=assembled.duration,
            engine=engine,
            segments=len(assembled.timeline),
            timeline=tuple(assembled.timeline),
            loudness=assembled.loudness,
            cues=tuple(assembled.cues),
            chapters=chapters_for(script, assembled.starts, assembled.duration),
            audio_id=audio_id,
            fingerprint=fingerprint,
        )
        write_tags(temporary, script, episode, config)
        write_sidecars(output, episode)  # the sidecars first: the MP3 is renamed into place last
    return episode


def _kept(parts: Iterable[Part], seen: list[Part]) -> Iterator[Part]:
    for part in parts:
        seen.append(part)
        yield part


def _assemble(
    script: Script, parts: Iterable[Part], path: Path, config: Config, cache: ClipCache | None, correction: float
) -> _Assembled:
    try:
        with path.open("w+b") as file:
            return _Assembler(script, config, cache, correction).run(parts, file)
    except OSError as error:  # opening or closing the file; its writes say so themselves
        raise OutputError(f"cannot write {path.name}: {error.strerror or error}") from None
