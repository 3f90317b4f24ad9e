"""gTTS: Google Translate's voice, online, made to survive a busy Google.

Google takes at most 100 characters a request; gTTS, by default, waits forever and gives up at the first
error. Here the text is cut into chunks by ``chunk_text`` (clauses packed up to the limit), and every chunk
is spoken through gTTS's public ``stream()`` as its own request under a shared throttle, with a timeout, retried on
429, 5xx, timeouts and dropped connections with exponential backoff and jitter (or the server's
Retry-After), so only a persistent failure reaches the user, as one message that names it.
"""

from __future__ import annotations

import io
import random
import re
import socket
import threading
import time
from dataclasses import dataclass

import requests

from ..config import EngineOptions, SpeechConfig, setting
from ..errors import EngineError
from ..limits import call_with_deadline
from ..models import Audio
from . import VoiceInfo

OFFLINE_HINT = "use --engine piper to speak with the offline voice"
BACKOFF_BASE = 0.5  # seconds before the first retry; doubled each time
BACKOFF_CAP = 8.0
RETRY_AFTER_CAP = 30.0
# Timeouts' worth of silence one chunk may wait through before the endpoint counts as gone: one while it has
# never answered (a proxy or firewall that holds connections), two once it has (a busy moment).
NO_ANSWER_BUDGET = 2
MAX_CHUNK = 100  # characters Google's endpoint takes in one request (gTTS's GOOGLE_TTS_MAX_CHARS)
_CJK_ENDS = "\u3002\uff01\uff1f\u3001\uff0c"  # 。！？、，
_CLAUSE_END = re.compile(rf"(?<=[.!?;:,\u2026])\s+|(?<=[{_CJK_ENDS}])\s*")
_SPEAKABLE = re.compile(r"[^\W_]")
TLDS = ("com", "co.uk", "com.au", "ca", "co.in", "ie", "co.za", "com.ng", "us")  # English accents


def back_off(seconds: float) -> None:
    time.sleep(seconds)


class Throttle:
    """At most ``rate`` starts per second across every thread sharing it."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


@dataclass(frozen=True)
class GttsOptions(EngineOptions):
    """[speech.gtts]"""

    tld: str = setting("com", "Google's top-level domain, which picks the accent (com, co.uk, com.au, ...)")
    slow: bool = setting(False, "speak slowly")
    requests_per_second: float = setting(8.0, "requests per second at most", between=(0, 100), above=True)
    retries: int = setting(4, "retries of a request on 429, 5xx, timeouts and resets", between=(0, 10))


class GttsEngine:
    """Google Translate's text-to-speech through gTTS."""

    name = "gtts"
    workers = 4  # requests in flight; the throttle still caps the rate
    Options = GttsOptions
    auto_rank = 10  # online, so it is tried first; the offline voice is the fallback

    @staticmethod
    def auto_ready(settings: SpeechConfig) -> tuple[bool, str]:
        from . import PROBE_SECONDS, google_reachable

        tld = settings.options("gtts", GttsOptions).tld
        if google_reachable(tld, min(settings.timeout, PROBE_SECONDS)):
            return True, "Google's speech endpoint answered"
        return False, "Google's speech endpoint did not answer"

    def __init__(self, settings: SpeechConfig) -> None:
        from gtts.lang import tts_langs

        if settings.language not in tts_langs():
            raise EngineError(
                f"gTTS does not speak language {settings.language!r}; `newscast voices --engine gtts` lists them"
            )
        options = settings.options(self.name, GttsOptions)
        self.language = settings.language
        self.tld = options.tld
        self.slow = options.slow
        self.timeout = settings.timeout
        self.retries = options.retries
        self.throttle = Throttle(options.requests_per_second)
        self._gone: str | None = None  # set once the endpoint stopped answering: later chunks fail at once
        self._answered = False

    def identity(self) -> str:
        return f"gtts:{self.language}:{self.tld}:slow={self.slow}"

    def synthesize(self, text: str) -> Audio:
        parts = [self._speak_chunk(chunk) for chunk in self._chunks(text)]
        if not parts:
            raise EngineError(f"gTTS returned no audio for {text[:40]!r}; {OFFLINE_HINT}")
        import numpy as np  # here: an engine whose pieces are all cached never loads the audio stack

        rate = parts[0].sample_rate
        return Audio(np.concatenate([part.samples for part in parts]), rate)

    def _tts(self, text: str):
        from gtts import gTTS

        return gTTS(text, lang=self.language, tld=self.tld, slow=self.slow, lang_check=False, timeout=self.timeout)

    def _chunks(self, text: str) -> list[str]:
        return chunk_text(text)

    def _speak_chunk(self, chunk: str) -> Audio:
        from gtts import gTTSError

        silent = 0.0  # seconds spent waiting on answers that never came
        for attempt in range(self.retries + 1):
            if self._gone:
                raise EngineError(self._gone)
            self.throttle.wait()
            started = time.monotonic()
            try:
                # gTTS's timeout is per socket read; the deadline bounds the whole request (a proxy that
                # accepts and never answers, a server that trickles).
                audio = decode_mp3(call_with_deadline(lambda: b"".join(self._tts(chunk).stream()), self.timeout + 1))
                self._answered = True
                return audio
            except gTTSError as error:
                failure: Exception = error
            except TimeoutError as error:
                failure = error
            try:
                problem, retry_after = _diagnose(failure)
            except OfflineError:
                raise EngineError(
                    f"cannot reach Google's speech endpoint (translate.google.{self.tld} does not resolve: no "
                    f"network?); {OFFLINE_HINT}"
                ) from failure
            if problem is None:
                raise EngineError(f"gTTS failed: {failure}; {OFFLINE_HINT}") from failure
            if problem == NO_ANSWER:
                silent += time.monotonic() - started
                if silent >= (NO_ANSWER_BUDGET if self._answered else 1) * self.timeout:
                    self._gone = (
                        f"Google's speech endpoint gave no answer within {self.timeout:g} s "
                        f"({'once' if attempt == 0 else f'{attempt + 1} times'}: a proxy or firewall holding the "
                        f"connection?); {OFFLINE_HINT}"
                    )
                    raise EngineError(self._gone) from failure
            if attempt == self.retries:
                break
            if retry_after is None:
                back_off(min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt) * random.uniform(0.5, 1.0))
            else:
                back_off(retry_after)
        tries = f" after {self.retries + 1} tries" if self.retries else ""
        raise EngineError(f"Google's speech endpoint failed{tries}: {problem}; {OFFLINE_HINT}") from failure

    @staticmethod
    def list_voices(settings: SpeechConfig) -> tuple[list[VoiceInfo], list[str]]:
        from gtts.lang import tts_langs

        voices = [VoiceInfo(code, name, "online") for code, name in sorted(tts_langs().items())]
        note = f"set speech.language to a code above; speech.gtts.tld picks the accent ({', '.join(TLDS)})"
        return voices, [note]


def _diagnose(error: Exception) -> tuple[str | None, float | None]:
    """(what went wrong if it is worth retrying, else None; the server's Retry-After in seconds)."""
    response = getattr(error, "rsp", None)
    if response is not None:
        status = response.status_code
        if status == 429 or status >= 500:
            return f"HTTP {status} {response.reason or ''}".strip(), _retry_after(response)
        return None, None
    cause = error if isinstance(error, TimeoutError) else _transport_error(error)
    if isinstance(cause, requests.Timeout | TimeoutError):
        return NO_ANSWER, None
    if cause is not None and _cannot_resolve(cause):
        raise OfflineError from None
    # Without a response, gTTS failed in the transport (a reset, a refused or dropped connection): worth a retry.
    return "the connection failed or was reset", None


def _transport_error(error: BaseException) -> requests.RequestException | None:
    """The requests exception behind a gTTSError, if Python's exception chain still holds it.

    gTTS raises its error while handling the transport's, so the chain (``__cause__`` when raised ``from``, else
    ``__context__``) leads to it; when it does not, the caller retries as for a dropped connection.
    """
    cause = error.__cause__ or error.__context__
    return cause if isinstance(cause, requests.RequestException) else None


NO_ANSWER = "no answer within the timeout"


class OfflineError(Exception):
    """Google's host name does not resolve: no network, so retrying would only make the user wait."""


def _cannot_resolve(error: BaseException) -> bool:
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror) or type(current).__name__ == "NameResolutionError":
            return True
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
    return False


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return min(float(value), RETRY_AFTER_CAP) if value.strip().isdigit() else None


def chunk_text(text: str, limit: int = MAX_CHUNK) -> list[str]:
    """Cut text into requests of at most ``limit`` characters.

    Clauses (cut after . ! ? ; : , and their CJK forms) are packed together while they fit, so a request ends
    where a speaker would pause; a clause longer than the limit is cut at its last space before it (mid-word
    only when it has none). Pieces without a letter or digit are not sent.
    """
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(text.strip()):
        while len(clause) > limit:
            cut = clause.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            pieces.append(clause[:cut].rstrip())
            clause = clause[cut:].lstrip()
        pieces.append(clause)
    chunks: list[str] = []
    for piece in filter(None, pieces):
        space = "" if chunks and chunks[-1][-1] in _CJK_ENDS else " "  # CJK text has no spaces between sentences
        if chunks and len(chunks[-1]) + len(space) + len(piece) <= limit:
            chunks[-1] += space + piece
        else:
            chunks.append(piece)
    return [chunk for chunk in chunks if _SPEAKABLE.search(chunk)]


def decode_mp3(data: bytes) -> Audio:
    import numpy as np
    import soundfile

    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise EngineError(f"gTTS sent audio that does not decode as MP3: {error}") from error
    return Audio(samples.mean(axis=1).astype(np.float32), rate)
