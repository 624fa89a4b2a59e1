"""Helpers for tests that use the publisher workspace as a person would (forms, CSRF)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

PASSWORD = "clave-segura-de-prueba"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# a minimal, real PDF (one empty page)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def add_user(app: Flask, email: str, publisher: str | None, role: str = "editor", **kw) -> None:
    from catalog.services.accounts import create_user

    with app.app_context():
        create_user(email=email, password=PASSWORD, publisher_slug=publisher, role=role, **kw)


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    page = client.get("/publicar/ingresar")
    return client.post(
        "/publicar/ingresar",
        data={"csrf_token": csrf_token(page.text), "email": email, "password": password},
    )


def good_practice_form(publisher: str = "secretaria-general") -> dict[str, Any]:
    """Every section of the district's good-practice form, as the web form posts it."""
    mipg = "https://catalogo.bogota.gov.co/def/mipg/gestion-conocimiento-innovacion"
    return {
        "title": "Laboratorio de simplificación de trámites",
        "type": "buena-practica",
        "publisher": publisher,
        "description": "Un **laboratorio** que rediseña trámites con la ciudadanía.",
        "keywords": "trámites\nsimplificación\ninnovación",
        "themes": [mipg],
        "license": "cc-by-4.0",
        "access_rights": "publica",
        "languages": ["spa"],
        "contact_name": "Oficina de Gestión del Conocimiento",
        "contact_email": "conocimiento@sg.gov.co",
        # 1. Información general
        "good_practice.form_date": "2025-03-01",
        "good_practice.unit_head": "Directora de Gestión del Conocimiento",
        "good_practice.process": "Fortalecimiento de la Gestión Pública",
        "good_practice.mipg_policy": mipg,
        "good_practice.team": "Equipo de innovación pública",
        "good_practice.start_date": "2024-02-01",
        "good_practice.collaborators.__count": "2",
        "good_practice.collaborators.0.name": "Laura Gómez",
        "good_practice.collaborators.0.link_type": "planta",
        "good_practice.collaborators.0.phone": "3001234567",
        "good_practice.collaborators.0.email": "lgomez@sg.gov.co",
        "good_practice.collaborators.0.show_publicly": "y",
        "good_practice.collaborators.1.name": "Pedro Ruiz",
        "good_practice.collaborators.1.link_type": "contratista",
        "good_practice.collaborators.1.phone": "3109876543",
        "good_practice.collaborators.1.email": "pruiz@sg.gov.co",
        # 2. Identificación
        "good_practice.is_adaptation": "y",
        "good_practice.adapted_from": "Departamento Nacional de Planeación",
        "good_practice.baseline": "Trámites con 12 pasos en promedio.",
        "good_practice.target_population": "Ciudadanía\nServidores públicos",
        "good_practice.objectives": "Reducir pasos\nMedir satisfacción",
        "good_practice.development_time": "Ocho meses",
        # 3. Contribución
        "good_practice.contribution": "Funciona porque involucra a quien usa el trámite.",
        "good_practice.results": "Trámites con 5 pasos\n30 % menos tiempo",
        "good_practice.benefits.__count": "1",
        "good_practice.benefits.0.benefit": "Menos desplazamientos",
        "good_practice.benefits.0.for_whom": "Ciudadanía",
        "good_practice.dissemination": "Taller distrital y boletín.",
        "good_practice.dissemination_media": "Video\nAfiches",
        "good_practice.other_aspects": "Se documentó en la intranet.",
        # 4. Sostenibilidad
        "good_practice.challenges": "Rotación de personal",
        "good_practice.stability_changes": "Procedimiento adoptado por resolución.",
        "good_practice.implementation_period": "2024-2025",
        "good_practice.continuity_means": "Presupuesto anual asignado.",
        "good_practice.elements_to_keep": "Las mesas con la ciudadanía.",
        # 5. Conclusiones
        "good_practice.conclusions": "Escuchar primero\nMedir siempre",
        # 6. Anexos (the file is added by the caller)
        "distributions.__count": "2",
        "distributions.0.title": "Documento de la práctica",
        "distributions.1.title": "Página del laboratorio",
        "distributions.1.access_url": "https://www.sg.gov.co/laboratorio",
    }


def form_values(html: str) -> dict[str, Any]:
    """The values a browser would submit from the resource form in `html` (no files)."""
    import html5lib

    doc = html5lib.parse(html, namespaceHTMLElements=False)
    form = next(f for f in doc.iter("form") if f.get("enctype") == "multipart/form-data")
    data: dict[str, Any] = {}

    def put(name: str, value: str) -> None:
        if name in data:
            current = data[name]
            data[name] = [*current, value] if isinstance(current, list) else [current, value]
        else:
            data[name] = value

    for element in form.iter():
        name = element.get("name")
        if not name or name == "accion":
            continue
        if element.tag == "input":
            kind = element.get("type", "text")
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    put(name, element.get("value", "on"))
            elif kind != "file":
                put(name, element.get("value", ""))
        elif element.tag == "textarea":
            put(name, element.text or "")
        elif element.tag == "select":
            chosen = [o for o in element.iter("option") if o.get("selected") is not None]
            if chosen:
                put(name, chosen[0].get("value", ""))
    return data


def diff_rows(html: str) -> dict[str, tuple[str, str]]:
    """The rows of a page's diff table: {field label: (before text, after text)}."""
    import html5lib

    doc = html5lib.parse(html, namespaceHTMLElements=False)
    table = next(t for t in doc.iter("table") if "diff" in (t.get("class") or ""))
    rows = {}
    for tr in table.find("tbody").iter("tr"):
        cells = list(tr)
        text = ["".join(c.itertext()).strip() for c in cells]
        rows[text[0]] = (text[1], text[2])
    return rows
