"""The stages wired together: read -> script -> speak -> assemble. No printing: progress goes to a callback."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .articles import read_article
from .articles.signals import dropped_prose_share
from .config import QUOTES_VOICE, Config, SpeechConfig
from .errors import ArticleError, AudioError, ConfigError, EngineError
from .limits import TooLarge, describe, read_bounded
from .models import Audio, Clip, Cue, Episode, Part, Script, Segment, SidecarStatus, Stage, primary_language
from .naming import default_output_path
from .pieces import piece_key
from .script import build_roundup, build_script
from .speech import Engine, create_engine, resolve_engine_name

MAX_LIST_BYTES = 1 << 20  # a --from-list file: a megabyte is thousands of articles

# The audio stack (numpy, soundfile, soxr, mutagen) is imported where audio is made, so reading, scripting
# and an up-to-date check never pay for it.
if TYPE_CHECKING:
    from .speech.cache import ClipCache


@dataclass(frozen=True)
class Progress:
    """A report from a running build. ``stage``: warn (a ``message`` for the user, e.g. much of a page dropped),
    engine (the engine chosen, and why), speak (``done`` of ``total`` segments spoken; the first report has done
    0), encode (speech is done; the MP3 is being finished), write (the episode is on disk), up-to-date (the episode
    at ``message`` was already built from the same script and settings: nothing to do)."""

    stage: Stage
    done: int = 0
    total: int = 0
    message: str = ""


ProgressCallback = Callable[[Progress], None]


def _ignore(_: Progress) -> None:
    return None


def script_for(sources: Sequence[str | Path], config: Config) -> list[Script]:
    """One script per source."""
    if not sources:
        raise ArticleError("no article given")
    return [build_script(read_article(source), config) for source in sources]


def cache_for(config: Config, directory: Path | None = None) -> ClipCache:
    """The clip cache the config (or ``--cache-dir``) points at, with its size bound."""
    from .speech.cache import ClipCache, default_cache_dir

    return ClipCache(directory or default_cache_dir(config.cache.directory), config.cache.max_size_mb * 1_000_000)


def worker_count(engine: Engine, config: Config) -> int:
    """Segments spoken at once: the config's, else what the engine asks for, else one."""
    if config.speech.workers:
        return config.speech.workers
    wanted = getattr(engine, "workers", 1)
    return max(1, wanted if wanted > 0 else (os.cpu_count() or 1))


def synthesize(
    script: Script,
    engine: Engine,
    cache: ClipCache,
    config: Config,
    on_progress: ProgressCallback = _ignore,
    quotes: Engine | None = None,
) -> Iterator[Part]:
    """Speak what the episode needs, in parallel, yielding one part per segment in script order: at once when the
    cache holds the segment's encoded piece, else as soon as its sentences are spoken.

    The sentence is the unit of work: it spreads evenly over the workers, it is what the clip cache keeps (so an
    interrupted build loses only the sentences in flight), and its place in the clip times a transcript cue.
    A segment whose piece is cached is not spoken, nor are its clips read, unless the assembly asks for its
    speech (music under it, a damaged piece). With a ``quotes`` engine, the words inside quotation marks are
    spoken by it and the rest by ``engine``; the cue still shows the whole sentence as written.
    """
    from .speech.text import quoted_parts, speakable, split_sentences  # not on `newscast script`'s path

    language = script.language or config.speech.language
    speech = config.speech

    def say(text: str) -> str:
        return speakable(text, config.pronunciations, language, speech.links)

    def parts_of(sentence: str) -> list[tuple[Engine, str]]:
        if quotes is None:
            return [(engine, say(sentence))]
        return [(quotes if quoted else engine, say(part)) for part, quoted in quoted_parts(sentence)]

    identities = {id(engine): engine.identity()} | ({id(quotes): quotes.identity()} if quotes else {})
    plans = [
        [
            (sentence, [(voice, spoken) for voice, spoken in parts_of(sentence) if spoken.strip()])
            for sentence in split_sentences(segment.text)
        ]
        for segment in script.segments
    ]
    spoken = [
        [[(identities[id(voice)], text) for voice, text in parts] for _, parts in plan if parts] for plan in plans
    ]
    first = next((sentence[0][0] for segment in spoken for sentence in segment), "")
    settings = piece_settings(config, first)
    piece_keys = [piece_key(segment, settings) for segment in spoken]
    cached = [cache.has_piece(key) for key in piece_keys]

    def speak(voice: Engine, text: str) -> Audio:
        audio = voice.synthesize(text)
        cache.put(identities[id(voice)], text, audio)
        return audio

    with ThreadPoolExecutor(max_workers=worker_count(engine, config), thread_name_prefix="speak") as pool:
        pending: dict[tuple[str, str], Future[Audio]] = {}
        ready: dict[tuple[str, str], Audio] = {}
        wanted: dict[tuple[str, str], Engine] = {}
        for plan, kept in zip(plans, cached, strict=True):
            for _, parts in [] if kept else plan:
                for voice, text in parts:
                    clip_key = (identities[id(voice)], text)
                    if clip_key in wanted or clip_key in ready:
                        continue
                    audio = cache.get(*clip_key)
                    if audio is None:
                        wanted[clip_key] = voice
                    else:
                        ready[clip_key] = audio
        keys = list(wanted)
        for index in submission_order([len(text) for _, text in keys]):
            pending[keys[index]] = pool.submit(speak, wanted[keys[index]], keys[index][1])
        on_progress(Progress(Stage.SPEAK, 0, len(plans)))

        def heard(voice: Engine, text: str) -> Audio:
            clip_key = (identities[id(voice)], text)
            if clip_key in ready:
                return ready[clip_key]
            if clip_key in pending:
                return pending[clip_key].result()
            return cache.get(*clip_key) or speak(voice, text)  # a segment whose piece was cached, needed after all

        def speech_of(
            segment: Segment, plan: list[tuple[str, list[tuple[Engine, str]]]], written: tuple[str, ...]
        ) -> Callable[[], Clip]:
            def speech() -> Clip:
                audios = [join_parts([heard(voice, text) for voice, text in parts]) for _, parts in plan if parts]
                return join_sentences(segment, written, audios, config.speech.sentence_silence)

            return speech

        try:
            segments = zip(script.segments, plans, piece_keys, cached, strict=True)
            for done, (segment, plan, key, kept) in enumerate(segments, start=1):
                if not kept:
                    for _, parts in plan:
                        for voice, text in parts:
                            heard(voice, text)  # wait for it here: progress counts what is spoken
                on_progress(Progress(Stage.SPEAK, done, len(plans), segment.kind))
                written = tuple(sentence for sentence, parts in plan if parts)
                yield Part(segment, written, speech_of(segment, plan, written), key, kept)
            on_progress(Progress(Stage.ENCODE, len(plans), len(plans)))
        finally:
            for future in pending.values():
                future.cancel()


LAST_SHARE = 0.2  # of a build's speech (by characters) submitted longest first


def submission_order(lengths: Sequence[int]) -> list[int]:
    """The order sentences are handed to the workers: the script's, except the last share of the work, longest
    first. The workers then finish together (the last sentences to start are short) instead of one idling
    while another speaks a long last sentence; the segments before it are ready in order, as they were."""
    total, done, head = sum(lengths), 0, len(lengths)
    for index, length in enumerate(lengths):
        if done >= (1 - LAST_SHARE) * total:
            head = index
            break
        done += length
    return [*range(head), *sorted(range(head, len(lengths)), key=lambda index: -lengths[index])]


def piece_settings(config: Config, first_identity: str) -> dict:
    """What besides the speech shapes a segment's encoded piece (pieces.piece_key): the output's rate, channels
    and bitrate, the loudness target and ceiling, the fades and the silence between sentences. An episode at the
    engine's own rate is at the rate of its first clip, which the engine that speaks it decides."""
    from .mp3 import QUALITY

    output = config.output
    return {
        "rate": output.sample_rate or f"spoken by {first_identity}", "channels": 2 if output.stereo else 1,
        "bitrate": output.bitrate, "loudness": output.loudness, "true_peak": output.true_peak,
        "fade": config.pauses.fade, "sentence_silence": config.speech.sentence_silence, "encoder": f"LAME -q{QUALITY}",
    }  # fmt: skip


def join_parts(audios: Sequence[Audio]) -> Audio:
    """A sentence spoken in parts (narration and quotation) as one audio, at the first part's rate."""
    import numpy as np

    from .audio import resample

    if len(audios) == 1:
        return audios[0]
    rate = audios[0].sample_rate
    samples = [a.samples if a.sample_rate == rate else resample(a.samples, a.sample_rate, rate) for a in audios]
    return Audio(np.concatenate(samples).astype(np.float32, copy=False), rate)


def join_sentences(segment: Segment, sentences: Sequence[str], audios: Sequence[Audio], gap_seconds: float) -> Clip:
    """One clip of a segment's sentences, ``gap_seconds`` apart, with a cue for each."""
    import numpy as np

    from .audio import resample

    if not audios:
        return Clip(segment, Audio(np.zeros(0, dtype=np.float32), 22_050))
    rate = audios[0].sample_rate
    gap = np.zeros(round(gap_seconds * rate), dtype=np.float32)
    pieces: list[np.ndarray] = []
    cues: list[Cue] = []
    position = 0
    for index, (sentence, audio) in enumerate(zip(sentences, audios, strict=True)):
        if index:
            pieces.append(gap)
            position += len(gap)
        samples = audio.samples if audio.sample_rate == rate else resample(audio.samples, audio.sample_rate, rate)
        pieces.append(samples)
        cues.append(Cue(sentence, position / rate, (position + len(samples)) / rate))
        position += len(samples)
    return Clip(segment, Audio(np.concatenate(pieces).astype(np.float32, copy=False), rate), tuple(cues))


def read_source_list(path: str | Path) -> list[str]:
    """A text file of articles, one path or URL a line; blank lines and ``#`` comments are skipped.
    Paths are read relative to the list's own folder."""
    path = Path(path)
    try:
        lines = read_bounded(path, MAX_LIST_BYTES).decode("utf-8").splitlines()
    except FileNotFoundError:
        raise ArticleError(f"no such list file: {path}") from None
    except TooLarge:
        raise ArticleError(f"the list file {path} is over {describe(MAX_LIST_BYTES)}; refused") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ArticleError(f"cannot read list file {path}: {error}") from None
    sources = []
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        is_url = entry.startswith(("http://", "https://")) or entry == "-"
        sources.append(entry if is_url or Path(entry).is_absolute() else str(path.parent / entry))
    if not sources:
        raise ArticleError(f"the list file {path} names no articles")
    return sources


def episode_script(sources: Sequence[str | Path], config: Config, on_progress: ProgressCallback = _ignore) -> Script:
    """One article's script, or for several a roundup of them all."""
    if not sources:
        raise ArticleError("no article given")
    articles = [read_article(source) for source in sources]
    for source, article in zip(sources, articles, strict=True):
        share = dropped_prose_share(article)
        if share > config.script.warn_dropped:
            message = f"{source}: {share:.0%} of the page's prose was dropped (see newscast script --dropped)"
            on_progress(Progress(Stage.WARN, message=message))
    return build_script(articles[0], config) if len(articles) == 1 else build_roundup(articles, config)


def build_episode(
    source: str | Path | Sequence[str | Path],
    config: Config,
    output: Path | None = None,
    cache: ClipCache | None = None,
    on_progress: ProgressCallback = _ignore,
    force: bool = False,
) -> Episode:
    """Turn one article, or several as a roundup, into one MP3 episode; return what was written.

    An episode already at ``output`` made from the same script and settings is left alone (returned with
    ``up_to_date``) unless ``force``."""
    sources = [source] if isinstance(source, str | Path) else list(source)
    if output is not None:
        check_output(output, sources)
    return speak_script(episode_script(sources, config, on_progress), config, output, cache, on_progress, force)


_NOT_AN_EPISODE = (".vtt", ".json", ".xml", ".part")  # sidecars, the feed, temporary files


def check_output(output: Path, sources: Sequence[str | Path]) -> None:
    """Refuse an output path the atomic rename would wrongly replace: an article being read, a sidecar or feed
    name (``-o ep.vtt`` would lose the transcript), or something that is not a regular file (a device, a FIFO)."""
    if str(output) == "-":
        raise ConfigError("-o - (standard output) is for the command line; give the library a file path")
    if output.name.lower().endswith(_NOT_AN_EPISODE):
        raise ConfigError(
            f"-o {output}: that is a sidecar or feed name (.vtt, .chapters.json, .xml), which the build writes "
            f"beside the MP3; give the MP3's name, e.g. {output.with_suffix('.mp3')}"
        )
    if (output.exists() or output.is_symlink()) and not output.is_dir() and not output.is_file():
        raise ConfigError(f"-o {output} is not a regular file (a device, pipe or socket); give a file path")
    from .metadata import sidecar_paths

    written = [output, *sidecar_paths(output)]
    for source in sources:
        source = str(source)
        if source == "-" or source.startswith(("http://", "https://")):
            continue
        for path in written:
            if _same_file(Path(source), path):
                what = "the output" if path == output else f"its sidecar {path}"
                raise ConfigError(f"-o {output}: {what} is one of the articles ({source}); it would be overwritten")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return (a.exists() and b.exists() and os.path.samefile(a, b)) or a.resolve() == b.resolve()
    except OSError:
        return False


def check_inputs(config: Config) -> None:
    """The files the config names (cover, music) are checked before the expensive work, not after it."""
    from .metadata import cover_art
    from .music import check_music

    cover_art(config)
    for path in (config.music.intro, config.music.outro, config.roundup.sting):
        check_music(path)


# Settings that change where or how fast an episode is made, not what is in it.
_NOT_IN_THE_EPISODE = {
    "cache": None,
    "feed": None,
    "follow": None,
    "speech": ("workers", "timeout", "retries", "requests_per_second"),
    "source": None,
}


def build_fingerprint(script: Script, config: Config) -> str:
    """A digest of everything an episode is made from: newscast's version, the script, the settings that
    shape the audio or the tags, and the size and time of the files they name (music, sting, cover, voice).

    The same script spoken with the same settings gives the same clips (they are keyed the same way in the
    clip cache), so an episode with this fingerprint in its tags is the one a build would write again.
    """
    from . import __version__

    settings = dataclasses.asdict(config)
    for section, keys in _NOT_IN_THE_EPISODE.items():
        if keys is None:
            settings.pop(section, None)
        else:
            for key in keys:
                settings[section].pop(key, None)
                for options in settings[section].get("engines", {}).values():  # [speech.<engine>] tables
                    options.pop(key, None)
    named = (
        config.music.intro, config.music.outro, config.roundup.sting, config.show.cover, config.speech.voice,
        *config.speech.voices.values(),
    )  # fmt: skip
    files = {}
    for name in filter(None, named):
        try:
            status = Path(name).expanduser().stat()
        except OSError:
            continue  # a voice name, or a file that is gone (the build will say so)
        files[name] = [status.st_size, status.st_mtime_ns]
    payload = {
        "newscast": __version__, "script": script.to_dict(), "language": script.language, "settings": settings,
        "files": files,
    }  # fmt: skip
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def built_from(output: Path, fingerprint: str) -> Episode | None:
    """The episode at ``output`` if it was built from ``fingerprint`` and its sidecars are its own, else None."""
    if not output.is_file():
        return None
    from .readback import read_episode

    try:
        stored = read_episode(output)
    except AudioError:
        return None
    if stored.fingerprint != fingerprint or any(status is not SidecarStatus.OK for status in stored.sidecars.values()):
        return None
    return Episode(
        path=output,
        title=stored.title,
        duration=stored.duration,
        engine="",
        segments=0,
        fingerprint=fingerprint,
        up_to_date=True,
    )


def speech_settings_for(language: str, config: Config) -> tuple[SpeechConfig, str]:
    """The speech settings for an article's language: that language (for gTTS and the normaliser) and the
    voice ``[speech.voices]`` names for it; and a note when a foreign article has no voice of its own."""
    speech = config.speech
    if not language:
        return speech, ""
    voice = speech.voice_for(language)
    if primary_language(language) == primary_language(speech.language):
        return replace(speech, voice=voice), ""  # the configured language code stays (gTTS: "pt" or "zh-TW")
    note = (
        ""
        if voice != speech.voice
        else (
            f"the article is in {language!r} and [speech.voices] names no voice for it, so the "
            f"{speech.voice or 'default'} voice reads it"
        )
    )
    return replace(speech, language=language, voice=voice), note


def speak_script(
    script: Script,
    config: Config,
    output: Path | None = None,
    cache: ClipCache | None = None,
    on_progress: ProgressCallback = _ignore,
    force: bool = False,
) -> Episode:
    """Speak a script and write its episode (to ``audio/<date>-<slug>.mp3`` unless told otherwise), unless
    that episode is already there, built from the same script and settings, and not ``force``."""
    output = output or default_output_path(script, config)
    fingerprint = build_fingerprint(script, config)
    existing = None if force else built_from(output, fingerprint)
    if existing is not None:
        on_progress(Progress(Stage.UP_TO_DATE, message=str(output)))
        return existing
    check_inputs(config)
    from .episode import write_episode

    name, reason = resolve_engine_name(config.speech)
    settings, note = speech_settings_for(script.language, config)
    try:
        engine = create_engine(name, settings)
    except EngineError:
        if settings.voice != config.speech.voice or primary_language(settings.language) == primary_language(
            config.speech.language
        ):
            raise  # a voice named for the language failed, or the configured language itself: say so
        # A language the page declared (or the guess found) that this engine has no voice for: read the article
        # in the configured language rather than not at all.
        note = f"{name} does not speak the article's language {script.language!r}; it reads it as "
        note += repr(config.speech.language)
        settings = replace(settings, language=config.speech.language)
        engine = create_engine(name, settings)
    quotes = None
    if QUOTES_VOICE in config.speech.voices:
        quotes = create_engine(name, replace(settings, voice=config.speech.voices[QUOTES_VOICE]))
        if quotes.identity() == engine.identity():  # an engine without voices (gTTS): one voice after all
            quotes = None
    on_progress(Progress(Stage.ENGINE, message=f"{name}: {reason}" + (f"; {note}" if note else "")))
    cache = cache or cache_for(config)
    parts = synthesize(script, engine, cache, replace(config, speech=settings), on_progress, quotes)
    episode = write_episode(script, parts, output, config, engine.name, fingerprint, cache)
    cache.prune()
    on_progress(Progress(Stage.WRITE, message=str(output)))
    return episode
