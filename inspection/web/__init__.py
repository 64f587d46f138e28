"""Request plumbing shared by the inspection routes: clock, after-commit work, signing key."""
