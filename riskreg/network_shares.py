"""Is a register file on a network share? SQLite's locking is not reliable there.

SQLite's documentation warns that file locking over SMB/CIFS, NFS and WebDAV is often
broken, so two users saving at once can damage the file, and a dropped connection can leave
it half-written. The application warns when a register is opened from such a share, and
points to the PostgreSQL server for several users.

The file system is asked, not guessed from the name: on Linux ``statfs`` (its magic number;
for FUSE mounts the mount table names the program behind it), on macOS ``statfs`` (its
type name), on Windows the path (UNC, WebDAV) and the drive type. Each probe is a small
function tests replace, so every platform's answer can be tested on any machine.
Standard library only.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path

SMB, NFS, WEBDAV, OTHER = "SMB/CIFS", "NFS", "WebDAV", "network"

LINUX_MAGIC = {
    0xFF534D42: SMB,  # CIFS_SUPER_MAGIC
    0xFE534D42: SMB,  # SMB2_SUPER_MAGIC (the smb3 client)
    0x517B: SMB,  # SMB_SUPER_MAGIC (the old smbfs)
    0x6969: NFS,  # NFS_SUPER_MAGIC (v2, v3 and v4)
    0x73757245: OTHER,  # CODA_SUPER_MAGIC (also davfs2's older kernel side)
    0x5346414F: OTHER,  # AFS_SUPER_MAGIC
    0x6B414653: OTHER,  # AFS_FS_MAGIC (kAFS)
    0x00C36400: OTHER,  # CEPH_SUPER_MAGIC
    0x564C: OTHER,  # NCP_SUPER_MAGIC (NetWare)
    0x01021997: OTHER,  # V9FS_MAGIC (9P: Plan 9 shares, WSL's Windows drives)
    0x0BD00BD0: OTHER,  # LUSTRE_SUPER_MAGIC
}
FUSE_MAGIC = 0x65735546
FUSE_NETWORK = {
    "davfs": WEBDAV, "davfs2": WEBDAV, "sshfs": OTHER, "rclone": OTHER, "s3fs": OTHER,
    "gvfsd-fuse": OTHER, "smbnetfs": SMB, "curlftpfs": OTHER, "glusterfs": OTHER,
}  # fmt: skip
MACOS_TYPES = {
    "smbfs": SMB, "cifs": SMB, "nfs": NFS, "webdav": WEBDAV, "afpfs": OTHER, "ftp": OTHER,
}  # fmt: skip
DRIVE_REMOTE = 4
"""``GetDriveTypeW``: a mapped network drive."""


def network_share(path: Path, platform: str | None = None) -> str | None:
    """The kind of network share ``path`` lies on ("SMB/CIFS", "NFS", "WebDAV",
    "network"), or None for a local disk (or when the system cannot say)."""
    platform = platform or sys.platform
    try:
        if platform.startswith("win"):
            return _windows_share(str(path))
        existing = _existing(path)
        if platform.startswith("linux"):
            return _linux_share(existing)
        if platform == "darwin":
            return MACOS_TYPES.get(_macos_fs_type_name(existing).lower())
    except (OSError, ValueError, AttributeError):
        return None  # a system that does not answer is not taken for a share
    return None


def network_share_warning(path: Path) -> str | None:
    """The plain-words warning shown when a register on a network share is opened."""
    kind = network_share(path)
    if kind is None:
        return None
    share = "a network share" if kind == OTHER else f"a network share ({kind})"
    return (
        f"{path.name} is on {share}. SQLite's file locking is not reliable there: two "
        "people saving at the same moment can damage the register, and a dropped "
        "connection can leave it half-written. Keep the register on a local disk and "
        "exchange workbooks with partners, or, for several users, move it to a PostgreSQL "
        "server (python -m riskreg copy FILE postgresql+psycopg://…)."
    )


def _existing(path: Path) -> Path:
    """The path itself or its nearest existing folder (a register not yet created)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


# -- Linux --------------------------------------------------------------------------------
def _linux_share(path: Path) -> str | None:
    magic = _linux_fs_magic(path) & 0xFFFFFFFF
    if magic == FUSE_MAGIC:
        fstype, source = _linux_mount_of(path)
        subtype = fstype.partition(".")[2] or source
        if source.lower().startswith(("http://", "https://")):
            return WEBDAV  # davfs2 mounts name the server's URL as their source
        return FUSE_NETWORK.get(subtype.lower())
    return LINUX_MAGIC.get(magic)


class _LinuxStatfs(ctypes.Structure):
    # glibc's struct statfs starts with f_type (__fsword_t: a long on every ABI);
    # the rest is room for the fields after it.
    _fields_ = [("f_type", ctypes.c_long), ("rest", ctypes.c_byte * 256)]


def _linux_fs_magic(path: Path) -> int:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    buffer = _LinuxStatfs()
    if libc.statfs(os.fsencode(path), ctypes.byref(buffer)) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), str(path))
    return int(buffer.f_type)


def _linux_mount_of(path: Path) -> tuple[str, str]:
    """The file system type and source of the mount holding ``path`` (longest mount point
    that contains it), from ``/proc/self/mountinfo``."""
    target = str(path)
    best, best_length = ("", ""), -1
    with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as table:
        for line in table:
            fields, _, tail = line.partition(" - ")
            parts, after = fields.split(), tail.split()
            if len(parts) < 5 or len(after) < 2:
                continue
            point = _unescape(parts[4])
            inside = target == point or target.startswith(point.rstrip("/") + "/")
            if inside and len(point) > best_length:
                best, best_length = (after[0], after[1]), len(point)
    return best


def _unescape(field: str) -> str:
    """mountinfo writes spaces and the like as octal escapes (``\\040``)."""
    return field.encode().decode("unicode_escape") if "\\" in field else field


# -- macOS --------------------------------------------------------------------------------
class _MacStatfs(ctypes.Structure):
    """macOS's ``struct statfs`` (the 64-bit-inode layout, the only one on arm64)."""

    _fields_ = [
        ("f_bsize", ctypes.c_uint32), ("f_iosize", ctypes.c_int32),
        ("f_blocks", ctypes.c_uint64), ("f_bfree", ctypes.c_uint64),
        ("f_bavail", ctypes.c_uint64), ("f_files", ctypes.c_uint64),
        ("f_ffree", ctypes.c_uint64), ("f_fsid", ctypes.c_int32 * 2),
        ("f_owner", ctypes.c_uint32), ("f_type", ctypes.c_uint32),
        ("f_flags", ctypes.c_uint32), ("f_fssubtype", ctypes.c_uint32),
        ("f_fstypename", ctypes.c_char * 16), ("f_mntonname", ctypes.c_char * 1024),
        ("f_mntfromname", ctypes.c_char * 1024), ("f_flags_ext", ctypes.c_uint32),
        ("f_reserved", ctypes.c_uint32 * 7),
    ]  # fmt: skip


def _macos_fs_type_name(path: Path) -> str:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.dylib", use_errno=True)
    try:
        function = getattr(libc, "statfs$INODE64")  # Intel Macs: the 64-bit-inode call
    except AttributeError:
        function = libc.statfs
    buffer = _MacStatfs()
    if function(os.fsencode(path), ctypes.byref(buffer)) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), str(path))
    return bytes(buffer.f_fstypename).split(b"\0", 1)[0].decode("ascii", "replace")


# -- Windows ------------------------------------------------------------------------------
def _windows_share(text: str) -> str | None:
    normal = text.replace("/", "\\")
    upper = normal.upper()
    if upper.startswith("\\\\?\\UNC\\"):
        normal, upper = "\\\\" + normal[8:], "\\\\" + upper[8:]
    elif upper.startswith(("\\\\?\\", "\\\\.\\")):
        normal, upper = normal[4:], upper[4:]
    if upper.startswith("\\\\"):
        host = upper[2:].split("\\", 1)[0]
        if "@SSL" in host or "DAVWWWROOT" in upper or "@" in host:
            return WEBDAV  # the WebClient service's UNC form: \\host@SSL\DavWWWRoot\…
        return SMB
    drive = normal[0].upper() + ":\\" if len(normal) >= 2 and normal[1] == ":" else ""
    if drive and _windows_drive_type(drive) == DRIVE_REMOTE:
        return SMB  # a mapped network drive
    return None


def _windows_drive_type(root: str) -> int:
    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
    return int(kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))
