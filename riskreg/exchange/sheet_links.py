"""Which part holds each sheet of an .xlsx, found as calamine finds it.

A sheet is measured before calamine reads it only if the guard measures the part calamine
will read, so the three small XML parts that lead from the package to a sheet are read
here the way calamine (quick-xml, no namespace processing) reads them: elements by their
local name in any namespace, attributes by their raw names in document order — a sheet's
link is the *last* attribute named ``id`` or ``…:id`` (even ``xmlns:id``), a link's target
is taken without unescaping, and the package's ``_rels/.rels`` decides which folder's
``workbook.xml`` is read. Whatever calamine would resolve another way than a plain reading
suggests — a workbook outside ``xl/``, two sheets or links of one name, escapes or spaces
in a target, a document type declaration — is refused, so there is no second reading.
"""

from __future__ import annotations

import posixpath
import zipfile
from xml.parsers import expat

OFFICE_DOCUMENT = "/relationships/officeDocument"

Attributes = list[tuple[str, str]]


class LinkDoubt(ValueError):
    """The parts leave room for doubt about which part calamine reads; the message says why."""


def raw_elements(xml: bytes, local: str) -> list[Attributes]:
    """Each element whose local name (after the first ``:``, as quick-xml takes it) is
    ``local``, anywhere in the document: its attributes as written, in order, namespace
    declarations included. A document type declaration is refused (quick-xml skips one by
    counting brackets, expat by the grammar: the two could disagree on where it ends)."""
    parser = expat.ParserCreate()  # no namespace processing: names as written
    parser.ordered_attributes = True
    found: list[Attributes] = []

    def start(name: str, attributes: list[str]) -> None:
        if name.split(":", 1)[-1] == local:
            found.append(list(zip(attributes[::2], attributes[1::2], strict=True)))

    def doctype(*_: object) -> None:
        raise LinkDoubt("it declares a document type")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.Parse(xml, True)
    return found


def _attribute(attributes: Attributes, key: str) -> str | None:
    """The value of the attribute named exactly ``key`` (calamine matches raw names)."""
    return next((value for name, value in attributes if name == key), None)


def sheet_id(attributes: Attributes) -> str:
    """The link a ``<sheet>`` names: the last attribute ``id`` or ``<anything>:id``."""
    ids = [value for name, value in attributes if name == "id" or name.endswith(":id")]
    return ids[-1] if ids else ""


def check_document_folder(package_rels: bytes) -> None:
    """Refuse a package whose main document calamine would look for outside ``xl/``
    (calamine reads ``workbook.xml``, its links and its sheets from the folder the
    ``officeDocument`` relationship names; the guard reads them from ``xl/``)."""
    for rel in raw_elements(package_rels, "Relationship"):
        kind, target = _attribute(rel, "Type"), _attribute(rel, "Target")
        if kind is None or not kind.endswith(OFFICE_DOCUMENT) or target is None:
            continue
        folder = target[: target.rfind("/") + 1]
        folder = folder[1:] if folder.startswith("/") else folder
        if folder.lower() != "xl/":
            raise LinkDoubt(f"its main document is {target!r}, not xl/workbook.xml")


def link_targets(workbook_rels: bytes) -> dict[str, str]:
    """Each link's id → its target, as calamine takes them (the raw text of ``Target``)."""
    if b"&" in workbook_rels:  # calamine does not unescape a target; expat does
        raise LinkDoubt("its list of links spells a name with an escape (&…;)")
    targets: dict[str, str] = {}
    for rel in raw_elements(workbook_rels, "Relationship"):
        link = _attribute(rel, "Id")
        if link is None:
            continue  # calamine skips a link without an id
        if link in targets:
            raise LinkDoubt(f"two of its links are named {link}")
        target = _attribute(rel, "Target") or ""
        if any(space in target for space in " \t\r\n"):  # expat turns tabs into spaces
            raise LinkDoubt(f"the link {link} names a part with a space: {target!r}")
        targets[link] = target
    return targets


def sheet_targets(workbook: bytes, targets: dict[str, str]) -> dict[str, str]:
    """Each sheet's name → the part calamine opens for it (before its name is folded to a
    part of the zip): ``xl/`` and the target, or the target from the root."""
    parts: dict[str, str] = {}
    for sheet in raw_elements(workbook, "sheet"):
        name = _attribute(sheet, "name") or ""
        if name in parts:
            raise LinkDoubt(f"two of its sheets are named “{name}”")
        target = targets.get(sheet_id(sheet), "")
        if not target:
            parts[name] = ""
            continue
        found = target[1:] if target.startswith("/") else "xl/" + target
        if posixpath.normpath(found) != found:
            raise LinkDoubt(f"sheet “{name}” is found by the unusual path {target!r}")
        parts[name] = found
    return {name: part for name, part in parts.items() if part}


def read_links(archive: zipfile.ZipFile, members: dict[str, str]) -> dict[str, str]:
    """Each sheet's name → the part calamine opens for it; ``members``: the zip's parts by
    folded name. Raises ``LinkDoubt``, ``expat.ExpatError`` or ``KeyError``."""
    package = members.get("_rels/.rels")
    if package is not None:  # without it calamine cannot open the workbook at all
        check_document_folder(archive.read(package))
    rels = archive.read(members["xl/_rels/workbook.xml.rels"])
    return sheet_targets(archive.read(members["xl/workbook.xml"]), link_targets(rels))
