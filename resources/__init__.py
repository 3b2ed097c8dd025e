"""Data shipped with the application: the demo register, icons, style sheet."""
