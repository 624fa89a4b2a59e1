"""Hosted files: uploads checked by content, stored outside the web root, hashed and sized.

A file is written to a temporary name while its SHA-256 and size are computed, its type is
decided from its bytes (the name's extension must agree), and only then is it moved to its final
key. Keys are random (`ab/<32 hex>`), never derived from the uploaded name. Files are never
deleted by edits: history may point at them and "restore this version" brings them back.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as defused_parse
from flask import current_app

from ..errors import Invalid

CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    format: str  # notation in vocab/file-types.ttl
    media_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, FileKind] = {
    k.format: k
    for k in (
        FileKind("pdf", "application/pdf", ("pdf",)),
        FileKind("csv", "text/csv", ("csv",)),
        FileKind("tsv", "text/tab-separated-values", ("tsv",)),
        FileKind("txt", "text/plain", ("txt",)),
        FileKind("json", "application/json", ("json",)),
        FileKind("geojson", "application/geo+json", ("geojson",)),
        FileKind("xml", "application/xml", ("xml",)),
        FileKind(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
        ),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileKind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
        FileKind("odt", "application/vnd.oasis.opendocument.text", ("odt",)),
        FileKind("odp", "application/vnd.oasis.opendocument.presentation", ("odp",)),
        FileKind("xls", "application/vnd.ms-excel", ("xls",)),
        FileKind("doc", "application/msword", ("doc",)),
        FileKind("ppt", "application/vnd.ms-powerpoint", ("ppt",)),
        FileKind("zip", "application/zip", ("zip",)),
        FileKind("png", "image/png", ("png",)),
        FileKind("jpeg", "image/jpeg", ("jpg", "jpeg")),
    )
}
BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}
ACCEPTED = ", ".join(sorted(BY_EXTENSION))
_OLE = bytes.fromhex("d0cf11e0a1b11ae1")
_TEXT_FORMATS = {"csv", "tsv", "txt", "json", "geojson", "xml"}
_OOXML_PART = {"xlsx": "xl/", "docx": "word/", "pptx": "ppt/"}


@dataclass(frozen=True)
class StoredFile:
    file_key: str
    file_name: str
    checksum_sha256: str
    byte_size: int
    media_type: str
    format: str

    def as_distribution(self, title: str = "") -> dict:
        """The distribution fields for this hosted file (its title defaults to the file name)."""
        return {
            "title": title or self.file_name,
            "media_type": self.media_type,
            "format": self.format,
            "file_key": self.file_key,
            "file_name": self.file_name,
            "checksum_sha256": self.checksum_sha256,
            "byte_size": self.byte_size,
        }


def files_dir() -> Path:
    return Path(current_app.config["CATALOG_FILES_DIR"])


def safe_file_name(name: str) -> str:
    """The uploaded name reduced to a plain file name (no folders, controls or odd characters)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    kept = "".join(c if (c.isalnum() or c in "._- ") else "_" for c in name).strip(" .")
    stem, dot, ext = kept.rpartition(".")
    if not dot:
        stem, ext = kept, ""
    stem = "_".join(stem.split())[:150] or "archivo"
    return f"{stem}.{ext.lower()[:10]}" if ext else stem


def _text_like(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    sample = head[: len(head) - 4] if len(head) >= CHUNK else head  # may end mid-character
    for encoding in ("utf-8", "cp1252"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _zip_names(path: Path) -> list[str] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None


def _odf_mimetype(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError):
        return None


def content_matches(kind: FileKind, path: Path, head: bytes) -> bool:
    """Do the file's bytes really look like `kind`?"""
    if kind.format == "pdf":
        return head.startswith(b"%PDF-")
    if kind.format in ("png",):
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind.format == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if kind.format in ("xls", "doc", "ppt"):
        return head.startswith(_OLE)
    if kind.format in _OOXML_PART:
        names = (_zip_names(path) if head.startswith(b"PK\x03\x04") else None) or []
        return "[Content_Types].xml" in names and any(
            n.startswith(_OOXML_PART[kind.format]) for n in names
        )
    if kind.format in ("ods", "odt", "odp"):
        return head.startswith(b"PK\x03\x04") and _odf_mimetype(path) == kind.media_type
    if kind.format == "zip":
        return head.startswith(b"PK\x03\x04") and _zip_names(path) is not None
    if kind.format in _TEXT_FORMATS:
        if not _text_like(head):
            return False
        return _parses_as(kind.format, path, head) is None
    return False


def _encoding(path: Path) -> str | None:
    """The whole file decodes as UTF-8 (with or without BOM) or, failing that, Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _parses_as(fmt: str, path: Path, head: bytes) -> str | None:
    """Parse what we accept; None when the file really is `fmt`, else why not."""
    encoding = _encoding(path)
    if encoding is None:
        return "no es texto UTF-8 ni Windows-1252"
    if _looks_like_html(head):
        return "es una página HTML"
    if fmt in ("json", "geojson"):
        try:
            with path.open("rb") as handle:
                data = current_app.json.loads(handle.read())
        except ValueError:
            return "no es JSON válido"
        if fmt == "geojson" and not (isinstance(data, dict) and "type" in data):
            return "no es GeoJSON (falta «type»)"
        return None
    if fmt == "xml":
        try:
            root = defused_parse(str(path), forbid_dtd=True).getroot()
        except (DefusedXmlException, ElementTree.ParseError):
            return "no es XML bien formado sin DTD"
        if root.tag.rsplit("}", 1)[-1].lower() == "html":
            return "es una página HTML"
        return None
    if fmt in ("csv", "tsv"):
        delimiter = "\t" if fmt == "tsv" else None
        try:
            with path.open(encoding=encoding, newline="") as handle:
                sample = handle.read(64 * 1024)
                handle.seek(0)
                if delimiter is None:
                    try:
                        delimiter = csv.Sniffer().sniff(sample, delimiters=",;|\t").delimiter
                    except csv.Error:
                        delimiter = ","
                for _ in csv.reader(handle, delimiter=delimiter, strict=True):
                    pass
        except csv.Error:
            return "no es un CSV bien formado"
        return None
    return None


def store_upload(stream: IO[bytes], filename: str, field: str = "archivo") -> StoredFile:
    """Save an uploaded file after checking its size and type; raise Invalid (422) otherwise."""
    name = safe_file_name(filename or "")
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    kind = BY_EXTENSION.get(ext)
    if kind is None:
        raise Invalid({field: [f"Tipo de archivo no admitido. Se aceptan: {ACCEPTED}."]})
    limit = int(current_app.config["CATALOG_MAX_UPLOAD_BYTES"])
    root = files_dir()
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".upload-{secrets.token_hex(8)}"
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with open(tmp, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise Invalid({field: [f"El archivo supera el tamaño máximo de {_mb(limit)}."]})
                if len(head) < CHUNK:
                    head += chunk[: CHUNK - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Invalid({field: ["El archivo está vacío."]})
        if not content_matches(kind, tmp, head):
            why = _parses_as(kind.format, tmp, head) if kind.format in _TEXT_FORMATS else None
            raise Invalid(
                {
                    field: [
                        f"El contenido del archivo no corresponde a un {kind.format.upper()} "
                        f"(la extensión .{ext} no coincide con lo que contiene"
                        + (f": {why}" if why else "")
                        + ")."
                    ]
                }
            )
        key = f"{secrets.token_hex(1)}/{secrets.token_hex(16)}"
        final = root / key
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return StoredFile(key, name, digest.hexdigest(), size, kind.media_type, kind.format)


def discard(stored: StoredFile) -> None:
    """Remove a file stored for a change that was then refused (nothing else points at it)."""
    (files_dir() / stored.file_key).unlink(missing_ok=True)


def _mb(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.0f} MB"
    return f"{limit / 1024:.0f} KB"
