"""Measure the reader on real pages, beside plain trafilatura on the same HTML, in one run.

    nice python scripts/eval_reader.py [EVAL_DIR] [--cache DIR] [--only gold|snippets|scrapes|corpus]

EVAL_DIR (default: ../shared/eval next to the repo) and its ``dev/`` subfolder are both read:
- gold bodies (scrapinghub pages): bag-of-words precision/recall/F1 against the article body;
- snippet pages (trafilatura's evaluation set): must-have snippets found, must-not snippets spoken;
- CNN-style scrapes (no gold): share of clean sentences spoken, every noise phrase spoken, highlights found;
- headline right wherever the set gives a title; CPU time of the reader per page;
- the negative corpus: every gold body paragraph, in a text scrape with furniture around it, keeps every sentence.
Trafilatura's output is cached in ``--cache`` (default /tmp/newscast-eval) since it never changes between runs.
Pages and gold come from public benchmarks (see EVAL_DIR/README.md); nothing here ships with newscast.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path

import trafilatura

from newscast import build_script, load_config, read_article, read_text
from newscast.articles import noise
from newscast.articles.units import split_dateline

NOISE_PHRASES = [
    "JUST WATCHED",
    "MUST WATCH",
    "Replay More Videos",
    "Hide Caption",
    "Photos:",
    "Read More",
    "Read more:",
    "Sign up",
    "newsletter",
    "Image caption",
    "Media caption",
    "Image copyright",
    "Related Topics",
    "Share this article",
    "(Graphic",
    "Advertisement",
    "Continue reading the main story",
    "Skip to content",
    "Facebook Messenger",
    "Story highlights",
    "Follow us",
    "Related:",
]
BODY_KINDS = {"body", "heading", "credits"}
# Tables read row by row: the measure is what the reader finds (the default speaks a note in a table's place).
CONFIG = replace(load_config(), script=replace(load_config().script, tables="rows"))


_WORD = re.compile(r"[^\W_]+")  # letters and digits: a "___" separator is not a word anyone hears


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower().replace("\u2019", "'").replace("n't", " not")))


def normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("\u2019", "'")))


def prf(predicted: str, gold: str) -> tuple[float, float, float]:
    p, g = words(predicted), words(gold)
    overlap = sum((p & g).values())
    precision = overlap / max(1, sum(p.values()))
    recall = overlap / max(1, sum(g.values()))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return precision, recall, f1


class Ours:
    """What newscast keeps of one page (``text``: the segments of ``kinds`` and the credits), what it speaks
    (``spoken``: every segment; the credits are not in the default order; ``body``: without the headline
    segment), and the CPU time it took."""

    def __init__(self, path: Path, kinds: set[str] | None = None) -> None:
        self.error = ""
        self.text = self.spoken = self.body = self.headline = ""
        self.highlights: tuple[str, ...] = ()
        start = time.process_time()
        try:
            article = read_article(path)
            script = build_script(article, CONFIG)
        except Exception as error:  # report and go on: one page must not hide the others
            self.error = f"{type(error).__name__}: {error}"
        else:
            self.text = "\n".join(s.text for s in script.segments if kinds is None or s.kind in kinds)
            self.spoken = "\n".join(s.text for s in script.segments)
            self.body = "\n".join(s.text for s in script.segments if s.kind != "headline")
            if kinds is None or "credits" in kinds:  # credits are the article's own words, spoken or not
                self.text += "\n" + "\n".join(article.credits)
            self.headline = article.headline
            self.highlights = article.highlights
        self.cpu = time.process_time() - start


def read_html(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


class Baseline:
    """Plain trafilatura on the same HTML, cached on disk by file content."""

    def __init__(self, cache: Path) -> None:
        self.path = cache / "trafilatura.json"
        self.results: dict[str, str] = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.dirty = False

    def __call__(self, page: Path) -> str:
        key = hashlib.sha1(page.read_bytes()).hexdigest()
        if key not in self.results:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    self.results[key] = trafilatura.extract(read_html(page)) or ""
                except Exception:
                    self.results[key] = ""
            self.dirty = True
        return self.results[key]

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.results))


def same_headline(found: str, gold: str) -> bool:
    found_key, gold_key = noise.fingerprint(found), noise.fingerprint(gold)
    return bool(found_key) and (found_key == gold_key or found_key in gold_key or gold_key in found_key)


def noise_spoken(text: str) -> list[str]:
    return [phrase for phrase in NOISE_PHRASES if phrase.lower() in text.lower()]


def mean(values) -> float:
    values = list(values)
    return sum(values) / max(1, len(values))


def worst(rows: list[dict], key, title: str, show) -> None:
    print(f"  10 worst {title}:")
    for row in sorted(rows, key=key)[:10]:
        print(f"    {row['id'][:40]:40} {show(row)}")


def gold_pages(eval_dir: Path, baseline: Baseline) -> list[dict]:
    rows = []
    for folder in (eval_dir, eval_dir / "dev"):
        for page in sorted((folder / "html").glob("*.html*")):
            gold = json.loads((folder / "gold" / f"{page.name.split('.html')[0]}.json").read_text(encoding="utf-8"))
            if "articleBody" not in gold:
                continue
            ours = Ours(page, BODY_KINDS)
            p, r, f = prf(ours.text, gold["articleBody"])
            tp, tr, tf = prf(baseline(page), gold["articleBody"])
            rows.append({"id": page.name, "p": p, "r": r, "f": f, "tp": tp, "tr": tr, "tf": tf, "cpu": ours.cpu})
            rows[-1]["error"] = ours.error
    return rows


def snippet_pages(eval_dir: Path, baseline: Baseline) -> list[dict]:
    sources = [(eval_dir / "html", eval_dir / "gold", None)]
    data = json.loads((eval_dir / "dev" / "snippets" / "evaldata.json").read_text(encoding="utf-8"))
    sources.append((eval_dir / "dev" / "snippets" / "html", None, data))
    rows = []
    for html_dir, gold_dir, table in sources:
        for page in sorted(html_dir.iterdir()):
            if gold_dir is not None:
                gold = json.loads((gold_dir / f"{page.name.split('.html')[0]}.json").read_text(encoding="utf-8"))
                if "articleBody" in gold:
                    continue
            else:
                gold = table.get(page.name.removesuffix(".gz"))
                if gold is None:
                    continue
            ours = Ours(page, None)
            base = normalised(baseline(page))
            text = normalised(ours.text)
            must = [normalised(s) for s in gold.get("with", []) if normalised(s)]
            must_not = [normalised(s) for s in gold.get("without", []) if normalised(s)]
            title = gold.get("title") or ""
            headline_right = bool(title) and same_headline(ours.headline, title)
            # Must-not is judged on what is spoken. Some pages list their own title as must-not (trafilatura's
            # output leaves the title out): spoken as the right headline, it is not furniture.
            spoken = normalised(ours.body if headline_right else ours.spoken)
            rows.append(
                {
                    "id": page.name,
                    "with": len(must),
                    "without": len(must_not),
                    "found": [s for s in must if s in text],
                    "missed": [s for s in must if s not in text],
                    "spoken": [s for s in must_not if s in spoken],
                    "t_found": sum(1 for s in must if s in base),
                    "t_spoken": sum(1 for s in must_not if s in base),
                    "headline": None if not title else headline_right,
                    "got": ours.headline,
                    "cpu": ours.cpu,
                    "error": ours.error,
                }
            )
    return rows


_OUTLET_TAG = re.compile(r"^[^()]{0,60}\(CNN\)\s*[-\u2013\u2014]*\s*")  # the dateline's agency tag is not spoken
_SENTENCE = re.compile(r"(?<=[.!?])[\"'\u201d]?\s+(?=[\"'\u201c]?[A-Z])")


def scrape_pages(eval_dir: Path) -> list[dict]:
    rows = []
    for folder in (eval_dir / "text", eval_dir / "dev" / "text"):
        for page in sorted(folder.glob("*.content_original.txt")):
            meta = json.loads((folder / f"{page.name.split('.')[0]}.json").read_text(encoding="utf-8"))
            ours = Ours(page, None)
            paragraphs = page.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is the headline
            labelled = any(p.startswith("Story highlights") for p in paragraphs)
            clean = [re.sub(r"^Story highlights\s*", "", p) for p in paragraphs if not noise_spoken(p)]
            clean = [_OUTLET_TAG.sub("", p) for p in clean]
            sentences = [s for p in clean for s in _SENTENCE.split(p) if len(normalised(s).split()) >= 4]
            text = normalised(ours.text)
            missed = [s for s in sentences if normalised(s) not in text]
            heard = noise_spoken(ours.text)
            rows.append(
                {
                    "id": page.name,
                    "sentences": len(sentences),
                    "missed": missed,
                    "noise": heard,
                    "labelled": labelled,
                    "highlights": bool(ours.highlights),
                    "headline": same_headline(ours.headline, meta.get("title") or ""),
                    "got": ours.headline,
                    "cpu": ours.cpu,
                    "error": ours.error,
                }
            )
    return rows


def html2text_pages(eval_dir: Path) -> list[dict]:
    rows = []
    for page in sorted((eval_dir / "text").glob("*.html2text.md")):
        gold = json.loads((eval_dir / "gold" / f"{page.name.split('.')[0]}.json").read_text(encoding="utf-8"))
        ours = Ours(page, BODY_KINDS)
        p, r, f = prf(ours.text, gold["articleBody"])
        rows.append({"id": page.name, "p": p, "r": r, "f": f, "noise": noise_spoken(ours.text), "error": ours.error})
    return rows


# Page furniture of several kinds, put between the gold paragraphs of the negative corpus.
FURNITURE_AROUND = [
    ["Menu", "Search", "Sign In", "Breaking News"],
    ["JUST WATCHED", "Crews lift a girder", "Replay", "More Videos ...", "MUST WATCH", "Crews lift a girder 02:10"],
    ["Advertisement"],
    ["Photos: The bridge repairs", "Divers at work under the bridge.", "Hide Caption", "1 of 8"],
    ["Follow @millbrooknews Follow @countyroads"],
    ["SEE MORE:", "Toll plans stall again", "Ferry service ends"],
    ["Story continues below advertisement"],
    ["News date : 04/21/2024 Category : Press Releases"],
]


_ENDS_A_SENTENCE = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\u300d]*$")


def _long_enough(text: str) -> bool:
    """Four words or more, or (in a script written without spaces) twelve characters."""
    return len(text.split()) >= 4 or (len(text) >= 12 and " " not in text)


def corpus_pages(eval_dir: Path) -> list[dict]:
    """The negative corpus: every gold body paragraph of the set, in a text scrape with furniture between its
    paragraphs. Every sentence (four words or more ending in . ! ? or ...) must be kept; the short lines of lists
    and tables (schedules, standings, product specs) are counted apart."""
    rows = []
    for folder in (eval_dir, eval_dir / "dev"):
        for gold_path in sorted((folder / "gold").glob("*.json")):
            body = json.loads(gold_path.read_text(encoding="utf-8")).get("articleBody")
            if not body:
                continue
            paragraphs = [" ".join(line.split()) for line in body.splitlines() if _long_enough(line.strip())]
            units = ["A headline written for the negative corpus", "By Test Writer"]
            for index, paragraph in enumerate(paragraphs):
                units += [paragraph, *FURNITURE_AROUND[index % len(FURNITURE_AROUND)]]
            try:
                article = read_text("\n\n".join(units) + "\n")
            except Exception as error:  # report and go on
                rows.append({"id": gold_path.stem, "sentences": 0, "lines": 0, "lost": [f"{error}"], "lines_lost": []})
                continue
            kept = normalised(" ".join([article.dateline, *(b.text for b in article.blocks), *article.credits]))
            pieces = [s for p in paragraphs for s in _SENTENCE.split(split_dateline(p)[1]) if _long_enough(s)]
            sentences = [s for s in pieces if _ENDS_A_SENTENCE.search(s)]
            lines = [s for s in pieces if not _ENDS_A_SENTENCE.search(s)]
            rows.append({
                "id": gold_path.stem, "sentences": len(sentences), "lines": len(lines),
                "lost": [s for s in sentences if normalised(s) not in kept],
                "lines_lost": [s for s in lines if normalised(s) not in kept],
            })  # fmt: skip
    return rows


def report_corpus(rows: list[dict]) -> bool:
    sentences, lines = sum(r["sentences"] for r in rows), sum(r["lines"] for r in rows)
    lost = [(r["id"], s) for r in rows for s in r["lost"]]
    lines_lost = sum(len(r["lines_lost"]) for r in rows)
    print(f"\n== negative corpus: {len(rows)} gold bodies in text scrapes with furniture around each paragraph ==")
    print(f"  sentences lost: {len(lost)} of {sentences}; short lines (lists, tables) lost: {lines_lost} of {lines}")
    for page, sentence in lost[:20]:
        print(f"    {page[:20]:20} {sentence[:100]!r}")
    return not lost


def report_gold(rows: list[dict]) -> bool:
    print(f"\n== gold bodies (HTML): {len(rows)} pages ==")
    print(f"  {'':12} {'P':>6} {'R':>6} {'F1':>6}")
    print(
        f"  {'newscast':12} {mean(r['p'] for r in rows):6.3f} {mean(r['r'] for r in rows):6.3f} "
        f"{mean(r['f'] for r in rows):6.3f}"
    )
    print(
        f"  {'trafilatura':12} {mean(r['tp'] for r in rows):6.3f} {mean(r['tr'] for r in rows):6.3f} "
        f"{mean(r['tf'] for r in rows):6.3f}"
    )
    below = [r for r in rows if r["f"] < r["tf"] - 0.02]
    print(f"  pages more than 0.02 F1 below trafilatura: {len(below)}; failed: {sum(1 for r in rows if r['error'])}")
    worst(
        rows,
        lambda r: r["f"] - r["tf"],
        "pages (F1 against trafilatura)",
        lambda r: (
            f"P {r['p']:.3f} R {r['r']:.3f} F1 {r['f']:.3f} | traf P {r['tp']:.3f} R {r['tr']:.3f} "
            f"F1 {r['tf']:.3f} {r['error']}"
        ),
    )
    return (
        mean(r["r"] for r in rows) >= mean(r["tr"] for r in rows) and mean(r["p"] for r in rows) >= 0.96 and not below
    )


def report_snippets(rows: list[dict]) -> bool:
    must = sum(r["with"] for r in rows)
    must_not = sum(r["without"] for r in rows)
    found, t_found = sum(len(r["found"]) for r in rows), sum(r["t_found"] for r in rows)
    spoken, t_spoken = sum(len(r["spoken"]) for r in rows), sum(r["t_spoken"] for r in rows)
    titled = [r for r in rows if r["headline"] is not None]
    print(f"\n== snippet pages (HTML): {len(rows)} pages, {must} must-have, {must_not} must-not snippets ==")
    print(f"  {'':12} {'found':>8} {'spoken':>8}")
    print(f"  {'newscast':12} {found / max(1, must):8.3f} {spoken / max(1, must_not):8.3f}")
    print(f"  {'trafilatura':12} {t_found / max(1, must):8.3f} {t_spoken / max(1, must_not):8.3f}")
    print(
        f"  headline right: {sum(1 for r in titled if r['headline'])}/{len(titled)}; "
        f"failed: {sum(1 for r in rows if r['error'])}"
    )
    worst(
        rows,
        lambda r: (len(r["found"]) - r["t_found"]) - (len(r["spoken"]) - r["t_spoken"]),
        "pages (found and spoken against trafilatura)",
        lambda r: (
            f"found {len(r['found'])}/{r['with']} (traf {r['t_found']}) spoken {len(r['spoken'])}/"
            f"{r['without']} (traf {r['t_spoken']}) {r['error']} missed {r['missed'][:2]} spoken {r['spoken'][:2]}"
        ),
    )
    return found >= t_found and spoken <= t_spoken / 2


def report_scrapes(rows: list[dict], extra: list[dict]) -> bool:
    sentences = sum(r["sentences"] for r in rows)
    missed = sum(len(r["missed"]) for r in rows)
    noisy = [r for r in rows if r["noise"]]
    labelled = [r for r in rows if r["labelled"]]
    print(f"\n== CNN-style scrapes: {len(rows)} pages, {sentences} clean sentences ==")
    print(f"  clean sentences spoken: {1 - missed / max(1, sentences):.4f} ({missed} missed)")
    print(f"  pages speaking a noise phrase: {len(noisy)} ({1 - len(noisy) / max(1, len(rows)):.3f} clean)")
    for phrase, count in Counter(p for r in rows for p in r["noise"]).most_common():
        print(f"    {count:4} x {phrase!r}")
    print(f"  highlights found: {sum(1 for r in labelled if r['highlights'])}/{len(labelled)} labelled pages")
    print(
        f"  headline right: {sum(1 for r in rows if r['headline'])}/{len(rows)}; "
        f"failed: {sum(1 for r in rows if r['error'])}"
    )
    worst(
        rows,
        lambda r: -(len(r["missed"]) * 3 + len(r["noise"]) * 2 + (not r["headline"]) * 2),
        "scrapes (missed sentences, noise, headline)",
        lambda r: (
            f"missed {len(r['missed'])} noise {r['noise']} headline {'ok' if r['headline'] else repr(r['got'])}"
            f" {r['error']} {[s[:70] for s in r['missed'][:2]]}"
        ),
    )
    for r in extra:
        print(f"  html2text {r['id'][:30]}: P {r['p']:.3f} R {r['r']:.3f} F1 {r['f']:.3f} noise {r['noise']}")
    return (
        len(noisy) <= 0.01 * len(rows)
        and missed <= 0.005 * sentences
        and all(r["highlights"] for r in labelled)
        and sum(r["headline"] for r in rows) >= 0.995 * len(rows)
    )


def _default_eval_dir() -> Path:
    """``shared/eval`` beside the repository (or beside the folder of worktrees holding it)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "shared" / "eval").is_dir():
            return folder / "shared" / "eval"
    return Path("../shared/eval")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", nargs="?", type=Path, default=_default_eval_dir())
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newscast-eval"))
    parser.add_argument("--only", choices=("gold", "snippets", "scrapes", "corpus"))
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    if not (args.eval_dir / "dev").is_dir():
        parser.error(f"no evaluation set in {args.eval_dir} (expected its dev/ folder there)")
    baseline = Baseline(args.cache)
    met, cpu = [], []
    try:
        if args.only in (None, "gold"):
            rows = gold_pages(args.eval_dir, baseline)
            met.append(report_gold(rows))
            cpu += [r["cpu"] for r in rows]
        if args.only in (None, "snippets"):
            rows = snippet_pages(args.eval_dir, baseline)
            met.append(report_snippets(rows))
            cpu += [r["cpu"] for r in rows]
        if args.only in (None, "scrapes"):
            rows = scrape_pages(args.eval_dir)
            met.append(report_scrapes(rows, html2text_pages(args.eval_dir)))
            cpu += [r["cpu"] for r in rows]
        if args.only in (None, "corpus"):
            met.append(report_corpus(corpus_pages(args.eval_dir)))
    finally:
        baseline.save()
    if cpu:
        print(
            f"\nreader CPU per page (read + script, after imports): median {statistics.median(cpu):.3f} s, "
            f"90th percentile {sorted(cpu)[int(0.9 * len(cpu))]:.3f} s, max {max(cpu):.3f} s"
        )
    print("targets met" if all(met) else "targets NOT met")
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
