"""Survey campaigns: one per year, with its versioned form stored as data."""
