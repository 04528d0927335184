"""GNOME (X11 and Wayland): idle time from Mutter's IdleMonitor over the session D-Bus."""

from __future__ import annotations

from typing import Any

from glutewake.runtime.activity import Unavailable

__all__ = ["GnomeSource"]


class GnomeSource:
    name = "gnome"

    def __init__(self) -> None:
        try:
            from jeepney import DBusAddress, new_method_call
            from jeepney.io.blocking import open_dbus_connection
        except ImportError as error:
            raise Unavailable("jeepney is not installed (pip install jeepney)") from error
        try:
            self._connection: Any = open_dbus_connection(bus="SESSION")
        except (OSError, KeyError) as error:
            raise Unavailable(f"no session D-Bus: {error}") from error
        address = DBusAddress("/org/gnome/Mutter/IdleMonitor/Core", bus_name="org.gnome.Mutter.IdleMonitor",
                              interface="org.gnome.Mutter.IdleMonitor")  # fmt: skip
        self._message = new_method_call(address, "GetIdletime")
        try:
            self.idle_seconds()
        except Exception as error:
            self._connection.close()
            raise Unavailable(f"GNOME's idle monitor does not answer: {error}") from error

    def idle_seconds(self) -> float:
        reply = self._connection.send_and_get_reply(self._message, timeout=2)
        if reply.header.message_type.name != "method_return":
            raise Unavailable(f"GNOME's idle monitor said: {reply.body}")
        return float(reply.body[0]) / 1000.0

    def fullscreen(self) -> bool:
        return False  # GNOME does not tell other programs; its own do-not-disturb covers it

    def close(self) -> None:
        self._connection.close()
