"""A PDF's document information: title, author and subject, as a viewer's properties show
them and a search indexes them.

Qt's PDF writer sets the title and author but has no subject: the subject is added by an
incremental update (a new information dictionary appended after the file, the standard way
to amend a PDF without rewriting it), and the same three go into the XMP metadata that Qt
embeds, so viewers that read either agree.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape


def xmp_metadata(title: str, author: str, subject: str) -> bytes:
    """An XMP packet naming the document (Dublin Core title, creator, description)."""

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<dc:title>{alt(title)}</dc:title>"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>"
        f"<dc:description>{alt(subject)}</dc:description>"
        f"<pdf:Subject>{escape(subject)}</pdf:Subject>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def _text_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, written in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def add_subject(path: Path, subject: str) -> None:
    """Give the PDF's information dictionary a /Subject by appending an update to it.

    Reads the file's last trailer (Qt writes a classic cross-reference table), copies the
    information dictionary with the subject added, and appends it with its own table and
    trailer pointing back at the previous one."""
    data = path.read_bytes()
    start_at = data.rfind(b"startxref")
    trailer_at = data.rfind(b"trailer", 0, start_at)
    if start_at < 0 or trailer_at < 0:
        raise ValueError(f"{path} has no classic PDF trailer to amend")
    trailer = data[trailer_at:start_at]
    previous = int(data[start_at + len(b"startxref") :].split()[0])
    size = _number(rb"/Size\s+(\d+)", trailer)
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer)
    info = re.search(rb"/Info\s+(\d+)\s+(\d+)\s+R", trailer)
    if root is None:
        raise ValueError(f"{path} has no document catalogue in its trailer")
    ident = re.search(rb"/ID\s*(\[[^\]]*\])", trailer)
    entries = b""
    if info is not None:
        number = int(info.group(1))
        found = re.search(rb"(?:^|[\r\n])%d\s+0\s+obj\s*<<(.*?)>>\s*endobj" % number, data, re.S)
        if found is not None:
            entries = re.sub(rb"/Subject\s*(\([^)]*\)|<[^>]*>)", b"", found.group(1))
    else:
        number = size
        size += 1
    body = b"<<" + entries.rstrip() + b"\n/Subject " + _text_string(subject) + b"\n>>"
    tail = b"" if data.endswith(b"\n") else b"\n"
    offset = len(data) + len(tail)
    obj = b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = offset + len(obj)
    xref = b"xref\n%d 1\n%010d 00000 n \n" % (number, offset)
    new_trailer = (
        b"trailer\n<< /Size %d /Root " % size + root.group(1) + b" /Info %d 0 R" % number
        + (b" /ID " + ident.group(1) if ident else b"") + b" /Prev %d >>\n" % previous
        + b"startxref\n%d\n%%%%EOF\n" % xref_at
    )  # fmt: skip
    with path.open("ab") as out:
        out.write(tail + obj + xref + new_trailer)


def _number(pattern: bytes, text: bytes) -> int:
    found = re.search(pattern, text)
    if found is None:
        raise ValueError("the PDF trailer has no size")
    return int(found.group(1))
