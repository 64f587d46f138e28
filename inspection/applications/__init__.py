"""Inspection applications (報驗): drafts, attachments, and each scheme's workflow."""
