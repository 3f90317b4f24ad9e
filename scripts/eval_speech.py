"""Check the speech normaliser by ear: speak every hard case with the bundled Piper voice, transcribe it
offline with pocketsphinx, and count the cases where the expected words are heard, beside the raw text
spoken by Piper alone (espeak's own reading of digits, symbols and abbreviations) in the same run.

    pip install '.[eval]'            # pocketsphinx and its English model, from PyPI; runs offline
    nice python scripts/eval_speech.py [CASES.toml] [--misses]

Matching: both the expected words and the transcript are lower-cased, split on spaces and hyphens, stripped
of punctuation, and folded by homophone ("to"/"too" -> "two", "won" -> "one", "for" -> "four", "ate" ->
"eight", "o" -> "oh"), because the recogniser cannot tell them apart. A case is heard as expected when the
expected words appear in order in the transcript with at most one word error (substitution, insertion or
deletion) per four expected words, the best-matching stretch of the transcript counting (words heard before
and after it are free): the recogniser's own mistakes are real, so a single slip in a long phrase is allowed.
"""

from __future__ import annotations

import sys
import time
import tomllib
from collections import defaultdict
from pathlib import Path

import numpy as np

from newscast.config import load_config
from newscast.episode import resample
from newscast.speech.piper import PiperEngine
from newscast.speech.text import plain_words, speakable

DEFAULT_CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "speech_cases.toml"
RATE = 16_000
HOMOPHONES = {"to": "two", "too": "two", "won": "one", "for": "four", "ate": "eight", "o": "oh"}
WORDS_PER_ALLOWED_ERROR = 4


def folded(text: str) -> list[str]:
    return [HOMOPHONES.get(word, word) for word in plain_words(text.replace(".", " "))]


def errors_in_best_stretch(expected: list[str], heard: list[str]) -> int:
    """Fewest word edits turning ``expected`` into some contiguous stretch of ``heard`` (semi-global)."""
    previous = list(range(len(expected) + 1))  # column for an empty stretch of heard: delete every word
    best = previous[-1]
    for word in heard:
        current = [0]  # a stretch may start anywhere in heard, for free
        for i, want in enumerate(expected, start=1):
            current.append(min(previous[i] + 1, current[i - 1] + 1, previous[i - 1] + (want != word)))
        best = min(best, current[-1])
        previous = current
    return best


def heard_as_expected(expected: str, transcript: str) -> bool:
    wanted = folded(expected)
    return errors_in_best_stretch(wanted, folded(transcript)) <= len(wanted) // WORDS_PER_ALLOWED_ERROR


class Listener:
    """pocketsphinx with its bundled US English model, decoding whole utterances at 16 kHz."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=RATE, logfn="/dev/null")

    def transcribe(self, samples: np.ndarray, rate: int) -> str:
        audio = resample(samples, rate, RATE) if rate != RATE else samples
        pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes()
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        hypothesis = self.decoder.hyp()
        return hypothesis.hypstr if hypothesis else ""


def main(argv: list[str]) -> int:
    show_misses = "--misses" in argv
    paths = [arg for arg in argv if not arg.startswith("--")]
    table = tomllib.loads(Path(paths[0] if paths else DEFAULT_CASES).read_text(encoding="utf-8"))
    engine = PiperEngine(load_config(overrides={"speech": {"engine": "piper", "voice": ""}}).speech)
    listener = Listener()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # cases, normalised heard, raw heard
    misses: list[str] = []
    started = time.perf_counter()
    for category, entry in table.items():
        for written, expected in entry["cases"]:
            counts = tally[category]
            counts[0] += 1
            for column, text in ((1, speakable(written)), (2, written)):
                audio = engine.synthesize(text)
                transcript = listener.transcribe(audio.samples, audio.sample_rate)
                if heard_as_expected(expected, transcript):
                    counts[column] += 1
                elif show_misses:
                    label = "normalised" if column == 1 else "raw"
                    misses.append(f"{category} [{label}] {written!r}\n    spoke {text!r}\n    heard {transcript!r}")
    seconds = time.perf_counter() - started

    print(f"{'category':<20} {'cases':>5} {'normalised':>10} {'raw text':>9}")
    total = [0, 0, 0]
    for category, (cases, normalised, raw) in tally.items():
        mark = "" if normalised > raw else "   <- not above the baseline"
        print(f"{category:<20} {cases:>5} {normalised / cases:>10.2f} {raw / cases:>9.2f}{mark}")
        total = [t + c for t, c in zip(total, (cases, normalised, raw), strict=True)]
    print(f"{'overall':<20} {total[0]:>5} {total[1] / total[0]:>10.2f} {total[2] / total[0]:>9.2f}")
    print(
        f"\nheard as expected: the expected words in order, at most one word error per "
        f"{WORDS_PER_ALLOWED_ERROR} words (pocketsphinx en-us, Piper {engine.model_path.stem}); {seconds:.0f} s"
    )
    for miss in misses:
        print(miss)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
