"""What a valid record is, shared by every way in: the JSON API, the workspace forms, the bulk
import, the demo loader and the services. Neutral: it imports models and plain helpers, never
an HTTP layer (import-linter keeps it so)."""
