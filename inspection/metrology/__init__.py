"""Legal metrology: the instrument registry, verifications and stickers, renewal reminders."""
