"""RDF: namespaces, the one DCAT mapping, serialisation formats and content negotiation."""
