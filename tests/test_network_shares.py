"""A register on a network share is said to be at risk: SMB/CIFS, NFS and WebDAV found from
the file system itself (Linux statfs magic numbers, macOS statfs type names, Windows UNC
paths and drive types), each platform's answer tested with the file system faked."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from riskreg import network_shares as shares
from riskreg.cli import main as cli
from riskreg.service import open_service
from tests.conftest import ALICE

LINUX = [
    (0xFF534D42, "SMB/CIFS"),  # cifs
    (0xFE534D42, "SMB/CIFS"),  # smb3
    (0x517B, "SMB/CIFS"),  # smbfs
    (0x6969, "NFS"),
    (0x5346414F, "network"),  # AFS
    (0x00C36400, "network"),  # Ceph
    (0x01021997, "network"),  # 9P
    (0xEF53, None),  # ext4
    (0x58465342, None),  # XFS
    (0x9123683E, None),  # Btrfs
    (0x01021994, None),  # tmpfs
]


@pytest.mark.parametrize(("magic", "kind"), LINUX)
def test_linux_file_systems_are_told_apart_by_their_statfs_magic_number(
    magic: int, kind: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shares, "_linux_fs_magic", lambda path: magic)
    assert shares.network_share(tmp_path / "joint.riskreg", platform="linux") == kind


@pytest.mark.parametrize(
    ("fstype", "source", "kind"),
    [
        ("fuse.sshfs", "jo@files.example.org:/registers", "network"),
        ("fuse", "https://dav.example.org/registers", "WebDAV"),  # davfs2
        ("fuse.davfs", "registers", "WebDAV"),
        ("fuse.gvfsd-fuse", "gvfsd-fuse", "network"),  # GNOME's smb:// and dav://
        ("fuse.smbnetfs", "smbnetfs", "SMB/CIFS"),
        ("fuse.portal", "portal", None),  # a local FUSE mount
    ],
)
def test_fuse_mounts_are_told_apart_by_the_program_behind_them(
    fstype: str, source: str, kind: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shares, "_linux_fs_magic", lambda path: shares.FUSE_MAGIC)
    monkeypatch.setattr(shares, "_linux_mount_of", lambda path: (fstype, source))
    assert shares.network_share(tmp_path / "joint.riskreg", platform="linux") == kind


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the real Linux probe")
def test_the_real_linux_probe_reads_this_machines_file_systems(tmp_path: Path) -> None:
    magic = shares._linux_fs_magic(tmp_path)
    assert isinstance(magic, int) and magic != 0
    fstype, _ = shares._linux_mount_of(tmp_path)
    assert fstype  # the mount holding the folder is found
    assert shares.network_share(tmp_path / "not yet made" / "joint.riskreg") is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [("smbfs", "SMB/CIFS"), ("nfs", "NFS"), ("webdav", "WebDAV"), ("afpfs", "network"),
     ("apfs", None), ("hfs", None), ("msdos", None)],
)  # fmt: skip
def test_macos_file_systems_are_told_apart_by_their_statfs_type_name(
    name: str, kind: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shares, "_macos_fs_type_name", lambda path: name)
    assert shares.network_share(tmp_path / "joint.riskreg", platform="darwin") == kind


def test_the_macos_statfs_structure_has_the_systems_layout() -> None:
    """struct statfs of <sys/mount.h> (64-bit inodes): f_fstypename at byte 72, 2,168 bytes."""
    assert ctypes.sizeof(shares._MacStatfs) == 2168
    assert shares._MacStatfs.f_fstypename.offset == 72  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "drive_type", "kind"),
    [
        (r"\\files\registers\joint.riskreg", 3, "SMB/CIFS"),
        ("//files/registers/joint.riskreg", 3, "SMB/CIFS"),
        (r"\\?\UNC\files\registers\joint.riskreg", 3, "SMB/CIFS"),
        (r"\\dav.example.org@SSL\DavWWWRoot\joint.riskreg", 3, "WebDAV"),
        (r"Z:\registers\joint.riskreg", shares.DRIVE_REMOTE, "SMB/CIFS"),  # a mapped drive
        (r"C:\Users\jo\joint.riskreg", 3, None),  # DRIVE_FIXED
        (r"\\?\C:\Users\jo\joint.riskreg", 3, None),
        (r"E:\joint.riskreg", 2, None),  # DRIVE_REMOVABLE
    ],
)
def test_windows_shares_are_found_from_unc_paths_and_drive_types(
    path: str, drive_type: int, kind: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(shares, "_windows_drive_type",
                        lambda root: asked.append(root) or drive_type)  # fmt: skip
    assert shares.network_share(Path(path), platform="win32") == kind
    assert all(root.endswith(":\\") for root in asked)


def test_a_system_that_does_not_answer_is_not_taken_for_a_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def fails(path: Path) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(shares, "_linux_fs_magic", fails)
    assert shares.network_share(tmp_path, platform="linux") is None


@pytest.fixture
def on_nfs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shares, "network_share", lambda path, platform=None: "NFS")


def test_opening_a_register_on_a_share_says_what_is_at_risk_and_what_is_safe(
    on_nfs: None, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = open_service(demo_path, ALICE)
    try:
        notes = service.check().notes
    finally:
        service.close()
    assert any("network share (NFS)" in n and "PostgreSQL" in n for n in notes), notes
    assert cli(["check", str(demo_path)]) == 0
    err = capsys.readouterr().err
    assert "network share (NFS)" in err and "locking is not reliable" in err
    assert cli(["snapshots", str(demo_path)]) == 0
    assert "network share (NFS)" in capsys.readouterr().err  # every command says it


def test_the_window_warns_when_it_opens_a_register_on_a_share(
    on_nfs: None, qtbot: QtBot, demo_path: Path
) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(open_service(demo_path, ALICE))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.opening_notes is not None, timeout=10_000)
    box = window.opening_notes
    assert "network share (NFS)" in box.text() and box.isVisible()  # type: ignore[attr-defined]
    assert "network share (NFS)" in window.statusBar().currentMessage()
