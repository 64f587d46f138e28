"""Access to a return without an account: one-time invitation codes and filing sessions."""
