"""Where the screens can reach this server on the venue's network."""

from __future__ import annotations

import ipaddress
import socket

import psutil

from runshow.i18n import _


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine's interfaces that are up, LAN ones first,
    loopback last."""
    stats = psutil.net_if_stats()
    found: list[str] = []
    for name, addresses in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for address in addresses:
            if address.family == socket.AF_INET and address.address not in found:
                found.append(address.address)
    return sorted(found, key=lambda ip: (ip.startswith("127."), ip))


def local_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """This machine (loopback) and the networks of its interfaces that are up: who
    may send OSC unless `--osc-allow` says otherwise."""
    stats = psutil.net_if_stats()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = [
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    ]
    for name, addresses in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        for address in addresses:
            if address.family not in (socket.AF_INET, socket.AF_INET6) or not address.netmask:
                continue
            try:
                host = address.address.split("%")[0]  # an IPv6 link-local's zone
                network = ipaddress.ip_network(f"{host}/{address.netmask}", strict=False)
            except ValueError:
                continue
            if network not in networks:
                networks.append(network)
    return networks


def base_urls(host: str, port: int) -> list[str]:
    """The http:// addresses a server listening on `host`:`port` answers at."""
    hosts = lan_addresses() if host in ("0.0.0.0", "") else [host]
    return [f"http://{address}:{port}" for address in hosts]


class PortBusy(Exception):
    """The port is already taken on one of the addresses this server would listen on."""


def open_listeners(host: str, port: int) -> list[socket.socket]:
    """Sockets bound to every address `host` stands for, opened here rather than
    by the web server so that none of them shares its port: no SO_REUSEPORT (a
    second server would otherwise start and the kernel would split the screens
    between two shows), and on Windows SO_EXCLUSIVEADDRUSE. Bound at once, so a
    taken port is found before anything else is done; `start_listening` when
    the app is ready. Raises `PortBusy` naming the port and, when it can be
    found, its holder."""
    opened: list[socket.socket] = []
    seen: set[tuple[int, str]] = set()
    try:
        for family, kind, proto, _, address in socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        ):
            if (family, address[0]) in seen:
                continue
            seen.add((family, address[0]))
            listener = socket.socket(family, kind, proto)
            opened.append(listener)
            _exclusive(listener)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                listener.bind(address[:2] if family == socket.AF_INET else address)
            except OSError as error:
                raise PortBusy(_busy_text(address[0], port, error)) from error
    except BaseException:
        for listener in opened:
            listener.close()
        raise
    return opened


def start_listening(listeners: list[socket.socket], backlog: int = 1024) -> None:
    """Start accepting connections (a server started at the same instant may have
    bound the port too: only one of them gets to listen)."""
    for listener in listeners:
        host, port = listener.getsockname()[:2]
        try:
            listener.listen(backlog)
        except OSError as error:
            raise PortBusy(_busy_text(host, port, error)) from error


def _exclusive(listener: socket.socket) -> None:
    if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no one else may bind this port
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
    else:  # POSIX: restart at once after a crash (TIME_WAIT), never share a listening port
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 0)


def _busy_text(address: str, port: int, error: OSError) -> str:
    shown = f"[{address}]" if ":" in address else address
    holder = port_holder(port)
    who = _(", đang bị %(holder)s chiếm", holder=holder) if holder else ""
    if error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
        reason = _(
            "cổng %(port)s trên %(address)s đã có chương trình khác dùng%(who)s",
            port=port,
            address=shown,
            who=who,
        )
    elif error.errno in (13, 10013):  # EACCES: a privileged port, or a firewall rule
        reason = _(
            "không được phép mở cổng %(port)s trên %(address)s%(who)s",
            port=port,
            address=shown,
            who=who,
        )
    else:
        reason = _(
            "không mở được cổng %(port)s trên %(address)s (%(error)s)",
            port=port,
            address=shown,
            error=error.strerror or error,
        )
    return _(
        "Không thể chạy: %(reason)s. Nếu đó là một máy chủ Runshow đang chạy, hãy dùng nó "
        "(mở các màn hình tới địa chỉ của nó) hoặc dừng nó trước; nếu không, chọn cổng khác "
        "bằng --port.",
        reason=reason,
    )


def port_holder(port: int) -> str | None:
    """'python3 (tiến trình số 1234: runshow serve)' for whoever listens on `port`,
    when the system lets us see it."""
    try:
        connections = psutil.net_connections(kind="inet")
    except (psutil.Error, OSError):
        return None
    for connection in connections:
        if (
            connection.status == psutil.CONN_LISTEN
            and connection.laddr
            and connection.laddr.port == port
            and connection.pid
        ):
            try:
                process = psutil.Process(connection.pid)
                command = " ".join(process.cmdline()[:4])
                return _(
                    "%(name)s (tiến trình số %(pid)s: %(command)s)",
                    name=process.name(),
                    pid=connection.pid,
                    command=command,
                )
            except (psutil.Error, OSError):
                return _("tiến trình số %(pid)s", pid=connection.pid)
    return None
