"""Survey returns: prefilled view, drafts with ETag/If-Match, validated idempotent submission."""
