"""Cleaning scraped article text: find the headline, drop the lines a reader would call junk.

`clean_article` is a pure function of one article, so it can run anywhere (a worker, a batch).
"""

from __future__ import annotations

import re

from newsbrief.model import Article, Document, RemovedLine
from newsbrief.sentences import sentence_spans, split_sentences
from newsbrief.text import content_terms, normal_form, words

_END_PUNCT = (".", "!", "?", '"', "'", "”", "’", ":", ";", ")")
_BULLET = "•·*▪►■-–—"

_PROMO_RE = re.compile(
    r"^(more news|related( stories| articles| coverage| news)?|read more|read next|see also|also read|"
    r"trending( news| now)?|recommended( for you)?|most popular|most read|popular now|don't miss|"
    r"editor'?s picks?|watch|listen|video|photos?|image|gallery|sponsored( content)?|advertisement|"
    r"story highlights|top stories|next story|previous story|up next)\b\s*[:|»>\-–—]",
    re.IGNORECASE,
)
_PROMO_WORDS = 40
"""A "More news: ..." or "Photos: ..." line is a headline or two; a longer line that opens so is text."""
_BOILERPLATE_RE = re.compile(
    r"\b(cookies?|subscribe|subscription|sign up|sign in|log in|newsletter|share (this|on)|"
    r"follow us|click here|all rights reserved|copyright|terms of (use|service)|privacy policy|"
    r"enable javascript|your browser|ad blocker|advertisement|comments? (are|is) closed|"
    r"leave a comment|print this|email this|tweet with a location|add a location)\b",
    re.IGNORECASE,
)
_STANDALONE_JUNK = {
    "advertisement",
    "latest news",
    "share",
    "share this",
    "comments",
    "related",
    "more",
    "menu",
    "home",
    "print",
    "email",
    "tweet",
    "facebook",
    "twitter",
    "whatsapp",
    "reddit",
    "linkedin",
    "close",
    "skip",
    "next",
    "previous",
    "read more",
    "loading",
    "story continues below",
}
_AGENCY_TAG_RE = re.compile(r"^[\s|•·\-–—]*\((?:[A-Z][\w.&' -]{1,30})\)[\s|•·\-–—]*$")
_PUNCT_ONLY_RE = re.compile(r"^[\W_]+$")
_BYLINE_RE = re.compile(
    rf"^(?:[{re.escape(_BULLET)}]\s*|by\s+|written by\s+|reporting by\s+|posted by\s+)"
    r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*"
    r"(?:\s*[,|/-]\s*[\w .'-]{0,40})?$",
    re.IGNORECASE,
)
_DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]+){0,3}\s*)?(?:\((?:AP|Reuters|AFP|Yonhap|CNN|UPI|Xinhua|dpa|"
    r"Bloomberg|ANSA|EFE|IANS|PTI|ANI|Kyodo|TASS)\)\s*)?(?:--|—|–|-)\s+(?=\S)"
)
_MENU_SPLIT_RE = re.compile(r"\s+[|•·»/]\s+")
_STAMP_RE = re.compile(
    r"\b(?:\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}|\d{1,2} (?:jan|feb|mar|apr|may"
    r"|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]* \d{4}|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[a-z]{2,4}\b)?)",
    re.IGNORECASE,
)
_CRAWL_DATE_RE = re.compile(r"^date\s+\d{4}-\d{2}-\d{2}\b", re.IGNORECASE)
_NAV_WORDS_RE = re.compile(r"\b(menu|navigation|skip to|main content|site map|sitemap)\b", re.IGNORECASE)
_STAMP_WORDS = {"date", "dated", "updated", "published", "posted", "last", "modified", "on", "at", "|", "-", ":"}
_TRAILING_TAG_RE = re.compile(r"(?<=[.!?\"”])\s+\((?:AP|Reuters|AFP|Yonhap|UPI|Xinhua|dpa|EFE|Kyodo)\)$")
_PHOTO_AGENCY = (
    r"(?:AP|AFP|Reuters|EPA|Getty(?: Images)?|Associated Press|Bloomberg|Shutterstock|iStock(?:photo)?|Alamy|"
    r"Rex Features|PA|Xinhua|Anadolu)"
)
_CREDIT_RE = re.compile(  # who took a picture: the mark of a caption, wherever the site puts it
    r"\((?:AP |Reuters |AFP |EPA )?(?:Photo|Photograph|Image|Picture)s?(?: by|:|/)[^()]{0,80}\)"
    r"|\([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)+ ?/ ?[A-Z][\w.&'’ -]{1,50}\)"
    rf"|\([A-Z][\w.'’ -]{{0,40}}/ ?{_PHOTO_AGENCY}\)"
    r"|\b(?:Photo|Photograph|Photographer|Image|Picture|Credit)s?(?: by)?:\s*[A-Z]"
    r"|\bPhoto(?:graph)?s? (?:by|courtesy(?: of)?) [A-Z]"
    r"|\bImage copyright\b|\b(?:Image|Media|toggle) caption\b|\bGetty Images\b|\bBuy Photo\b|\(Associated Press\)$"
    r"|\b(?:AP|AFP|EPA|Reuters) Photo\b"
    rf"|[A-Za-z.] ?/ ?{_PHOTO_AGENCY}\b(?! ?[a-z])|\bvia {_PHOTO_AGENCY}\b(?! ?[a-z])"
)
_PICTURE = r"(?:photo|image|picture|photograph|frame grab|handout)s?\b"
_PHOTO_DATE = (
    r"(?:(?:[A-Z][a-z]*\.?|\d{1,4}|file|undated|handout|aerial|recent|family|provided|released|evidence)[ ,]+){0,6}"
)
_CAPTION_RE = re.compile(  # how a caption talks about the picture it sits under
    rf"^(?:FILE\b\s*[-–—:]|(?:In t|T)his {_PHOTO_DATE}{_PICTURE}|(?:Photo|Image|Picture|Photograph)s? "
    rf"(?:taken|showing|courtesy)\b)|\bin this {_PHOTO_DATE}{_PICTURE}"
    r"|\b[Ff]ile (?:photo|image|picture)\b|\bFILE PHOTO\b"
)
_URL_RE = re.compile(r"https?://|\bwww\.\w", re.IGNORECASE)
_LINK_WORDS = 15  # a short line with a web address is a link to follow, not news
_CAPTION_WORDS = 80  # a longer line with a credit is a paragraph with a caption inside: only its sentences go


def _is_title_case(line: str) -> bool:
    tokens = [w for w in line.split() if w[0].isalpha()]
    if not tokens:
        return False
    capitalised = sum(1 for w in tokens if w[0].isupper())
    return capitalised / len(tokens) >= 0.6


def looks_like_headline(line: str) -> bool:
    """A short line without closing punctuation, or a Title Case line: what a headline looks like."""
    n = len(line.split())
    if n < 3 or n > 25:
        return False
    if line.endswith("?") and _is_title_case(line):
        return True
    return not line.endswith(_END_PUNCT) or (_is_title_case(line) and not line.endswith("."))


def junk_reason(line: str) -> str | None:
    """Why a line is junk, or None if a reader would keep it."""
    bare = line.strip()
    low = bare.lower().rstrip(":.!")
    n = len(bare.split())
    if _PUNCT_ONLY_RE.match(bare):
        return "punctuation only"
    if _AGENCY_TAG_RE.match(bare):
        return "agency tag"
    if low in _STANDALONE_JUNK:
        return "navigation or promo label"
    if n <= _PROMO_WORDS and _PROMO_RE.match(bare):
        return "link to another story"
    if n <= 6 and _BYLINE_RE.match(bare) and not bare.endswith("."):
        return "byline"
    if n <= 14 and "|" in bare and _BYLINE_RE.match(bare.split("|")[0].strip()):
        return "byline"
    if _is_menu(bare) or (n <= 5 and _NAV_WORDS_RE.search(bare)):
        return "navigation menu"
    if (n <= 8 and _CRAWL_DATE_RE.match(bare)) or (n <= 14 and _is_date_stamp(bare)):
        return "date stamp"
    if n <= _LINK_WORDS and _URL_RE.search(bare):
        return "link"
    if n <= _CAPTION_WORDS and is_caption(bare):
        return "photo caption or credit"
    if n <= 25 and _BOILERPLATE_RE.search(bare):
        return "site boilerplate (share, subscribe, cookies)"
    if n <= 2 and not bare.endswith(_END_PUNCT):
        return "fragment"
    return None


def is_caption(text: str) -> bool:
    """A photo caption or credit: a photographer's credit ("(AP Photo/Jane Doe)", "Photo: Getty Images",
    "Jane Doe/The Times"), or the caption's own words ("FILE - In this May 3, 2015 photo, ...")."""
    return bool(_CREDIT_RE.search(text) or _CAPTION_RE.search(text))


def _is_menu(line: str) -> bool:
    """A run of three or more short links separated by bars or bullets ("Home | News | Politics")."""
    items = _MENU_SPLIT_RE.split(line)
    return len(items) >= 3 and all(len(item.split()) <= 4 and not item.endswith(".") for item in items)


def _is_date_stamp(line: str) -> bool:
    """A crawl or page header line that is a date or time and little else ("date 2019-03-13",
    "1-29-18 1:23 PM EST | Email Article", "Wirecentral | May 10, 2019, 4:52 PM")."""
    if not _STAMP_RE.search(line):
        return False
    rest = [w for w in _STAMP_RE.sub(" ", line).replace(",", " ").split() if w.lower() not in _STAMP_WORDS]
    return len(rest) <= 3 and not line.endswith(".")


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return [" ".join(line.split()) for line in text.split("\n")]


def _split_leading_headlines(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split leading headline-looking lines off the body (a .txt file's title block)."""
    heads: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            continue
        if junk_reason(line) is None and looks_like_headline(line):
            heads.append(line)
            continue
        if junk_reason(line) is not None and not heads:
            continue
        return heads, lines[i:] if heads else lines
    return heads, []


def clean_lines(
    text: str, *, title: str | None = None, find_title: bool = True
) -> tuple[str, str | None, list[RemovedLine]]:
    """Clean raw article text; return (cleaned text, title, removed lines).

    The cleaned text has one paragraph per line-block, separated by blank lines.
    """
    lines = _lines(text)
    removed: list[RemovedLine] = []
    if find_title:
        heads, lines = _split_leading_headlines(lines)
        if heads:
            title = title or heads[0]
            removed.extend(RemovedLine(h, "headline") for h in heads)
    seen = {normal_form(title)} if title else set()
    kept: list[str] = []
    for line in lines:
        if not line:
            continue
        reason = junk_reason(line)
        key = normal_form(line)
        if reason is None and key in seen:
            reason = "repeated headline" if title and key == normal_form(title) else "repeated line"
        if reason is not None:
            removed.append(RemovedLine(line, reason))
            continue
        seen.add(key)
        kept.append(_strip_captions(_strip_tags(line, removed), removed))
    return "\n\n".join(k for k in kept if k), title, removed


def _strip_tags(line: str, removed: list[RemovedLine]) -> str:
    """Drop a leading dateline ("WASHINGTON (AP) --") and a trailing agency tag ("(Yonhap)")."""
    for pattern, reason in ((_DATELINE_RE, "dateline"), (_TRAILING_TAG_RE, "agency tag")):
        match = pattern.search(line)
        if match and match.group(0).strip() and len(line) - len(match.group(0)) > 20:
            removed.append(RemovedLine(match.group(0).strip(), reason))
            line = (line[: match.start()] + line[match.end() :]).strip()
    return line


def _strip_captions(line: str, removed: list[RemovedLine]) -> str:
    """Cut the captions out of a long paragraph that has them run into it: each credit with the sentence
    it closes (or, when the credit opens a sentence, the one before it), and caption-worded sentences."""
    if not is_caption(line):
        return line
    spans = sentence_spans(line)
    cuts = [(start, end) for start, end in spans if _CAPTION_RE.search(line[start:end])]
    for credit in _CREDIT_RE.finditer(line):
        k = next((k for k, (start, end) in enumerate(spans) if start <= credit.start() < end), 0)
        opens = k > 0 and not line[spans[k][0] : credit.start()].strip()
        cuts.append((spans[k - 1 if opens else k][0], credit.end()))
    kept, at = [], 0
    for start, end in sorted(cuts):
        if start >= at:
            kept.append(line[at:start])
        elif end <= at:
            continue
        removed.append(RemovedLine(line[max(start, at) : end].strip(), "photo caption or credit"))
        at = end
    return " ".join(" ".join(kept + [line[at:]]).split())


def clean_text(article: Article) -> tuple[str, str, list[RemovedLine]]:
    """The cleaned text, title and removed lines of one article (no sentences, no date)."""
    is_plain = article.path is None or not article.path.lower().endswith((".html", ".htm"))
    text, title, removed = clean_lines(article.text, title=article.title, find_title=is_plain or not article.title)
    return text, title or "", removed


def clean_article(article: Article, doc: int = 0) -> Document:
    """Turn one raw article into a cleaned `Document` with its sentences (pure, per article)."""
    from newsbrief.timeline.dates import document_date

    text, title, removed = clean_text(article)
    sentences = tuple(s for s in split_sentences(text, doc=doc) if len(words(s.text)) > 0)
    return Document(
        id=article.id or article.fingerprint(),
        article=article,
        title=title,
        text=text,
        sentences=sentences,
        removed=tuple(removed),
        date=document_date(article, text),
        terms=tuple(tuple(content_terms(s.text)) for s in sentences),
    )
