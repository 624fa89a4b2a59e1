"""WSGI entry point: `gunicorn wsgi:app`."""

import gc

from catalog import create_app

app = create_app()
# What create_app builds (vocabularies as rdflib graphs, the mapping's tables) lives as long as
# the process: freeze it out of the cyclic collector, whose full collections would otherwise
# rescan those objects during requests (measured: a 100 ms pause in large searches).
gc.freeze()
