"""Build the app for a model name and run it under uvicorn (one process, one model, one batcher)."""

from __future__ import annotations

import ipaddress
import socket

from fastapi import FastAPI

from astray.errors import AstrayError
from astray.serve.config import ServeConfig


def open_app(config: ServeConfig) -> tuple[FastAPI, str]:
    """Load the model (once), start its batcher, and return the app with the model id it serves."""
    from astray.models.batcher import shared_batcher
    from astray.models.inspect_provider import load_steering
    from astray.models.local import load_local_model
    from astray.models.naming import resolve_model
    from astray.models.steering import check_steering
    from astray.serve.app import RequestRules, build_app

    ref = resolve_model(config.model)
    if not ref.is_local:
        raise AstrayError(f"astray serve serves local models (embedded, a model or organism directory); {config.model} "
                          "already has its own endpoint")
    local = load_local_model(ref, config.device, config.dtype, config.batch_invariant)
    steering = load_steering(list(config.steer))
    check_steering(local.model, steering)
    served = config.name or (ref.name if ref.kind == "embedded" else (ref.path.name if ref.path else ref.name))
    names = tuple(dict.fromkeys([served, ref.name, ref.inspect_name, config.model]))
    settings = RequestRules(names=names, api_key=config.api_key or None, max_waiting=config.max_waiting,
                             default_max_tokens=config.default_max_tokens, steering=steering)
    return build_app(local, shared_batcher(local, config.batch_size), settings), served


def check_bindable(host: str, port: int) -> None:
    """Fail in one line before the model loads when the address cannot be bound (a mistyped host, a port
    in use, an address this machine does not have), rather than after the banner."""
    if not 1 <= port <= 65535:
        raise AstrayError(f"--port must be between 1 and 65535, not {port}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as err:
        raise AstrayError(f"cannot serve on {host}:{port}: {err.strerror or err}") from err


def exposed(host: str) -> bool:
    """Whether binding `host` lets other machines connect."""
    if host in ("localhost", ""):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: assume reachable
        return True

