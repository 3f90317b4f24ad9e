"""The stages wired together: read -> script -> speak -> assemble. No printing: progress goes to a callback."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .articles import read_article
from .config import QUOTES_VOICE, Config, SpeechConfig
from .episode import default_output_path, resample, write_episode
from .errors import ArticleError
from .models import Audio, Clip, Cue, Episode, Script, Segment
from .script import build_roundup, build_script
from .speech import Engine, create_engine, resolve_engine_name
from .speech.cache import ClipCache, default_cache_dir
from .speech.text import primary_language, quoted_parts, speakable, split_sentences


@dataclass(frozen=True)
class Progress:
    """A report from a running build: ``stage`` is engine, speak or write."""

    stage: str
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
) -> Iterator[Clip]:
    """Speak every sentence, in parallel, yielding one clip per segment, in script order, as soon as it is ready.

    The sentence is the unit of work: it spreads evenly over the workers, it is what the cache keeps (so an
    interrupted build loses only the sentences in flight), and its place in the clip times a transcript cue.
    With a ``quotes`` engine, the words inside quotation marks are spoken by it and the rest by ``engine``;
    the cue still shows the whole sentence as written.
    """
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

    def speak(voice: Engine, text: str) -> Audio:
        audio = voice.synthesize(text)
        cache.put(identities[id(voice)], text, audio)
        return audio

    with ThreadPoolExecutor(max_workers=worker_count(engine, config), thread_name_prefix="speak") as pool:
        pending: dict[tuple[str, str], Future[Audio]] = {}
        ready: dict[tuple[str, str], Audio] = {}
        for plan in plans:
            for _, parts in plan:
                for voice, spoken in parts:
                    key = (identities[id(voice)], spoken)
                    if key in pending or key in ready:
                        continue
                    audio = cache.get(*key)
                    if audio is None:
                        pending[key] = pool.submit(speak, voice, spoken)
                    else:
                        ready[key] = audio

        def heard(voice: Engine, spoken: str) -> Audio:
            key = (identities[id(voice)], spoken)
            return ready.get(key) or pending[key].result()

        try:
            for done, (segment, plan) in enumerate(zip(script.segments, plans, strict=True), start=1):
                audios = [join_parts([heard(voice, spoken) for voice, spoken in parts]) for _, parts in plan if parts]
                written = [sentence for sentence, parts in plan if parts]
                on_progress(Progress("speak", done, len(plans), segment.kind))
                yield join_sentences(segment, written, audios, config.speech.sentence_silence)
        finally:
            for future in pending.values():
                future.cancel()


def join_parts(audios: Sequence[Audio]) -> Audio:
    """A sentence spoken in parts (narration and quotation) as one audio, at the first part's rate."""
    if len(audios) == 1:
        return audios[0]
    rate = audios[0].sample_rate
    samples = [a.samples if a.sample_rate == rate else resample(a.samples, a.sample_rate, rate) for a in audios]
    return Audio(np.concatenate(samples).astype(np.float32, copy=False), rate)


def join_sentences(segment: Segment, sentences: Sequence[str], audios: Sequence[Audio], gap_seconds: float) -> Clip:
    """One clip of a segment's sentences, ``gap_seconds`` apart, with a cue for each."""
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
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ArticleError(f"no such list file: {path}") from None
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


def episode_script(sources: Sequence[str | Path], config: Config) -> Script:
    """One article's script, or for several a roundup of them all."""
    if not sources:
        raise ArticleError("no article given")
    if len(sources) == 1:
        return build_script(read_article(sources[0]), config)
    return build_roundup([read_article(source) for source in sources], config)


def build_episode(
    source: str | Path | Sequence[str | Path],
    config: Config,
    output: Path | None = None,
    cache: ClipCache | None = None,
    on_progress: ProgressCallback = _ignore,
) -> Episode:
    """Turn one article, or several as a roundup, into one MP3 episode; return what was written."""
    sources = [source] if isinstance(source, str | Path) else list(source)
    return speak_script(episode_script(sources, config), config, output, cache, on_progress)


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
) -> Episode:
    """Speak a script and write its episode (to ``audio/<date>-<slug>.mp3`` unless told otherwise)."""
    name, reason = resolve_engine_name(config.speech)
    settings, note = speech_settings_for(script.language, config)
    engine = create_engine(name, settings)
    quotes = None
    if QUOTES_VOICE in config.speech.voices:
        quotes = create_engine(name, replace(settings, voice=config.speech.voices[QUOTES_VOICE]))
        if quotes.identity() == engine.identity():  # an engine without voices (gTTS): one voice after all
            quotes = None
    on_progress(Progress("engine", message=f"{name}: {reason}" + (f"; {note}" if note else "")))
    output = output or default_output_path(script, config)
    cache = cache or cache_for(config)
    clips = synthesize(script, engine, cache, replace(config, speech=settings), on_progress, quotes)
    episode = write_episode(script, clips, output, config, engine.name)
    cache.prune()
    on_progress(Progress("write", message=str(output)))
    return episode
