"""Check the speech normaliser by ear: speak every hard case with the bundled Piper voice, transcribe it
offline with pocketsphinx, and count the cases where the expected words are heard, beside the raw text
spoken by Piper alone (espeak's own reading of digits, symbols and abbreviations) in the same run.

    pip install '.[eval]'            # pocketsphinx and its English model, from PyPI; runs offline
    nice python scripts/eval_speech.py [CASES.toml] [--misses] [--keep=TRANSCRIPTS.json]

--misses lists every case not heard as expected; --keep stores the transcripts by spoken text and reuses them
on the next run (only text that changed is spoken and heard again).

Matching: both the expected words and the transcript are lower-cased, split on spaces and hyphens, stripped
of punctuation, and folded by homophone ("to"/"too" -> "two", "won" -> "one", "for" -> "four", "ate" ->
"eight", "o" -> "oh"), because the recogniser cannot tell them apart. A case is heard as expected when the
expected words appear in order in the transcript with at most one word error (substitution, insertion or
deletion) per four expected words, the best-matching stretch of the transcript counting (words heard before
and after it are free): the recogniser's own mistakes are real, so a single slip in a long phrase is allowed.
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newscast.config import load_config
from newscast.episode import resample
from newscast.speech.piper import PiperEngine
from newscast.speech.text import plain_words, speakable

DEFAULT_CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "speech_cases.toml"
RATE = 16_000
WORDS_PER_ALLOWED_ERROR = 4
UNKNOWN_WORD_COST = 0.5


class Pronouncer:
    """Words -> phonemes from the recogniser's own dictionary (CMUdict), every variant kept."""

    def __init__(self, dictionary: Path) -> None:
        self.variants: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for line in dictionary.read_text(encoding="utf-8").splitlines():
            word, *phones = line.split()
            self.variants[word.split("(")[0]].append(tuple(phones))

    def __call__(self, word: str) -> list[tuple[str, ...]]:
        if word in self.variants:
            return self.variants[word]
        if word.startswith("_"):  # a run of spelled letters, joined: "_fbi"
            return [sum((self.variants[letter][0] for letter in word[1:] if letter in self.variants), ())]
        for cut in range(len(word) - 2, 1, -1):  # a compound the dictionary lacks: "cityhall" = city + hall
            head, tail = word[:cut], word[cut:]
            if head in self.variants and tail in self.variants:
                return [self.variants[head][0] + self.variants[tail][0]]
        return [(word,)]


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def listened_words(text: str) -> list[str]:
    """Plain words, with runs of two or more single letters joined into one spelled token ("f b i" -> "_fbi"),
    so "F B I" said and "fbi" heard (or the other way round) compare as the same sounds."""
    words: list[str] = []
    for word in plain_words(text.replace(".", " ")):
        letter = len(word) == 1 and word.isalpha()
        if letter and words and (words[-1].startswith("_") or len(words[-1]) == 1) and words[-1] != "_":
            words[-1] = "_" + words[-1].lstrip("_") + word
        else:
            words.append("_" + word if word in SPELLED else word)
    return words


SPELLED = {"fbi", "cnn", "bbc", "ceo", "uk", "us", "eu", "cd"}  # the recogniser's spelled-out words


class Matcher:
    """Is the expected phrase in the transcript? A semi-global word alignment: a missing or extra word costs 1,
    a word heard as another costs the share of its phonemes that differ (0 for homophones: "two"/"to",
    "mister"/"mr"), and words heard before or after the phrase are free. Heard as expected when the cost is at
    most one per four expected words."""

    def __init__(self, pronounce: Pronouncer) -> None:
        self.pronounce = pronounce

    def substitution(self, want: str, got: str) -> float:
        if want == got:
            return 0.0
        if self.pronounce(want) == [(want,)]:  # a word the recogniser does not know ("covid"): never heard as
            return UNKNOWN_WORD_COST  # itself, so whatever stands in its place costs half a word
        return min(edit_distance(a, b) / max(len(a), len(b)) for a in self.pronounce(want) for b in self.pronounce(got))

    def cost(self, expected: list[str], heard: list[str]) -> float:
        previous = [float(i) for i in range(len(expected) + 1)]
        best = previous[-1]
        for got in heard:
            current = [0.0]
            for i, want in enumerate(expected, start=1):
                current.append(min(previous[i] + 1, current[i - 1] + 1, previous[i - 1] + self.substitution(want, got)))
            best = min(best, current[-1])
            previous = current
        return best

    def heard(self, expected: str, transcript: str) -> bool:
        wanted = listened_words(expected)
        return self.cost(wanted, listened_words(transcript)) <= max(1, len(wanted)) / WORDS_PER_ALLOWED_ERROR


class Listener:
    """pocketsphinx with its bundled US English model, decoding whole utterances at 16 kHz."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=RATE, logfn="/dev/null")
        self.dictionary = Path(self.decoder.config["dict"])

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
    keep = next((Path(arg.split("=", 1)[1]) for arg in argv if arg.startswith("--keep=")), None)
    paths = [arg for arg in argv if not arg.startswith("--")]
    transcripts: dict[str, str] = json.loads(keep.read_text(encoding="utf-8")) if keep and keep.is_file() else {}
    table = tomllib.loads(Path(paths[0] if paths else DEFAULT_CASES).read_text(encoding="utf-8"))
    engine = PiperEngine(load_config(overrides={"speech": {"engine": "piper", "voice": ""}}).speech)
    listener = Listener()
    matcher = Matcher(Pronouncer(listener.dictionary))
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # cases, normalised heard, raw heard
    misses: list[str] = []
    started = time.perf_counter()
    for category, entry in table.items():
        for written, expected in entry["cases"]:
            counts = tally[category]
            counts[0] += 1
            for column, text in ((1, speakable(written)), (2, written)):
                if text not in transcripts:
                    audio = engine.synthesize(text)
                    transcripts[text] = listener.transcribe(audio.samples, audio.sample_rate)
                transcript = transcripts[text]
                if matcher.heard(expected, transcript):
                    counts[column] += 1
                elif show_misses:
                    label = "normalised" if column == 1 else "raw"
                    misses.append(f"{category} [{label}] {written!r}\n    spoke {text!r}\n    heard {transcript!r}")
    seconds = time.perf_counter() - started
    if keep:
        keep.write_text(json.dumps(transcripts, indent=0, sort_keys=True), encoding="utf-8")

    print(f"{'category':<20} {'cases':>5} {'normalised':>10} {'raw text':>9}")
    total = [0, 0, 0]
    for category, (cases, normalised, raw) in tally.items():
        mark = "" if normalised > raw else "   <- not above the baseline"
        print(f"{category:<20} {cases:>5} {normalised / cases:>10.2f} {raw / cases:>9.2f}{mark}")
        total = [t + c for t, c in zip(total, (cases, normalised, raw), strict=True)]
    print(f"{'overall':<20} {total[0]:>5} {total[1] / total[0]:>10.2f} {total[2] / total[0]:>9.2f}")
    print(
        f"\nheard as expected: the expected words in order, at most one word error per {WORDS_PER_ALLOWED_ERROR} "
        f"words, a word heard as another counting the share of its phonemes that differ "
        f"(pocketsphinx en-us, Piper {engine.model_path.stem}); {seconds:.0f} s"
    )
    for miss in misses:
        print(miss)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
