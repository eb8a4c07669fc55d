"""Small reusable widgets: locale-aware decimal input, badges, inline error labels."""
