"""The open read API (JSON under /api/v1/) and the personal access tokens it and
the OPDS catalogue accept."""
