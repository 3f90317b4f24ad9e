"""Check the speech normaliser by ear: speak every hard case with the bundled Piper voice, transcribe it
offline with pocketsphinx, and count the cases where the expected words are heard, beside the raw text
spoken by Piper alone (espeak's own reading of digits, symbols and abbreviations) in the same run.

    pip install '.[eval]'            # pocketsphinx and its English model, from PyPI; runs offline
    nice python scripts/eval_speech.py [CASES.toml] [--rounds=N] [--misses] [--keep=TRANSCRIPTS.json]

Piper's voice is not the same twice (its duration and noise are sampled), so --rounds=N speaks every case N
times and counts every hearing; a single round moves a category of ten by a case or two between runs.

--misses lists every case not heard as expected; --keep stores the transcripts by spoken text and reuses them
on the next run (only text that changed is spoken and heard again).

Matching: the expected words and the transcript are both turned into phonemes with the recogniser's own
dictionary (CMUdict), and the expected phonemes are aligned against the best-matching stretch of the
transcript's (what is heard before and after it is free). A case is heard as expected when at most 25% of the
expected phonemes are wrong, missing or extra. Sounds rather than spellings are compared because the
recogniser writes homophones and spelled letters its own way ("to" for "two", "fbi" for "F B I", "city hall"
for "cityhall"); its real mistakes remain, so a small share of wrong phonemes is allowed. A word the
dictionary does not know ("covid") is left out of the expected phonemes: the recogniser can never write it.
"""

from __future__ import annotations

import itertools
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
ALLOWED_PHONEME_ERROR = 0.25


class Pronouncer:
    """Words -> phonemes from the recogniser's own dictionary (CMUdict)."""

    def __init__(self, dictionary: Path) -> None:
        self.phones: dict[str, tuple[str, ...]] = {}
        self.variants: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for line in dictionary.read_text(encoding="utf-8").splitlines():
            word, *phones = line.split()
            sounds = tuple(phone.rstrip("012") for phone in phones)
            self.phones.setdefault(word, sounds)  # the first pronunciation, for expected words
            self.variants[word.split("(")[0]].append(sounds)

    def __call__(self, word: str) -> tuple[str, ...] | None:
        if word in self.phones:
            return self.phones[word]
        for cut in range(len(word) - 2, 1, -1):  # a compound the dictionary lacks: "cityhall" = city + hall
            head, tail = word[:cut], word[cut:]
            if head in self.phones and tail in self.phones:
                return self.phones[head] + self.phones[tail]
        return None


def phonemes(text: str, pronounce: Pronouncer) -> list[str]:
    """The phonemes of plain words; a word the dictionary lacks is one symbol that matches nothing, or left
    out of the expected words (see ``Matcher``)."""
    phones: list[str] = []
    for word in plain_words(text.replace(".", " ")):
        phones.extend(pronounce(word) or (f"<{word}>",))
    return phones


def errors_in_best_stretch(expected: Sequence[str], heard: Sequence[str]) -> int:
    """Fewest edits turning ``expected`` into some contiguous stretch of ``heard`` (semi-global alignment)."""
    previous = list(range(len(expected) + 1))
    best = previous[-1]
    for got in heard:
        current = [0]
        for i, want in enumerate(expected, start=1):
            current.append(min(previous[i] + 1, current[i - 1] + 1, previous[i - 1] + (want != got)))
        best = min(best, current[-1])
        previous = current
    return best


class Matcher:
    """Is the expected phrase in the transcript, by sound? At most a quarter of its phonemes wrong, missing or
    extra against the best stretch of the transcript: homophones ("two"/"to"), spelled letters ("F B I"/"fbi")
    and compounds the recogniser splits count as heard; a wrong number ("seventy"/"seventeen") does not."""

    def __init__(self, pronounce: Pronouncer) -> None:
        self.pronounce = pronounce

    def heard(self, expected: str, transcript: str) -> bool:
        wanted = [phone for phone in phonemes(expected, self.pronounce) if not phone.startswith("<")]
        got: list[str] = []
        for word in plain_words(transcript.replace(".", " ")):
            # the recogniser wrote one word for the sound it heard; of the word's pronunciations ("st": street
            # or saint), the one closest to what was expected is taken
            variants = self.pronounce.variants.get(word) or [self.pronounce(word) or (f"<{word}>",)]
            got.extend(min(variants, key=lambda sounds: errors_in_best_stretch(sounds, wanted) / len(sounds)))
        return errors_in_best_stretch(wanted, got) <= ALLOWED_PHONEME_ERROR * len(wanted)


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
    rounds = next((int(arg.split("=", 1)[1]) for arg in argv if arg.startswith("--rounds=")), 1)
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
        for (written, expected), round_ in itertools.product(entry["cases"], range(rounds)):
            counts = tally[category]
            counts[0] += 1
            for column, text in ((1, speakable(written)), (2, written)):
                key = f"{round_}|{text}" if round_ else text  # Piper's voice varies a little each time
                if key not in transcripts:
                    audio = engine.synthesize(text)
                    transcripts[key] = listener.transcribe(audio.samples, audio.sample_rate)
                transcript = transcripts[key]
                if matcher.heard(expected, transcript):
                    counts[column] += 1
                elif show_misses:
                    label = "normalised" if column == 1 else "raw"
                    misses.append(f"{category} [{label}] {written!r}\n    spoke {text!r}\n    heard {transcript!r}")
    seconds = time.perf_counter() - started
    if keep:
        keep.write_text(json.dumps(transcripts, indent=0, sort_keys=True), encoding="utf-8")

    print(f"{'category':<20} {'heard':>5} {'normalised':>10} {'raw text':>9}")
    total = [0, 0, 0]
    for category, (cases, normalised, raw) in tally.items():
        mark = "" if normalised > raw else "   <- not above the baseline"
        print(f"{category:<20} {cases:>5} {normalised / cases:>10.2f} {raw / cases:>9.2f}{mark}")
        total = [t + c for t, c in zip(total, (cases, normalised, raw), strict=True)]
    print(f"{'overall':<20} {total[0]:>5} {total[1] / total[0]:>10.2f} {total[2] / total[0]:>9.2f}")
    print(
        f"\nheard as expected: the expected words' phonemes in the transcript's, at most "
        f"{ALLOWED_PHONEME_ERROR:.0%} of them wrong, missing or extra (pocketsphinx en-us and its CMUdict; "
        f"Piper {engine.model_path.stem}, every case spoken {rounds} time(s)); {seconds:.0f} s"
    )
    for miss in misses:
        print(miss)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
