"""Applying: self-assessment, the application form, attachments, submission."""
