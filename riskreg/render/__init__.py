"""QPainter drawing of heat maps and report pages (QtGui only), shared by the screen, the
printer, PDF and PNG, so what a meeting sees on paper is what the screen showed."""
