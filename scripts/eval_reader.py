"""Measure the reader on real pages: bag-of-words precision/recall/F1 against gold text, beside trafilatura.

    python scripts/eval_reader.py [EVAL_DIR]      # default: ../shared/eval next to the repo

Pages and gold come from public benchmarks (see EVAL_DIR/README.md); nothing here ships with newscast.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

import trafilatura

from newscast import build_script, load_config, read_article
from newscast.articles import noise

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
]
BODY_KINDS = {"body", "heading"}


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("n't", " not")))


def prf(predicted: str, gold: str) -> tuple[float, float, float]:
    p, g = words(predicted), words(gold)
    overlap = sum((p & g).values())
    precision = overlap / max(1, sum(p.values()))
    recall = overlap / max(1, sum(g.values()))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return precision, recall, f1


def spoken(path: Path, kinds: set[str] | None = None) -> tuple[str, str]:
    """The script's text (only segments of ``kinds`` if given; credits count as body) and the headline."""
    article = read_article(path)
    script = build_script(article, load_config())
    text = "\n".join(s.text for s in script.segments if kinds is None or s.kind in kinds)
    if kinds is not None and article.credits:
        text += "\n" + "\n".join(article.credits)
    return text, article.headline


def noise_spoken(text: str) -> list[str]:
    return [phrase for phrase in NOISE_PHRASES if phrase.lower() in text.lower()]


def read_html(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def same_headline(found: str, gold: str) -> bool:
    found_key, gold_key = noise.fingerprint(found), noise.fingerprint(gold)
    return bool(found_key) and (found_key == gold_key or found_key in gold_key or gold_key in found_key)


def main(eval_dir: Path) -> int:
    html_rows, text_rows, failures = [], [], []
    print(f"{'page':44} {'P':>5} {'R':>5} {'F1':>5} | {'traf F1':>7} {'diff':>6} | headline noise")
    for page in sorted((eval_dir / "html").iterdir()):
        key = page.name.split(".html")[0]
        gold = json.loads((eval_dir / "gold" / f"{key}.json").read_text(encoding="utf-8"))
        try:
            ours, headline = spoken(page, BODY_KINDS)
        except Exception as error:  # report and go on: one page must not hide the others
            failures.append(f"{key}: {error}")
            ours, headline = "", ""
        baseline = trafilatura.extract(read_html(page)) or ""
        heard_noise = noise_spoken(ours)
        if "articleBody" in gold:
            p, r, f = prf(ours, gold["articleBody"])
            tf = prf(baseline, gold["articleBody"])[2]
        else:  # trafilatura's own set: snippets that must and must not appear
            with_hits = [s for s in gold.get("with", []) if s.lower() in ours.lower()]
            without_hits = [s for s in gold.get("without", []) if s.lower() in ours.lower()]
            base_with = [s for s in gold.get("with", []) if s.lower() in baseline.lower()]
            base_without = [s for s in gold.get("without", []) if s.lower() in baseline.lower()]
            r = len(with_hits) / max(1, len(gold.get("with", [])))
            p = 1 - len(without_hits) / max(1, len(gold.get("without", [])))
            f = 2 * p * r / max(1e-9, p + r)
            tb_r = len(base_with) / max(1, len(gold.get("with", [])))
            tb_p = 1 - len(base_without) / max(1, len(gold.get("without", [])))
            tf = 2 * tb_p * tb_r / max(1e-9, tb_p + tb_r)
        title = gold.get("title")
        headline_ok = "-" if not title else ("ok" if same_headline(headline, title) else f"WRONG ({headline!r})")
        html_rows.append((f, tf, headline_ok))
        print(
            f"{key[:44]:44} {p:5.3f} {r:5.3f} {f:5.3f} | {tf:7.3f} {f - tf:+6.3f} | {headline_ok} {heard_noise or ''}"
        )

    print()
    print(f"{'text scrape':44} {'P':>5} {'R':>5} {'F1':>5} | headline noise")
    for page in sorted((eval_dir / "text").iterdir()):
        if page.suffix == ".json":
            continue
        key = page.name.split(".")[0]
        try:
            ours, headline = spoken(page, None)
        except Exception as error:
            failures.append(f"{key}: {error}")
            continue
        meta_path = eval_dir / "text" / f"{key}.json"
        if meta_path.exists():
            # Flattened CNN, no gold: every paragraph free of page noise is the reference.
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            title = meta.get("title")
            paragraphs = page.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is the headline
            clean = [re.sub(r"^Story highlights\s*", "", p) for p in paragraphs if not noise_spoken(p)]
            gold = "\n".join(clean)
            ours_body = "\n".join(ours.split("\n")[1:]) if headline else ours
        else:
            gold, title = (
                json.loads((eval_dir / "gold" / f"{key}.json").read_text(encoding="utf-8"))["articleBody"],
                None,
            )
            ours_body = spoken(page, BODY_KINDS)[0]
        p, r, f = prf(ours_body, gold)
        heard_noise = noise_spoken(ours)
        headline_ok = "-" if not title else ("ok" if same_headline(headline, title) else f"WRONG ({headline!r})")
        text_rows.append((r, heard_noise, headline_ok))
        print(f"{key[:44]:44} {p:5.3f} {r:5.3f} {f:5.3f} | {headline_ok} {heard_noise or ''}")

    mean_f1 = sum(row[0] for row in html_rows) / max(1, len(html_rows))
    mean_tf = sum(row[1] for row in html_rows) / max(1, len(html_rows))
    worst = min((row[0] - row[1] for row in html_rows), default=0.0)
    min_recall = min((row[0] for row in text_rows), default=1.0)
    noise_count = sum(len(row[1]) for row in text_rows)
    headlines_wrong = sum(1 for row in [*html_rows, *text_rows] if row[2].startswith("WRONG"))
    print()
    print(f"HTML: mean F1 {mean_f1:.3f} vs trafilatura {mean_tf:.3f}; worst page {worst:+.3f} against it")
    print(f"text scrapes: min recall {min_recall:.3f}; noise phrases spoken {noise_count}")
    print(f"headlines wrong: {headlines_wrong}; pages that failed: {len(failures)}")
    for failure in failures:
        print(f"  failed: {failure}")
    met = mean_f1 >= mean_tf and worst >= -0.02 and min_recall >= 0.97 and noise_count == 0 and not headlines_wrong
    print("targets met" if met and not failures else "targets NOT met")
    return 0 if met and not failures else 1


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
