"""Screenshots of the welcome screen and of each page of the new-partnership wizard, taken in
a real X server at 1366×768 (the screen grabbed whole, window manager's frames included).

    python docs/partnership_shots.py     (needs Xvfb and openbox)

The wizard is filled in as a risk lead setting up the Mendip partnership would.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_x import Camera, run


def shoot(camera: Camera) -> None:
    from ui.dialogs.new_partnership import NewPartnershipWizard
    from ui.dialogs.welcome import WelcomeDialog

    welcome = WelcomeDialog([str(Path.home() / "Documents" / "A38 alliance.riskreg")])
    welcome.show()
    camera.grab("welcome.png")
    welcome.close()

    folder = tempfile.mkdtemp()
    wizard = NewPartnershipWizard(folder, "Jo Whitfield")
    wizard.show()
    page = wizard.partners_page
    page.name.setText("Mendip Flood Resilience Partnership")
    for code, name, contact in (("WSX", "Wessex County Council", "risk@wessex.gov.example"),
                                ("AVW", "Aqua Vale Water plc", "resilience@aquavale.example"),
                                ("MDDC", "Mendip District Council", ""),
                                ("EAGY", "Environment Agency", "")):  # fmt: skip
        page.add_partner(code, name, contact)
    camera.grab("new-partnership-1.png")
    wizard.next()
    wizard.people_page.keeper.setCurrentIndex(0)
    camera.grab("new-partnership-2.png")
    wizard.next()
    camera.grab("new-partnership-3.png")
    wizard.next()
    wizard.categories_page.set_appetite("Financial", "Cautious")
    wizard.categories_page.set_appetite("Reputational", "Minimal")
    camera.grab("new-partnership-4.png")
    wizard.next()
    camera.grab("new-partnership-5.png")
    wizard.close()


if __name__ == "__main__":
    run(":173", shoot)
