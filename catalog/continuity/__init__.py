"""Continuity: the whole catalog out as a self-verifying BagIt archive, and back in."""
