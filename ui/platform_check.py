"""Before the first window on a bare Linux desktop: are the system libraries Qt's X11
(xcb) platform needs there? Without them Qt stops with a page of "could not load the Qt
platform plugin xcb"; this says in one line what to install instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}
"""The shared libraries Qt's xcb platform loads that a bare system may lack, with the
package that carries each on Debian/Ubuntu and on Fedora."""


def _loadable(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str]) -> bool:
    """Whether Qt will use its X11 platform: on Linux, unless told otherwise or in a
    Wayland session."""
    if not sys.platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0] == "xcb"
    return not (environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland")


def missing_xcb_libraries(loadable: Callable[[str], bool] | None = None) -> list[str]:
    can_load = loadable or _loadable
    return [name for name in XCB_LIBRARIES if not can_load(name)]


def install_advice(missing: list[str]) -> str:
    """One plain line: what to install, for Debian/Ubuntu and for Fedora."""
    debian = sorted({XCB_LIBRARIES[name][0] for name in missing})
    fedora = sorted({XCB_LIBRARIES[name][1] for name in missing})
    return (
        "The window cannot open: this system lacks libraries Qt needs for X11 "
        f"({', '.join(missing)}). Install them (Debian/Ubuntu: sudo apt install "
        f"{' '.join(debian)}; Fedora: sudo dnf install {' '.join(fedora)}) and start again."
    )


def check_platform(
    environ: Mapping[str, str] | None = None, loadable: Callable[[str], bool] | None = None
) -> str | None:
    """The advice to print before starting, or None when the window can open."""
    if not uses_xcb(os.environ if environ is None else environ):
        return None
    missing = missing_xcb_libraries(loadable)
    return install_advice(missing) if missing else None
