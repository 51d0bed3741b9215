"""Storages that run out of space, for test_disk_full.py."""

import errno
import os

from django.core.files.storage import FileSystemStorage


class FullDiskStorage(FileSystemStorage):
    """Every write fails as on a full disk."""

    def _save(self, name, content):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)


class FillingDiskStorage(FileSystemStorage):
    """The first `room` writes succeed, then the disk is full (class-wide counter)."""

    room = 0
    written = 0

    def _save(self, name, content):
        if FillingDiskStorage.written >= FillingDiskStorage.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)
        FillingDiskStorage.written += 1
        return super()._save(name, content)
