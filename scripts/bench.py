"""Speed and memory figures, each a ratio against a baseline measured in the same run.

    python scripts/bench.py                 # everything
    python scripts/bench.py piper gtts      # some sections: piper, gtts, memory

piper   cold `newscast build --engine piper` (fresh cache, new process) against `python -m piper` speaking the
        same script text (`newscast script --format text`), and a warm rebuild (every clip cached) against cold.
gtts    the real gTTS request code against a local fake endpoint answering after 300 ms: the example article
        with requests in flight at once against one at a time.
memory  peak memory of assembling a one-hour episode, against the size of its 16-bit PCM.
batch   `newscast batch` on Dask (local cluster, 1 and 2 worker processes) against a plain loop of builds in
        one process, on the same four articles with the Piper voice, each run with an empty clip cache.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
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
NEWSCAST = [sys.executable, "-m", "newscast"]


def timed(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - start


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def bench_piper(runs: int) -> None:
    from newscast.speech.piper import bundled_model_path

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        text = subprocess.run(
            [*NEWSCAST, "script", "--format", "text", str(EXAMPLE)], check=True, capture_output=True, text=True
        ).stdout
        (work / "script.txt").write_text(text)
        piper = [sys.executable, "-m", "piper", "-m", str(bundled_model_path()), "-i", str(work / "script.txt")]
        baseline = median_of(runs, lambda: timed([*piper, "-f", str(work / "piper.wav")]))

        def cold() -> float:
            cache = tempfile.mkdtemp(dir=work)
            return timed(
                [*NEWSCAST, "build", str(EXAMPLE), "-e", "piper", "--cache-dir", cache, "-o", str(work / "c.mp3")]
            )

        cold_seconds = median_of(runs, cold)
        resumed_seconds = resumed_after_kill(work)
        warm_cache = tempfile.mkdtemp(dir=work)
        build = [*NEWSCAST, "build", str(EXAMPLE), "-e", "piper", "--cache-dir", warm_cache, "-o", str(work / "w.mp3")]
        timed(build)
        warm_seconds = median_of(runs, lambda: timed(build))
    words = len(text.split())
    print(f"piper  script: {words} words, {len(text)} characters; median of {runs} runs, cores: {os.cpu_count()}")
    cold_ratio, warm_ratio = cold_seconds / baseline, warm_seconds / cold_seconds
    print(f"piper  python -m piper (baseline)      {baseline:6.2f} s")
    resumed_ratio = resumed_seconds / cold_seconds
    print(f"piper  rerun after SIGKILL half way     {resumed_seconds:6.2f} s   ratio {resumed_ratio:.2f} vs cold")
    print(f"piper  newscast build, cold            {cold_seconds:6.2f} s   ratio {cold_ratio:.2f}  (target <= 0.9)")
    print(
        f"piper  newscast build, warm           {warm_seconds:6.2f} s   ratio {warm_ratio:.2f} vs cold (target <= 0.05)"
    )


def resumed_after_kill(work: Path) -> float:
    """Kill a cold build once half the sentences are cached, then time the rerun that finishes it."""
    cache = Path(tempfile.mkdtemp(dir=work))
    build = [*NEWSCAST, "build", str(EXAMPLE), "-e", "piper", "--cache-dir", str(cache), "-o", str(work / "k.mp3")]
    subprocess.run(build, check=True, capture_output=True)
    total = len(list(cache.rglob("*.wav")))
    cache = Path(tempfile.mkdtemp(dir=work))
    build[build.index("--cache-dir") + 1] = str(cache)
    process = subprocess.Popen(build, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while len(list(cache.rglob("*.wav"))) < total // 2:
        time.sleep(0.01)
    process.kill()
    process.wait()
    return timed(build)


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
    print(f"gtts   fake endpoint, {latency * 1000:.0f} ms per request, {requests} requests for the example article")
    print(f"gtts   one request at a time (baseline)  {serial:6.2f} s")
    for workers in (4, 8):
        seconds, _ = results[workers]
        print(f"gtts   {workers} requests in flight            {seconds:6.2f} s   ratio {seconds / serial:.2f}")


MEMORY_PROBE = """
import resource, sys
import numpy as np
from pathlib import Path
from newscast import load_config
from newscast.episode import write_episode
from newscast.models import Audio, Clip, Script, Segment

rate, seconds = 22050, 3600
clip_seconds = 20
config = load_config()
segments = [Segment("body", f"paragraph {n}", 500) for n in range(seconds // clip_seconds)]
script = Script("One hour", tuple(segments))
rng = np.random.default_rng(0)
speech = (0.1 * rng.standard_normal(rate * clip_seconds)).astype(np.float32)
clips = (Clip(segment, Audio(speech.copy(), rate)) for segment in segments)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
episode = write_episode(script, clips, Path(sys.argv[1]), config, "bench")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
pcm = episode.duration * rate * 2
print(f"{episode.duration:.0f} {pcm / 1e6:.1f} {(after - before) / 1e3:.1f} {after / 1e3:.1f}")
"""


def bench_memory() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, str(Path(scratch) / "hour.mp3")],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    duration, pcm_mb, growth_mb, peak_mb = map(float, result.stdout.split())
    print(f"memory one-hour episode ({duration / 60:.0f} min, mono 22.05 kHz): 16-bit PCM {pcm_mb:.0f} MB")
    print(
        f"memory peak growth while assembling {growth_mb:6.0f} MB   ratio {growth_mb / pcm_mb:.2f} of PCM "
        f"(process peak {peak_mb:.0f} MB; {seconds:.0f} s)"
    )


BATCH_ARTICLES = [
    EXAMPLE,
    ROOT / "tests" / "data" / "flattened-orchard.txt",
    ROOT / "tests" / "data" / "wrapped-wire.txt",
    ROOT / "tests" / "data" / "quarry-lake.html",
]


def bench_batch() -> None:
    from newscast import build_episode, load_config
    from newscast.batch import run_batch
    from newscast.pipeline import cache_for

    config = load_config(overrides={"speech": {"engine": "piper"}})
    sources = [str(path) for path in BATCH_ARTICLES]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        start = time.perf_counter()
        for index, source in enumerate(sources):
            cache = cache_for(config, work / "loop-cache")
            build_episode(source, config, output=work / "loop" / f"{index}.mp3", cache=cache)
        loop = time.perf_counter() - start
        timings = {}
        for workers in (1, 2):
            start = time.perf_counter()
            results = run_batch(sources, work / f"dask{workers}", config, workers=workers,
                                cache_dir=work / f"cache{workers}")  # fmt: skip
            timings[workers] = time.perf_counter() - start
            assert all(result.status == "built" for result in results), results
    count = len(sources)
    print(f"batch  {count} articles, Piper, empty cache each run; cores: {os.cpu_count()}")
    print(f"batch  plain loop in one process (baseline)  {loop:6.1f} s   {count * 60 / loop:5.1f} articles/min")
    for workers, seconds in timings.items():
        print(
            f"batch  dask, {workers} worker process{'es' if workers > 1 else '  '}         {seconds:6.1f} s   "
            f"{count * 60 / seconds:5.1f} articles/min   ratio {seconds / loop:.2f} (cluster start included)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sections", nargs="*", choices=["piper", "gtts", "memory", "batch", []], default=[])
    parser.add_argument("--runs", type=int, default=3, help="runs per timing; the median is printed")
    args = parser.parse_args()
    sections = args.sections or ["piper", "gtts", "memory", "batch"]
    if "piper" in sections:
        bench_piper(args.runs)
    if "gtts" in sections:
        bench_gtts()
    if "memory" in sections:
        bench_memory()
    if "batch" in sections:
        bench_batch()


if __name__ == "__main__":
    main()
