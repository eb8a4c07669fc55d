"""Email in the desktop app: settings and templates, composing, the outbox and its runner."""
