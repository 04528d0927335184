"""Starting the coach at login: a systemd user unit (Linux), a LaunchAgent (macOS), a Startup script (Windows)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

__all__ = ["autostart_entry"]


def _command() -> list[str]:
    return [sys.executable, "-m", "glutewake", "coach", "--no-terminal"]


def autostart_entry(platform: str = sys.platform, home: Path | None = None) -> tuple[Path, str]:
    """Where the autostart entry goes on this platform, and what it says."""
    home = home or Path.home()
    glutewake_home = os.environ.get("GLUTEWAKE_HOME")
    if platform == "darwin":
        arguments = "".join(f"\n    <string>{part}</string>" for part in _command())
        environment = (
            f"\n  <key>EnvironmentVariables</key>\n  <dict><key>GLUTEWAKE_HOME</key><string>{glutewake_home}</string></dict>"
            if glutewake_home else ""
        )  # fmt: skip
        plist = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>org.glutewake.coach</string>
  <key>ProgramArguments</key>
  <array>{arguments}
  </array>{environment}
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
</dict>
</plist>
"""
        return home / "Library" / "LaunchAgents" / "org.glutewake.coach.plist", plist
    if platform == "win32":
        startup = (
            Path(os.environ.get("APPDATA", home / "AppData" / "Roaming"))
            / "Microsoft"
            / "Windows"
            / "Start Menu"
            / "Programs"
            / "Startup"
        )
        pythonw = Path(sys.executable).with_name("pythonw.exe")
        env = f'set "GLUTEWAKE_HOME={glutewake_home}"\r\n' if glutewake_home else ""
        return (
            startup / "glutewake-coach.cmd",
            f'@echo off\r\n{env}start "" "{pythonw}" -m glutewake coach --no-terminal\r\n',
        )
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    environment = f"Environment=GLUTEWAKE_HOME={glutewake_home}\n" if glutewake_home else ""
    unit = f"""[Unit]
Description=glutewake sitting coach: glute breaks from real computer activity
After=graphical-session.target
PartOf=graphical-session.target

[Service]
ExecStart={shlex.join(_command())}
{environment}PassEnvironment=DISPLAY WAYLAND_DISPLAY XAUTHORITY DBUS_SESSION_BUS_ADDRESS XDG_CURRENT_DESKTOP
Restart=on-failure
RestartSec=30

[Install]
WantedBy=graphical-session.target
"""
    return config_home / "systemd" / "user" / "glutewake-coach.service", unit
