"""Loopback helpers for tests that need a dead service (tests never touch the network)."""

import socket


def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on (bound, then released): connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
