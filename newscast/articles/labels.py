"""The few phrase lists the reader still needs, as data in one place, in several languages.

Each entry matches a WHOLE short unit (the phrase, its punctuation and at most a few more words),
never a phrase inside a longer sentence; tests/test_labels.py shows a real sentence holding each
one that is still spoken.
"""

from __future__ import annotations

import re

# A label over a list of links to other stories ("SEE MORE:", "Lesen Sie auch").
TEASER_LABELS = (
    "see more",
    "see also",
    "also see",
    "also read",
    "read also",
    "don't miss",
    "do not miss",
    "more on this",
    "more on this story",
    "read next",
    "related",
    "related stories",
    "related articles",
    "you might also like",
    "lea también",
    "lea",
    "lee",
    "mire",
    "mira",
    "ver más",
    "ver también",
    "lea más",
    "lee más",
    "vea también",
    "mira también",
    "le puede interesar",
    "puedes ver",
    "notas relacionadas",
    "noticias relacionadas",
    "weitere artikel zum thema",
    "weitere themen",
    "mehr themen",
    "empfohlene beiträge",
    "schon gelesen",
    "meist diskutiert",
    "meistgelesen",
    "das könnte dich auch interessieren",
    "lee también",
    "te puede interesar",
    "lesen sie auch",
    "mehr zum thema",
    "das könnte sie auch interessieren",
    "à lire aussi",
    "lire aussi",
    "voir aussi",
    "leggi anche",
    "leia também",
    "veja também",
    "lees ook",
    "czytaj także",
    "weitere informationen",
    "mehr informationen",
    "more information",
    "más información",
    "plus d'informations",
    "ulteriori informazioni",
    "mais informações",
    "meer informatie",
    "więcej informacji",
    "czytaj też",
    "zobacz też",
    "zobacz także",
    "читайте также",
    "läs också",
    "læs også",
    "les også",
)

# "Read more" links and page-navigation labels, alone on their line.
LINK_LABELS = (
    "learn more",
    "find out more",
    "dowiedz się więcej",
    "czytaj więcej",
    "czytaj dalej",
    "leia mais",
    "lees meer",
    "les mer",
    "läs mer",
    "læs mere",
    "continua a leggere",
    "continuer la lecture",
    "więcej",
    "mehr",
    "weiterlesen",
    "leer más",
    "lire la suite",
    "leggi di più",
    "saiba mais",
    "table of contents",
    "inhaltsverzeichnis",
    "índice de contenidos",
    "sommaire",
    "bild anzeigen",
    "bild vergrößern",
    "show image",
    "listen to this article",
    "escucha esta nota",
    "escucha esta nota aquí",
    "artikel anhören",
    "écouter cet article",
    "next article",
    "previous article",
    "nächster artikel",
    "vorheriger artikel",
    "vorschau auf den nächsten artikel",
    "artículo siguiente",
    "artículo anterior",
    "article suivant",
    "article précédent",
    "articolo successivo",
    "następny artykuł",
    "poprzedni artykuł",
    "last modified",
    "letzte änderung",
    "zuletzt aktualisiert",
)

# Paywall, subscription and sign-up lines.
PAYWALL_LINES = (
    "to view the full story, please subscribe",
    "subscribe to continue reading",
    "subscribe to read the full story",
    "thanks for signing up",
    "thank you for signing up",
    "already a subscriber",
    "this article is for subscribers only",
    "this content is for subscribers only",
    "log in to continue reading",
    "sign in to continue reading",
    "create a free account to continue reading",
    "you have reached your limit of free articles",
    "jetzt abonnieren",
    "suscríbete",
    "abonnez-vous",
)

# Comment-form chrome under an article.
COMMENT_FORM_LINES = (
    "leave a reply",
    "leave a comment",
    "post a comment",
    "post comment",
    "cancel reply",
    "your email address will not be published",
    "required fields are marked",
    "save my name, email, and website in this browser for the next time i comment",
    "you must be logged in to post a comment",
    "comments are closed",
    "keine kommentare",
    "no comments",
    "join the conversation",
    "name *",
    "email *",
    "website",
    "kommentar schreiben",
    "deja un comentario",
    "laisser un commentaire",
    "beiträge aus dem forum",
    "from the forum",
    "aus dem forum",
)

# Lines that stand between two halves of a story in place of an ad or a player.
INTERRUPTION_LINES = (
    "story continues below advertisement",
    "story continues below",
    "article continues below",
    "continue reading below",
    "advertisement - scroll to continue",
    "toggle caption",
    "hide caption",
    "enlarge this image",
    "scroll to continue with content",
    "werbung",
    "anzeige",
    "publicidad",
    "publicité",
    "pubblicità",
)

# Disclaimers a page sets apart in a line of their own ("(Alle Angaben ohne Gewähr)").
DISCLAIMER_LINES = (
    "all information without guarantee",
    "all details without guarantee",
    "errors and omissions excepted",
    "alle angaben ohne gewähr",
    "angaben ohne gewähr",
    "irrtümer vorbehalten",
    "änderungen und irrtümer vorbehalten",
    "sin garantía",
    "sous réserve d'erreurs",
    "advertising disclosure",
    "affiliate disclosure",
    "affiliate links",
    "werbehinweis",
    "transparenzhinweis",
)

# Share buttons glued to the end of a quotation ("... just like offline business. Click To Tweet").
SHARE_LABELS = ("click to tweet", "tweet this", "tweet this quote", "share this quote")

# A figure or picture named by its number at the start of its caption ("Abbildung 4:", "Figure 2.").
FIGURE_WORDS = (
    "figure", "fig.", "fig", "chart", "graphic", "image", "photo", "picture", "illustration", "abbildung", "abb.",
    "abb", "bild", "grafik", "foto", "figura", "gráfico", "grafico", "imagen", "ilustración", "immagine",
    "illustrazione", "rysunek", "rys.", "afbeelding", "figuur",
)  # fmt: skip

# Labels of a page's metadata line ("Category : Press Releases", "Publicado por: X - Categoria: Y"); a line
# of them is metadata only when one names the site's filing (TAXONOMY_LABELS), not only a date or a place.
TAXONOMY_LABELS = (
    "category", "categories", "filed under", "posted in", "tags", "tagged", "topics", "kategorie", "kategorien",
    "rubrik", "rubriken", "schlagwörter", "schlagworte", "stichwörter", "themen", "categoría", "categorías",
    "categoria", "categorias", "etiquetas", "catégorie", "catégories", "étiquettes", "mots-clés", "kategoria",
    "kategorie wpisu", "tagi", "tag", "argomenti", "categorie", "trefwoorden",
)  # fmt: skip
META_LABELS = (
    *TAXONOMY_LABELS, "date", "news date", "posted", "posted on", "posted by", "published", "published on",
    "published by", "updated", "author", "datum", "autor", "autorin", "veröffentlicht", "veröffentlicht am",
    "veröffentlicht von", "fecha", "publicado", "publicado por", "publicado el", "date de publication", "publié",
    "publié le", "publié par", "data", "data publikacji", "pubblicato", "autore",
)  # fmt: skip

# A line naming where a figure or a story came from ("Quelle: Landesregierung", "Source: Census Bureau"): a
# credit at the end of the story, furniture anywhere else.
SOURCE_WORDS = (
    "source", "sources", "quelle", "quellen", "quellenangabe", "quellenangaben", "fuente", "fuentes", "fonte",
    "fontes", "bron", "bronnen", "źródło", "źródła", "kilde", "källa",
)  # fmt: skip

# Words of the class and id names pages give the blocks that hold furniture (``related-posts``, ``cta``,
# ``readingTime``; names are split at hyphens, underscores and case changes). Names that pages also give the
# story itself are left out: "teaser" and "promo" (a German lead is a "Teaser"), "sidebar", "footer", "nav",
# "widget", "caption", "author", "ad".
FURNITURE_BLOCK_NAMES = frozenset(
    {
        "related", "newsletter", "subscribe", "share", "sharing", "social", "comments", "breadcrumb", "breadcrumbs",
        "disclaimer", "disclosure", "affiliate", "sponsored", "advert", "cta", "popup", "cookie", "gdpr", "rating",
        "readingtime",
    }
)  # fmt: skip

# Reading-time labels ("Lesezeit: 2 Minuten", "5 min read").
READ_TIME_WORDS = (
    "read",
    "reading time",
    "read time",
    "lesezeit",
    "lesedauer",
    "temps de lecture",
    "tiempo de lectura",
    "tempo di lettura",
    "tempo de leitura",
    "leestijd",
    "czas czytania",
)

# The word a byline opens with, by language ("By", "Par", "Von", "Por", "Di", "Door"); outside English a
# byline is taken only when the whole line is capitalised names (byline.is_byline).
BYLINE_WORDS = {"en": "by", "fr": "par", "de": "von", "es": "por", "it": "di", "pt": "por", "nl": "door"}
# The word between the last two names ("A, B and C"), by language.
NAME_JOINERS = {"en": "and", "fr": "et", "de": "und", "es": "y", "it": "e", "pt": "e", "nl": "en"}
# Lower-case words inside a person's name ("Pieter van den Berg", "Juan de la Cruz").
NAME_PARTICLES = ("van", "von", "der", "den", "de", "del", "della", "da", "das", "do", "dos", "di", "du", "la", "le")

# Words a whole-unit phrase may carry after it ("Thanks for signing up to The Post"); labels stand alone.
_EXTRA_WORDS = {"paywall": 4, "comment form": 6}


_WORDS = re.compile(r"\w+")
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|tells|added|asked|sagte|dijo|a déclaré)\b")


_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def _normal(text: str) -> str:
    """Casefolded, one space between words, a hyphen inside a word as a space ("meist-diskutiert"), without
    the marks a label may open with ("*Werbung", "(Alle Angaben ohne Gewähr)", "¡Mira ...")."""
    text = text.lstrip("*\u2022\u00b7([\u00a1\u00bf \t")
    return " ".join(_INNER_HYPHEN.sub(" ", text.casefold().replace("\u2019", "'")).split())


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(_normal(p)) for p in phrases), key=len, reverse=True))
    return re.compile(rf"^(?:{alternatives})(?=$|[\s:.,!?\u2026>\u203a\u00bb|\-\u2013\u2014*)\]])")


_PATTERNS = {
    name: _compile(phrases)
    for name, phrases in (
        ("teaser label", TEASER_LABELS),
        ("paywall", PAYWALL_LINES),
        ("comment form", COMMENT_FORM_LINES),
        ("interruption", INTERRUPTION_LINES),
        ("link label", LINK_LABELS),
        ("disclaimer", DISCLAIMER_LINES),
    )
}


def whole_unit_label(text: str) -> str:
    """The kind of label this whole unit is ("paywall", "teaser label", ...), or "" for none."""
    normal = _normal(text)
    if len(normal) > 400:
        return ""
    for name, pattern in _PATTERNS.items():
        match = pattern.match(normal)
        if not match:
            continue
        rest = normal[match.end() :]
        if len(_WORDS.findall(rest)) <= _EXTRA_WORDS.get(name, 0) or _closes_label(rest):
            return name
        if name == "teaser label" and rest.rstrip().endswith(":") and len(_WORDS.findall(rest)) <= 6:
            return name  # "Weitere Informationen zum Coronavirus in Thüringen:" heads a list of links
        if _ATTRIBUTION.search(rest):
            continue  # "Thanks for signing up, the coach told the volunteers ..." is reported speech
        if name == "paywall" and len(_WORDS.findall(rest)) <= 40:
            return name  # "To view the full story, please subscribe to The Post. You can choose ..."
        if name in ("interruption", "disclaimer") and _separated(rest) and len(_WORDS.findall(rest)) <= 40:
            return name  # "Anzeige: ...", "Advertising disclosure: We may receive compensation ..."
    return ""


def _closes_label(rest: str) -> bool:
    """What follows the phrase only closes it: "(Alle Angaben ohne Gewähr)" leaves ")"."""
    return not _WORDS.search(rest)


def _separated(rest: str) -> bool:
    return rest.lstrip().startswith((":", ">", "|", "\u203a", "\u00bb", "-", "\u2014", ",", ".", "!"))


def is_teaser_label(text: str) -> bool:
    """A label alone on its line ("Also see:", "DON'T MISS") or heading a teaser ("Read also: Title")."""
    return whole_unit_label(text) == "teaser label"


def teaser_line(text: str) -> bool:
    """ "Lea también: <a story's title>", "Learn more: <title>": a teaser or link label, a colon and a short title."""
    normal = _normal(text)
    match = _PATTERNS["teaser label"].match(normal) or _PATTERNS["link label"].match(normal)
    if not match or len(normal) > 160:
        return False
    return normal[match.end() :].lstrip().startswith((":", ">", "|", "\u203a", "\u00bb", "-", "\u2014"))
