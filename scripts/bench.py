"""Speed and memory figures, each a ratio against a baseline measured in the same run.

    python scripts/bench.py                    # every section, in the order below
    python scripts/bench.py piper startup      # some sections
    python scripts/bench.py profile            # CPU seconds per stage of a cold, a warm and a stitched build

startup  `newscast --help` and `newscast script` on a saved page (wall, median), against `python -c pass`.
         Target: each at most 0.4 s.
piper    cold `newscast build --engine piper` of the example article (fresh cache, new process, at least 5 runs) against
         `python -m piper` speaking the same script text (target <= 0.90, stretch 0.85), and the synthesis alone
         (every sentence on newscast's sessions, the voice loaded first: the floor), and once the very first
         build on a machine (no compiled voice yet: it is made first); then, against that cold
         build: a warm rebuild after a config change that keeps every clip (other pauses; target <= 0.10), an
         unchanged rebuild, which only says "up to date" (target < 0.10), the same with --force, and a rerun
         after SIGKILL half way.
batch    a day's news: 20 articles with `newscast batch` (local cluster, default workers, empty clip cache)
         against a shell loop of `python -m piper` over the same 20 script texts (target <= 0.80).
growth   roundups of 1, 5 and 10 stories: first the whole cold command (speech included, empty clip cache), CPU
         seconds per minute of audio against the 1-story roundup (target: within 10%), each size run --runs times,
         interleaved, the median taken; beside it `python -m piper` speaking the same stories, one process each
         time, as the reference for what a command's fixed costs do to a short episode; then the assembly
         alone, the stricter test: each built in a fresh process with its clips cached and its encoded pieces
         deleted first (reading the clips, levelling, encoding, stitching, tags, and the process's one-time
         costs), CPU seconds of build_episode (imports excluded) per minute of audio, against the 1-story
         roundup. The same again after one build in the same process (the one-time costs paid, as in a batch or
         follow worker), and, for information, with the pieces cached (a rebuild that only stitches).
memory   peak memory of assembling a one-hour episode, against the size of its 16-bit PCM (target <= 1.5).
gtts     the real gTTS request code against a local endpoint answering after 300 ms: requests in flight at
         once against one at a time (keep the gain).
profile  CPU seconds per stage (all threads) of in-process builds of the example article: cold (nothing cached),
         warm (clips cached, encoded pieces not: levelled and encoded again) and stitched (pieces cached too).

Every section prints the load average before it runs: on a shared machine wall times are only comparable
within one run, which is why every figure is a ratio against a baseline measured alongside it.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "harbor-ferry.txt"
SAVED_PAGE = ROOT / "tests" / "data" / "quarry-lake.html"
NEWSCAST = [sys.executable, "-m", "newscast"]
SECTIONS = ["startup", "piper", "batch", "growth", "memory", "gtts", "profile"]


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def header(section: str, text: str) -> None:
    print(f"\n== {section}: {text}  [{load()}; {os.cpu_count()} cores]", flush=True)


def row(section: str, label: str, seconds: float, note: str = "") -> None:
    print(f"{section:8s}{label:48s}{seconds:8.2f} s   {note}".rstrip(), flush=True)


CPU_SECONDS: list[float] = []  # CPU seconds (user + system) of each command timed, in order


def timed(command: list[str], **kwargs) -> float:
    """Wall seconds of a command; its CPU seconds go to CPU_SECONDS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return seconds


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def verdict(ratio: float, target: float, below: bool = True) -> str:
    met = ratio <= target if below else ratio >= target
    return f"ratio {ratio:.2f} (target {'<=' if below else '>='} {target:g}: {'met' if met else 'NOT met'})"


def script_text(source: Path | str | list[str], work: Path, name: str) -> Path:
    """What newscast speaks for an article (or several, one after the other), as `python -m piper` reads it (one
    paragraph a line)."""
    sources = [str(item) for item in source] if isinstance(source, list) else [str(source)]
    text = subprocess.run(
        [*NEWSCAST, "script", "--format", "text", *sources], check=True, capture_output=True, text=True
    ).stdout
    path = work / name
    path.write_text(text)
    return path


def piper_command(text_file: Path, wav: Path) -> list[str]:
    from newscast.speech.piper import bundled_model_path

    return [sys.executable, "-m", "piper", "-m", str(bundled_model_path()), "-i", str(text_file), "-f", str(wav)]


def bench_startup(runs: int) -> None:
    header("startup", f"wall seconds, median of {max(runs, 5)} runs")
    runs = max(runs, 5)
    python = median_of(runs, lambda: timed([sys.executable, "-c", "pass"]))
    row("startup", "python -c pass (the interpreter alone)", python)
    for label, command in (
        ("newscast --help", [*NEWSCAST, "--help"]),
        (f"newscast script {SAVED_PAGE.name} (a saved page)", [*NEWSCAST, "script", str(SAVED_PAGE)]),
        (f"newscast script {EXAMPLE.name} (a text scrape)", [*NEWSCAST, "script", str(EXAMPLE)]),
    ):
        seconds = median_of(runs, lambda command=command: timed(command))
        met = "met" if seconds <= 0.4 else "NOT met"
        row("startup", label, seconds, f"{seconds - python:+.2f} s over the interpreter (target <= 0.4 s: {met})")


def bench_piper(runs: int) -> None:
    # On a shared machine python -m piper's two spinning threads take 5.4 s or 7.3 s: a median of 3 lands on either.
    runs = max(runs, 5)
    header("piper", f"the example article, wall seconds, median of {runs} runs")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        text = script_text(EXAMPLE, work, "script.txt")
        words = len(text.read_text().split())
        print(f"piper  script: {words} words; baseline and builds alternate, so load changes hit both alike")
        baselines, colds, baseline_cpu, cold_cpu, synthesis = [], [], [], [], []
        for _ in range(runs):
            baselines.append(timed(piper_command(text, work / "piper.wav")))
            baseline_cpu.append(CPU_SECONDS[-1])
            synthesis.append(float(subprocess.run([sys.executable, "-c", SYNTHESIS_PROBE, str(text)], check=True,
                                                  capture_output=True, text=True).stdout))  # fmt: skip
            cache = tempfile.mkdtemp(dir=work)
            (work / "cold.mp3").unlink(missing_ok=True)  # else the second build is only "up to date"
            colds.append(timed([*NEWSCAST, "build", str(EXAMPLE), "-e", "piper", "--cache-dir", cache,
                                "-o", str(work / "cold.mp3")]))  # fmt: skip
            cold_cpu.append(CPU_SECONDS[-1])
        baseline, cold = statistics.median(baselines), statistics.median(colds)
        cpu_baseline, cpu_cold = statistics.median(baseline_cpu), statistics.median(cold_cpu)
        row("piper", "python -m piper (baseline)", baseline, f"CPU {cpu_baseline:.2f} s")
        row("piper", "newscast build, cold", cold, verdict(cold / baseline, 0.90) + ", stretch 0.85")
        print(
            f"piper   (CPU {cpu_cold:.2f} s, {cpu_cold / cpu_baseline:.2f} of the baseline's; runs: "
            f"baseline {' '.join(f'{x:.2f}' for x in baselines)}, cold {' '.join(f'{x:.2f}' for x in colds)})"
        )
        alone = statistics.median(synthesis)
        note = f"ratio {alone / baseline:.2f}: the sentences on newscast's sessions, voice loaded, nothing else"
        row("piper", "  of which the synthesis alone (the floor)", alone, note)
        fresh_home = tempfile.mkdtemp(dir=work)  # no compiled voice: it is made first, once per machine
        first = timed([*NEWSCAST, "build", str(EXAMPLE), "-e", "piper", "--cache-dir", tempfile.mkdtemp(dir=work),
                       "-o", str(work / "first.mp3")], env={**os.environ, "XDG_CACHE_HOME": fresh_home})  # fmt: skip
        row("piper", "  the very first build (the voice compiled first)", first,
            f"ratio {first / baseline:.2f}, once per voice, onnxruntime version and CPU")  # fmt: skip

        cache = tempfile.mkdtemp(dir=work)
        build = [*NEWSCAST, "build", str(EXAMPLE), "-e", "piper", "--cache-dir", cache, "-o", str(work / "w.mp3")]
        timed(build)  # fills the cache
        changed = work / "pauses.toml"
        changed.write_text("[pauses]\nsegment = 900\nparagraph = 600\n")

        def warm() -> float:
            (work / "w.mp3").unlink()  # (an existing output would be fine too: the settings differ)
            return timed([*build, "-c", str(changed)])

        def cpu_note() -> str:  # the same figure in CPU seconds, which load on a shared machine moves less
            cpu = statistics.median(CPU_SECONDS[-runs:])
            return f"; CPU {cpu:.2f} s, {cpu / cpu_cold:.2f} of cold's"

        warm_seconds = median_of(runs, warm)
        row("piper", "rebuild after a pause change, clips cached", warm_seconds,
            verdict(warm_seconds / cold, 0.10) + cpu_note())  # fmt: skip
        unchanged = median_of(runs, lambda: timed([*build, "-c", str(changed)]))
        row("piper", "unchanged rebuild (says up to date)", unchanged, verdict(unchanged / cold, 0.10) + cpu_note())
        forced = median_of(runs, lambda: timed([*build, "-c", str(changed), "--force"]))
        row("piper", "unchanged rebuild with --force", forced, f"ratio {forced / cold:.2f} vs cold" + cpu_note())
        resumed = resumed_after_kill(work)
        row("piper", "rerun after SIGKILL half way", resumed, f"ratio {resumed / cold:.2f} vs cold")


SYNTHESIS_PROBE = """
import sys, time
from newscast.process import keep_freed_memory, quiet_blas  # the process set up as the command line does
keep_freed_memory(); quiet_blas()
from concurrent.futures import ThreadPoolExecutor
from newscast import load_config
from newscast.pipeline import worker_count
from newscast.speech import create_engine
from newscast.speech.text import speakable, split_sentences

config = load_config(overrides={"speech": {"engine": "piper"}})
engine = create_engine("piper", config.speech)
lines = open(sys.argv[1]).read().splitlines()
sentences = [speakable(s, config.pronunciations, "en", "domain") for line in lines for s in split_sentences(line)]
sentences = sorted((s for s in sentences if s.strip()), key=len, reverse=True)  # longest first: no idle tail
engine.voice  # loaded before the clock, as the build loads it while reading the article
start = time.perf_counter()
with ThreadPoolExecutor(worker_count(engine, config)) as pool:
    list(pool.map(engine.synthesize, sentences))
print(time.perf_counter() - start)
"""


def resumed_after_kill(work: Path) -> float:
    """Kill a cold build once half the sentences are cached, then time the rerun that finishes it."""
    cache = Path(tempfile.mkdtemp(dir=work))
    build = [*NEWSCAST, "build", str(EXAMPLE), "-e", "piper", "--cache-dir", str(cache), "-o", str(work / "k.mp3")]
    subprocess.run(build, check=True, capture_output=True)
    total = len(list(cache.rglob("*.wav")))
    cache = Path(tempfile.mkdtemp(dir=work))
    build[build.index("--cache-dir") + 1] = str(cache)
    (work / "k.mp3").unlink()
    process = subprocess.Popen(build, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while len(list(cache.rglob("*.wav"))) < total // 2:
        time.sleep(0.01)
    process.kill()
    process.wait()
    return timed(build)


# A day's news, written for the bench: every sentence names its own town, person or figures, so no two
# articles share a sentence (and the clip cache cannot help the batch where the baseline gets no help).
TOWNS = ["Alder Bay", "Birchford", "Cold Harbor", "Dunmere", "Elm Crossing", "Fairhaven", "Glenrock", "Hollis Point",
         "Ironbridge", "Juniper Falls", "Kestrel Ridge", "Larkmoor", "Millbrook", "Northwick", "Oakvale",
         "Pine Hollow", "Quarry Hill", "Redcliff", "Stonebury", "Thornfield"]  # fmt: skip
PEOPLE = ["Ada Brennan", "Bruno Castell", "Clara Dunne", "Dev Okafor", "Elena Ruiz", "Felix Marr", "Grace Liu",
          "Hugo Berg", "Iris Novak", "Jonas Weir", "Kira Patel", "Leo Strand", "Mina Farah", "Nils Ek",
          "Olga Sands", "Paul Achebe", "Rosa Lind", "Sam Ortega", "Tara Quinn", "Uma Reyes"]  # fmt: skip
TOPICS = [
    ("reopens its flood-damaged library", "library", "books"),
    ("votes to rebuild the old stone bridge", "bridge", "crossings"),
    ("opens a night market on the harbor front", "market", "stalls"),
    ("plants a forest on a former landfill", "forest", "visitors"),
    ("brings back its tram line after sixty years", "tram line", "passengers"),
]
PARAGRAPHS = [
    "{town} {headline} on {weekday}, ending a wait that began {years} years ago.",
    "Mayor {person} told a crowd of about {crowd} residents that the {thing} belonged to everyone in {town}. "
    "{first} said the council had argued over the plan for {months} months.",
    "The work cost {cost} million dollars, of which {share} percent came from a state grant to {town}.",
    "Engineers in {town} said the {thing} would serve at least {count} {unit} in its first year. "
    "They expect that number to rise by {growth} percent once the summer season starts in {town}.",
    '"We did not think we would see this day," said {other}, who has lived in {town} for {years2} years. '
    '"My grandchildren will know the {thing} the way I knew it."',
    "Not everyone in {town} is pleased. A group of {objectors} residents wrote to {person} asking why the money "
    "did not go to roads instead.",
    "{first} answered that the roads of {town} would get {roads} million dollars in next year's budget.",
    "The {thing} in {town} will be open from {open_hour} in the morning until {close_hour} at night, "
    "seven days a week.",
    "Officials plan a second phase for {town} in {year}, if the first {count} {unit} come as hoped.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def day_of_news(folder: Path, count: int = 20) -> list[Path]:
    """``count`` short articles, plain-text scrapes as a reader would save them, all different."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        town, person, other = TOWNS[index], PEOPLE[index], PEOPLE[(index + 7) % len(PEOPLE)]
        headline, thing, unit = TOPICS[index % len(TOPICS)]
        values = {
            "town": town, "person": person, "first": person.split()[0], "other": other, "headline": headline,
            "thing": thing, "unit": unit, "weekday": WEEKDAYS[index % 7], "years": 3 + index, "crowd": 200 + 35 * index,
            "months": 5 + index, "cost": 2 + index, "share": 30 + index, "count": 1000 * (index + 2),
            "growth": 10 + index, "years2": 40 + index, "objectors": 12 + index, "roads": 1 + index % 4,
            "open_hour": 6 + index % 3, "close_hour": 9 + index % 3, "year": 2027 + index % 3,
        }  # fmt: skip
        body = "\n\n".join(paragraph.format(**values) for paragraph in PARAGRAPHS)
        text = f"{town} {headline}\n\nBy Newsroom Staff\n\nMarch {index + 1}, 2026\n\n{body}\n"
        path = folder / f"{index:02d}-{town.lower().replace(' ', '-')}.txt"
        path.write_text(text)
        paths.append(path)
    return paths


def bench_batch() -> None:
    header("batch", "a day's news, 20 articles, wall seconds")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        articles = day_of_news(work / "articles")
        texts = [script_text(article, work, f"{article.stem}.script.txt") for article in articles]
        words = sum(len(text.read_text().split()) for text in texts)
        loop = "; ".join(" ".join(piper_command(text, work / "loop.wav")) for text in texts)
        baseline = timed(["sh", "-c", loop])
        baseline_cpu = CPU_SECONDS[-1]
        batch = [*NEWSCAST, "batch", *map(str, articles), "--out-dir", str(work / "out"), "-c", str(work / "c.toml"),
                 "--cache-dir", str(work / "cache")]  # fmt: skip
        (work / "c.toml").write_text('[speech]\nengine = "piper"\n')
        seconds = timed(batch)
        batch_cpu = CPU_SECONDS[-1]  # the worker processes are the batch's children, so they count
        episodes = len(list((work / "out").glob("*.mp3")))
        assert episodes == len(articles), f"batch wrote {episodes} episodes for {len(articles)} articles"
    print(f"batch  {len(articles)} articles, {words} words; batch: local cluster, default workers, empty cache")
    row("batch", "shell loop of python -m piper (baseline)", baseline,
        f"{len(articles) * 60 / baseline:.1f} per min, CPU {baseline_cpu:.1f} s")  # fmt: skip
    row("batch", "newscast batch (cluster start included)", seconds,
        f"{len(articles) * 60 / seconds:.1f} per min, CPU {batch_cpu:.1f} s, "
        + verdict(seconds / baseline, 0.80))  # fmt: skip


GROWTH_PROBE = """
import sys, time
from newscast.process import keep_freed_memory, quiet_blas  # the process set up as the command line does
keep_freed_memory(); quiet_blas()
from pathlib import Path
from newscast import build_episode, load_config
from newscast.pipeline import cache_for
# imported before the clock starts (the build imports the audio stack only where it makes audio)
import importlib.metadata, lameenc, numpy, soundfile, soxr
import newscast.audio, newscast.episode, newscast.loudness, newscast.mp3, newscast.speech.piper, newscast.speech.text

config = load_config(Path(sys.argv[1]))
cache = cache_for(config, Path(sys.argv[2]))

def drop_pieces():  # the clips stay cached, the pieces go: the assembly's whole work is measured
    for piece in Path(sys.argv[2]).rglob("*.piece"):
        piece.unlink()

if sys.argv[3] == "steady":  # as a batch or follow worker runs: one whole episode built before in the same process
    drop_pieces()  # (with its pieces cached, the build before would only stitch, and level or encode nothing)
    build_episode(sys.argv[-1:], config, output=Path(sys.argv[4] + ".warm.mp3"), cache=cache, force=True)
if sys.argv[3] in ("drop", "steady"):
    drop_pieces()
start = time.process_time()
episode = build_episode(sys.argv[5:], config, output=Path(sys.argv[4]), cache=cache, force=True)
print(time.process_time() - start, episode.duration)
"""


def _duration(path: Path) -> float:
    """Seconds of an MP3 or a WAV."""
    if path.suffix == ".wav":
        import soundfile

        return soundfile.info(str(path)).duration
    from mutagen.mp3 import MP3

    return MP3(path).info.length


def added_minute(cpu: dict[int, float], minutes: dict[int, float], fewer: int, more: int) -> float:
    """CPU seconds of each minute a bigger roundup adds: the fixed costs of a command cancel."""
    return (cpu[more] - cpu[fewer]) / (minutes[more] - minutes[fewer])


def bench_growth(runs: int) -> None:
    probes = max(runs, 5)  # an assembly takes a second or less, and a short one moves by a fifth from run to run
    header("growth", f"roundups: CPU seconds per minute of audio, medians of {runs} runs ({probes} of an assembly)")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        articles = [str(path) for path in day_of_news(work / "articles", 10)]
        config, cache = work / "c.toml", work / "cache"
        config.write_text('[speech]\nengine = "piper"\n')
        # The reference: `python -m piper` speaking the same stories, one process each time, as the command is.
        texts = {stories: script_text(articles[:stories], work, f"stories-{stories}.txt") for stories in (1, 5, 10)}
        cold_cpu: dict[int, list[float]] = {1: [], 5: [], 10: []}
        piper_cpu: dict[int, list[float]] = {1: [], 5: [], 10: []}
        minutes_of: dict[int, float] = {}
        piper_minutes: dict[int, float] = {}
        for run in range(runs):  # the whole command, speech included; interleaved, so a slow spell hits every size
            for stories in (1, 5, 10):
                last = run == runs - 1 and stories == 10  # it fills the cache the assembly is measured on below
                own_cache = cache if last else work / f"cold-cache-{stories}"
                shutil.rmtree(own_cache, ignore_errors=True)
                output = work / f"cold-{stories}.mp3"
                output.unlink(missing_ok=True)
                timed([*NEWSCAST, "build", "-c", str(config), "--cache-dir", str(own_cache), "-o", str(output),
                       *articles[:stories]])  # fmt: skip
                minutes_of[stories] = _duration(output) / 60
                cold_cpu[stories].append(CPU_SECONDS[-1])
                wav = work / f"piper-{stories}.wav"
                timed(piper_command(texts[stories], wav))
                piper_cpu[stories].append(CPU_SECONDS[-1])
                piper_minutes[stories] = _duration(wav) / 60
        cpu = {stories: statistics.median(cold_cpu[stories]) for stories in (1, 5, 10)}
        piper = {stories: statistics.median(piper_cpu[stories]) for stories in (1, 5, 10)}
        cold = {stories: cpu[stories] / minutes_of[stories] for stories in (1, 5, 10)}
        reference = {stories: piper[stories] / piper_minutes[stories] for stories in (1, 5, 10)}
        for stories in (1, 5, 10):
            spread = f" (runs {min(cold_cpu[stories]):.2f} to {max(cold_cpu[stories]):.2f})" if runs > 1 else ""
            print(f"growth {stories:2d} stories, cold build (the command, speech included), "
                  f"{minutes_of[stories]:5.2f} min of audio   {cpu[stories]:6.2f} s CPU{spread}   "
                  f"{cold[stories]:.3f} s per minute of audio; python -m piper on the same stories "
                  f"{reference[stories]:.3f}")  # fmt: skip
        first, second = added_minute(cpu, minutes_of, 1, 5), added_minute(cpu, minutes_of, 5, 10)
        print(f"growth   CPU of each added minute (the command's fixed costs cancel): 1 -> 5 stories {first:.3f} s, "
              f"5 -> 10 stories {second:.3f} s; so the fixed cost of a command is about "
              f"{cpu[1] - first * minutes_of[1]:.2f} s CPU")  # fmt: skip
        paired = {  # each build against the piper run right after it: a drift of the machine's speed cancels
            stories: statistics.median(
                (mine / minutes_of[stories]) / (theirs / piper_minutes[stories])
                for mine, theirs in zip(cold_cpu[stories], piper_cpu[stories], strict=True)
            )
            for stories in (1, 5, 10)
        }
        print("growth   the cold build against python -m piper on the same stories, CPU per minute, run by run: "
              + ", ".join(f"{stories} {paired[stories]:.2f}" for stories in (1, 5, 10)))  # fmt: skip
        piper_first = added_minute(piper, piper_minutes, 1, 5)
        print(f"growth   python -m piper, the same way: each added minute {piper_first:.3f} s, "
              f"its fixed cost about {piper[1] - piper_first * piper_minutes[1]:.2f} s CPU")  # fmt: skip
        per_minute, steady, stitched = {}, {}, {}
        for stories in (1, 5, 10):  # a roundup of one story is simply that story's episode

            def probe(pieces: str, stories: int = stories) -> list[str]:
                command = [sys.executable, "-c", GROWTH_PROBE, str(config), str(cache), pieces,
                           str(work / f"r{stories}.mp3"), *articles[:stories]]  # fmt: skip
                return subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()

            probe("keep")  # speaks the few new intro sentences
            measured = [probe("drop") for _ in range(probes)]
            cpu = statistics.median(float(seconds) for seconds, _ in measured)
            minutes = float(measured[0][1]) / 60
            per_minute[stories] = cpu / minutes
            steady[stories] = statistics.median(float(probe("steady")[0]) for _ in range(probes)) / minutes
            stitched[stories] = statistics.median(float(probe("keep")[0]) for _ in range(probes)) / minutes
            print(f"growth {stories:2d} stories, {minutes:5.2f} min of audio   {cpu:6.2f} s CPU"
                  f"   {per_minute[stories]:.3f} s per minute of audio; after one build in the same process"
                  f" {steady[stories]:.3f}; pieces cached, stitched only: {stitched[stories]:.3f}")  # fmt: skip
    for stories in (5, 10):
        labels = (("cold build, speech included", cold), ("fresh process", per_minute), ("after one build", steady))
        for label, figures in labels:
            ratio = figures[stories] / figures[1]
            met = "met" if abs(ratio - 1) <= 0.10 else "NOT met"
            also = f"; python -m piper's own {reference[stories] / reference[1]:.2f}" if figures is cold else ""
            print(
                f"growth {stories:2d} stories against 1 (baseline), {label}: {ratio:.2f} per minute "
                f"(target 0.90-1.10: {met}){also}"
            )


MEMORY_PROBE = """
import resource, sys
from newscast.process import keep_freed_memory, quiet_blas  # the process set up as the command line does
keep_freed_memory(); quiet_blas()
import numpy as np
from pathlib import Path
from newscast import load_config
from newscast.episode import write_episode
from newscast.models import Audio, Clip, Part, Script, Segment

rate, seconds = 22050, 3600
clip_seconds = 20
config = load_config()
segments = [Segment("body", f"paragraph {n}", 500) for n in range(seconds // clip_seconds)]
script = Script("One hour", tuple(segments))
rng = np.random.default_rng(0)
speech = (0.1 * rng.standard_normal(rate * clip_seconds)).astype(np.float32)
parts = (Part(segment, (), lambda segment=segment: Clip(segment, Audio(speech.copy(), rate))) for segment in segments)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
episode = write_episode(script, parts, Path(sys.argv[1]), config, "bench")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
pcm = episode.duration * rate * 2
print(f"{episode.duration:.0f} {pcm / 1e6:.1f} {(after - before) / 1e3:.1f} {after / 1e3:.1f}")
"""


def bench_memory() -> None:
    header("memory", "a one-hour episode assembled from 20 s clips")
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, str(Path(scratch) / "hour.mp3")],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    duration, pcm_mb, growth_mb, peak_mb = map(float, result.stdout.split())
    print(f"memory one-hour episode ({duration / 60:.0f} min, mono 22.05 kHz): 16-bit PCM {pcm_mb:.0f} MB (baseline)")
    print(
        f"memory peak growth while assembling {growth_mb:6.0f} MB   {verdict(growth_mb / pcm_mb, 1.5)} of PCM "
        f"(process peak {peak_mb:.0f} MB; {seconds:.0f} s)"
    )


def _fake_google(latency: float) -> tuple[ThreadingHTTPServer, list[float]]:
    import numpy as np
    import soundfile

    rate = 24_000
    buffer = io.BytesIO()
    tone = 0.3 * np.sin(2 * np.pi * 330 * np.arange(rate // 2) / rate)
    soundfile.write(buffer, tone.astype(np.float32), rate, format="MP3")
    encoded = base64.b64encode(buffer.getvalue()).decode()
    body = (")]}'\n\n" + f'[["wrb.fr","jQ1olc","[\\"{encoded}\\"]",null,null,null,"generic"]]\n').encode()
    arrivals: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrivals.append(time.perf_counter())
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, arrivals


def bench_gtts(latency: float = 0.3) -> None:
    import gtts.tts

    from newscast import build_episode, load_config
    from newscast.speech.cache import NoCache

    header("gtts", f"a local endpoint answering after {latency * 1000:.0f} ms, wall seconds")
    server, arrivals = _fake_google(latency)
    host = f"http://127.0.0.1:{server.server_address[1]}"
    gtts.tts._translate_url = lambda tld="com", path="": f"{host}/{path}"  # the request code itself runs unchanged
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for workers in (1, 4, 8):
            config = load_config(
                overrides={"speech": {"engine": "gtts", "workers": workers, "requests_per_second": 100.0}}
            )
            arrivals.clear()
            start = time.perf_counter()
            build_episode(EXAMPLE, config, output=Path(scratch) / f"g{workers}.mp3", cache=NoCache())
            results[workers] = (time.perf_counter() - start, len(arrivals))
    server.shutdown()
    serial, requests = results[1]
    print(f"gtts   {requests} requests for the example article")
    row("gtts", "one request at a time (baseline)", serial)
    for workers in (4, 8):
        seconds, _ = results[workers]
        row("gtts", f"{workers} requests in flight", seconds, f"ratio {seconds / serial:.2f} (was 0.28 and 0.18)")


IMPORTS_PROBE = """
import time
started = time.process_time()
import newscast.cli
from newscast.process import quiet_blas; quiet_blas()  # as the command line does
imports = time.process_time() - started
import lameenc, onnxruntime, piper
from newscast import audio, episode, loudness, mp3, pipeline
from newscast.speech import cache, text
import newscast.speech.piper
print(imports, time.process_time() - started - imports)
"""


def bench_profile() -> None:
    """CPU seconds per stage, summed over threads: each stage's function is wrapped with a thread-time clock
    (a stage called inside another is counted in its own line only)."""
    header("profile", "CPU seconds per stage of an in-process build of the example article (all threads)")
    imports, audio_imports = map(float, subprocess.run([sys.executable, "-c", IMPORTS_PROBE], check=True,
                                                       capture_output=True, text=True).stdout.split())  # fmt: skip
    from newscast.process import keep_freed_memory, quiet_blas

    keep_freed_memory()  # as the command line does
    quiet_blas()  # (unless an earlier section imported numpy); the last section: no baseline runs after it
    from newscast import audio, episode, load_config, loudness, mp3, pipeline
    from newscast.speech import cache as clip_cache
    from newscast.speech import piper, text

    totals: dict[str, float] = {}
    lock, local = threading.Lock(), threading.local()

    def clocked(owner, name: str, stage: str) -> None:
        function = getattr(owner, name)

        def wrapper(*args, **kwargs):
            outer = getattr(local, "stack", None)
            local.stack = stack = outer or []
            stack.append(0.0)  # time of the stages called inside this one
            start = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.thread_time() - start
                inner = stack.pop()
                if stack:
                    stack[-1] += spent
                with lock:
                    totals[stage] = totals.get(stage, 0.0) + spent - inner

        setattr(owner, name, wrapper)

    for owner, name, stage in [
        (pipeline, "episode_script", "read article + script"),
        (text, "speakable", "speech normaliser"),
        (piper, "load_voice", "load the Piper voice"),
        (piper.PiperEngine, "synthesize", "synthesis (Piper)"),
        (clip_cache.ClipCache, "get", "clip cache: read"),
        (clip_cache.ClipCache, "put", "clip cache: write"),
        (clip_cache.ClipCache, "piece", "piece cache: read"),
        (clip_cache.ClipCache, "put_piece", "piece cache: write"),
        (mp3, "codec_gain_db", "codec probe (once per format)"),
        (audio.Level, "apply", "level each clip (measure + limiter)"),
        (audio, "prepare_clip", "prepare each clip (resample, fades)"),
        (mp3, "encode", "MP3 encode (LAME) of each piece"),
        (mp3, "_crc16_fast", "CRC-16 of each piece's frames"),
        (mp3.Stitcher, "add", "stitch: copy a piece's frames"),
        (mp3.Stitcher, "pad_to", "stitch: silent frames"),
        (mp3.Stitcher, "close", "stitch: Info frame"),
        (loudness.LoudnessMeter, "add", "meter music stretches"),
        (episode, "write_tags", "ID3 tags"),
        (episode, "write_sidecars", "sidecars"),
    ]:
        clocked(owner, name, stage)
    print(f"profile imports (a new process): newscast.cli {imports:.2f} s CPU, then the audio stack and the voice's "
          f"runtime {audio_imports:.2f} s")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        config = load_config(overrides={"speech": {"engine": "piper"}})
        cache = pipeline.cache_for(config, work / "cache")
        for label in ("cold", "warm", "stitched"):
            totals.clear()
            if label == "warm":  # the clips stay cached, the encoded pieces go
                for piece in (work / "cache").rglob("*.piece"):
                    piece.unlink()
            wall, cpu = time.perf_counter(), time.process_time()
            built = pipeline.build_episode(EXAMPLE, config, output=work / f"{label}.mp3", cache=cache)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"profile {label} build: {built.duration:.0f} s of audio, {wall:.2f} s wall, {cpu:.2f} s CPU")
            for stage, seconds in sorted(totals.items(), key=lambda item: -item[1]):
                if seconds >= 0.005:
                    print(f"profile   {stage:44s}{seconds:6.2f} s")
            print(f"profile   {'(the rest)':44s}{cpu - sum(totals.values()):6.2f} s")


def compiled_bytecode() -> None:
    """Every newscast module with its bytecode beside it, as `pip install` leaves an installed copy. A source
    checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile each module again in every process
    timed: 0.1 s more on each command, most of a rebuild's start-up."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("newscast")
    if spec is None or spec.origin is None:
        sys.exit("bench.py measures the installed newscast: pip install -e . first")
    folder = Path(spec.origin).parent
    if not compileall.compile_dir(str(folder), quiet=1):
        sys.exit(f"bench.py: cannot compile the modules in {folder}")
    print(f"modules: {folder} (bytecode written beside them, as an install does)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sections", nargs="*", choices=[*SECTIONS, []], default=[], metavar="SECTION",
                        help=f"any of: {', '.join(SECTIONS)} [default: all]")  # fmt: skip
    parser.add_argument("--runs", type=int, default=3, help="runs per timing; the median is printed")
    args = parser.parse_args()
    if shutil.which("sh") is None:
        sys.exit("bench.py needs a POSIX shell for the batch baseline")
    print(f"newscast bench on {os.uname().nodename}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    compiled_bytecode()
    chosen = args.sections or SECTIONS
    for section in SECTIONS:
        if section in chosen:
            {
                "startup": lambda: bench_startup(args.runs),
                "piper": lambda: bench_piper(args.runs),
                "batch": bench_batch,
                "growth": lambda: bench_growth(args.runs),
                "memory": bench_memory,
                "gtts": bench_gtts,
                "profile": bench_profile,
            }[section]()
    print(f"\ndone  [{load()}]")


if __name__ == "__main__":
    main()
