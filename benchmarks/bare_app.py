"""The reference for benchmarks/pages.py: a bare Flask app rendering a 20-item Jinja page, the
ceiling for any Flask HTML page on this machine (`gunicorn benchmarks.bare_app:app`)."""

from __future__ import annotations

from flask import Flask, render_template_string

app = Flask(__name__)

PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><header><a href="/">Catálogo</a></header><main><h1>{{ title }}</h1>
<ol>{% for item in items %}
<li><h2><a href="/recurso/{{ item.slug }}">{{ item.title }}</a></h2>
<p>{{ item.description }}</p><p>{{ item.publisher }} · {{ item.date }}</p></li>
{% endfor %}</ol></main></body></html>"""

ITEMS = [
    {
        "slug": f"recurso-{n}",
        "title": f"Guía de gestión documental número {n}",
        "description": "Cómo organizar, conservar y consultar los documentos de la entidad. " * 2,
        "publisher": "Secretaría General de la Alcaldía Mayor de Bogotá D.C.",
        "date": "8 de diciembre de 2026",
    }
    for n in range(20)
]


@app.get("/")
def page():
    return render_template_string(PAGE, title="Recursos recientes", items=ITEMS)
