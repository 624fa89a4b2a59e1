"""Federation: harvesting what other portals publish (CKAN, DCAT, data.json) into the catalog.

`readers` turns each kind of source into records of our API's shape (DCAT through the same
declared profile we publish with); `sync` writes them through the same services as any edit,
keeps them in step with the source (deletions after a grace period included) and reports.
"""
