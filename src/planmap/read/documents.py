"""The first stage: a file becomes clean, normalised, simplified text plus basic metadata.

``read_document`` reads .txt/.docx/.html/.pdf, normalises characters (textnorm), strips web
furniture and repeated bodies (cleanup), joins broken lines, converts to simplified script
with unchanged length, and reads title/issuer/date/number (metadata). Every failure is a
``DocumentError`` naming the file and what to do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planmap.errors import DocumentError
from planmap.read import cleanup, textnorm
from planmap.read.decoding import decode_bytes
from planmap.read.metadata import DocumentMetadata, find_title, read_metadata

FORMATS = {".txt": "txt", ".docx": "docx", ".html": "html", ".htm": "html", ".pdf": "pdf"}
_SUPPORTED = ".txt, .docx, .html/.htm, .pdf"
_LETTER = re.compile(r"[^\W\d_]")
HAN = re.compile(r"[\u4e00-\u9fff]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_ROW_END = "\x1e"  # marks where a table row ends until the text is out
_HTML_DROP = (
    "script, style, noscript, template, iframe, svg, nav, header, footer, aside, "
    "form, button, select, head"
)
_HTML_BLOCKS = (
    "p, div, section, article, main, h1, h2, h3, h4, h5, h6, li, ul, ol, dl, dt, dd, "
    "table, thead, tbody, blockquote, pre, hr, center, title, address, figure, figcaption"
)


@dataclass
class Document:
    """A read document: display text, simplified text of the same length, metadata."""

    path: str
    id: str
    format: str  # "txt" | "docx" | "html" | "pdf"
    encoding: str | None  # detected, for txt/html
    original_text: str  # cleaned + normalised, script as in the file
    text: str  # the same in simplified script; len(text) == len(original_text)
    warnings: list[str] = field(default_factory=list)
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)

    @property
    def title(self) -> str:
        return self.metadata.title

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "id": self.id, "format": self.format, "encoding": self.encoding,
            "metadata": self.metadata.to_dict(), "warnings": list(self.warnings),
            "chars": len(self.text),
        }


def read_document(path: str | Path) -> Document:
    """Read one plan document; raise DocumentError when it cannot be read as text."""
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        hint = f"supported formats: {_SUPPORTED}"
        if p.suffix.lower() in (".doc", ".wps", ".rtf"):
            hint += "; save it as .docx"
        raise DocumentError(p, f"unsupported format {p.suffix or '(no extension)'!r}", hint)
    if not p.is_file():
        raise DocumentError(p, "file not found", "check the path; folders are read with planmap build FOLDER")
    warnings: list[str] = []
    encoding: str | None = None
    title_hint = ""
    if fmt == "txt":
        raw, encoding = _read_txt(p)
    elif fmt == "html":
        raw, encoding, title_hint = _read_html(p)
    elif fmt == "docx":
        raw, title_hint = _read_docx(p)
    else:
        raw, title_hint = _read_pdf(p, warnings)
    return build_document(p, fmt, raw, encoding, warnings, title_hint)


def build_document(
    path: str | Path, fmt: str, raw: str, encoding: str | None = None, warnings: list[str] | None = None,
    title_hint: str = "",
) -> Document:
    """Normalise, clean and annotate already-extracted text (also used by tests).

    ``title_hint`` is the title the file marks as such (a .docx Title/Heading 1 paragraph, an
    HTML <h1> or <title>, a PDF's Title property); it wins over a title read from the text.
    """
    p = Path(path)
    warnings = list(warnings or [])
    if not raw.strip():
        raise DocumentError(p, "no text", "the file is empty")
    lines = textnorm.normalize_chars(raw).split("\n")
    chrome = cleanup.strip_chrome(lines)
    repeats = cleanup.drop_repeats(chrome.lines)
    lines = textnorm.join_lines(repeats.lines)
    original = "\n".join(lines)
    if not _LETTER.search(original):
        raise DocumentError(p, "no text", "nothing but punctuation, digits or web furniture after cleaning")
    summary = cleanup.summarise(chrome.removed, chrome.cut)
    if summary:
        warnings.append(summary)
    warnings.extend(repeats.warnings)
    if cleanup.is_truncated(lines):
        warnings.append("text truncated mid-sentence")
    text = textnorm.to_simplified(original)
    assert len(text) == len(original)
    metadata, meta_warnings = read_metadata(text)
    hint = re.sub(r"\s+", "", textnorm.to_simplified(textnorm.normalize_chars(title_hint))) if title_hint else ""
    if 3 < len(hint) <= 80:
        metadata.title = find_title([hint]) or hint  # a styled 关于印发《X》的通知 names X
        meta_warnings = [w for w in meta_warnings if w != "no title found"]
    warnings.extend(meta_warnings)
    return Document(str(p), p.stem, fmt, encoding, original, text, warnings, metadata)


def _read_txt(path: Path) -> tuple[str, str]:
    return decode_bytes(_read_bytes(path), path)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise DocumentError(path, f"cannot read file: {err.strerror}") from None


def _read_html(path: Path) -> tuple[str, str, str]:
    """Visible body text (block elements and table cells end lines, table rows end blocks) and
    the page's title: its first <h1>, else its <title> without a site name after a separator.
    """
    from selectolax.lexbor import LexborHTMLParser

    data = _read_bytes(path)
    if not data.strip():
        raise DocumentError(path, "no text", "the file is empty")
    m = _META_CHARSET.search(data[:8192])
    html, encoding = decode_bytes(data, path, m.group(1).decode("ascii") if m else None)
    html = re.sub(r"\s+", " ", html).replace(_ROW_END, "")  # source layout is not text layout
    tree = LexborHTMLParser(html)
    title = _html_title(tree)
    for node in tree.css(_HTML_DROP):
        node.decompose()
    for node in tree.css("br"):
        node.insert_after("\n")
    for node in tree.css(_HTML_BLOCKS):
        node.insert_before("\n")
        node.insert_after("\n")
    for node in tree.css("td, th"):
        node.insert_after("\n")
    for node in tree.css("table, tr"):
        node.insert_before(_ROW_END)
        node.insert_after(_ROW_END)
    root = tree.body or tree.root
    text = root.text(separator="", strip=False) if root else ""
    text = re.sub(r" *\n[\n ]*", "\n", text)  # adjacent blocks give one break, not a blank line
    return text.replace(_ROW_END, "\n\n"), encoding, title


def _html_title(tree: Any) -> str:
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        text = node.text(strip=True) if node is not None else ""
        if selector == "title":
            text = re.split(r"\s+[-|_–—]\s+|[|_]", text)[0] if text else ""
        if text.strip():
            return text.strip()
    return ""


def _read_docx(path: Path) -> tuple[str, str]:
    """Paragraphs and tables in body order (a table gives one line per cell, rows apart), and
    the first paragraph styled Title or Heading 1.
    """
    if _read_bytes(path)[:4] != b"PK\x03\x04":
        raise DocumentError(path, "corrupt or unreadable .docx (not a ZIP package)", "re-save it as .docx in Word/WPS")
    try:
        import docx

        doc = docx.Document(str(path))
        lines: list[str] = []
        _docx_blocks(doc.element.body, doc, lines)
        title = next((p.text.strip() for p in doc.paragraphs
                      if p.style is not None and p.style.name in ("Title", "Heading 1", "标题", "标题 1")
                      and p.text.strip()), "")
    except DocumentError:
        raise
    except Exception as err:  # python-docx/lxml/zipfile raise many kinds
        raise DocumentError(
            path, f"corrupt or unreadable .docx ({type(err).__name__}: {err})", "re-save it as .docx in Word/WPS"
        ) from None
    return "\n".join(lines), title


def _docx_blocks(parent: Any, doc: Any, lines: list[str]) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for el in parent.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(el, doc).text)
        elif tag == "tbl":
            lines.append("")
            for row in Table(el, doc).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats across the row
                        continue
                    seen.add(id(cell._tc))
                    _docx_blocks(cell._tc, doc, lines)
                lines.append("")
        elif tag == "sdt":  # content controls wrap ordinary paragraphs
            content = el.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sdtContent")
            if content is not None:
                _docx_blocks(content, doc, lines)


def _read_pdf(path: Path, warnings: list[str]) -> tuple[str, str]:
    """Text layer page by page, and the Title property; a PDF without a text layer needs OCR."""
    from pypdf import PdfReader

    head = _read_bytes(path)[:1024]
    if b"%PDF" not in head:
        raise DocumentError(path, "corrupt or unreadable PDF (no %PDF header)")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(path, "encrypted PDF", "remove the password first")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = str(reader.metadata.get("/Title") or "") if reader.metadata else ""
    except DocumentError:
        raise
    except Exception as err:
        raise DocumentError(path, f"corrupt or unreadable PDF ({type(err).__name__}: {err})") from None
    empty = sum(1 for text in pages if not text.strip())
    if not pages or empty == len(pages):
        raise DocumentError(path, "no text layer (scanned PDF?)", "run OCR first")
    if empty:
        warnings.append(f"{empty} of {len(pages)} PDF pages have no text layer")
    # a Title property that is a file name or a tool's default says nothing
    if re.search(r"\.(docx?|pdf|wps)$|^(untitled|microsoft word)", meta_title, re.I) or not HAN.search(meta_title):
        meta_title = ""
    return "\n".join(_unwrap(page) for page in pages), meta_title


def _unwrap(page: str) -> str:
    """Join the lines a PDF wrapped at the page edge: a line as long as the page's full lines,
    not ending a sentence, goes on into the next (黄龙山公 / 园 is one name).
    """
    lines = page.split("\n")
    widths = sorted(len(ln.strip()) for ln in lines if ln.strip())
    if len(widths) < 3:
        return page
    full = widths[int(len(widths) * 0.9)]
    out: list[str] = []
    joining = False
    for ln in lines:
        if joining and out and not textnorm.is_heading(ln.strip()):
            out[-1] += ln.strip()
        else:
            out.append(ln)
        tail = out[-1].strip()
        joining = len(ln.strip()) >= max(8, full - 2) and bool(tail) and tail[-1] not in "。！？!?；;：:"
    return "\n".join(out)
