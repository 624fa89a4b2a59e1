"""Full-text search over the catalog: one service, SQLite FTS5 or PostgreSQL (Spanish)."""
