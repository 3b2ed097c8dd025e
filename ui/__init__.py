"""The PySide6 desktop application: widgets only; all rules live in riskreg.service."""
