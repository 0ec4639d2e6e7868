"""What a station profile (hardware_profiles/stations/<name>.yaml) tells the counter.

The profile says which printer, counter display, speaker and scanner a unit has and where each
is found; `config_from_profile` takes the paper width and the scanner from it, and
counter_app.devices opens the devices it names. Paths `fake:…` select the simulators
(`fake:printer?out=DIR` writes each receipt as a PNG into DIR).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from counter_app.config import StationConfig
from counter_app.strings import fail
from drivers.profiles import DEFAULT_ROOT, ProfileError, load_profiles, printer_profile
from drivers.station import role_address


def station_roles(name: str, root: Path | str = DEFAULT_ROOT) -> dict:
    try:
        profiles = load_profiles(root)
        return profiles.station_devices(name)
    except (ProfileError, KeyError) as error:
        raise fail("profile_unusable", key="profile", name=name, error=error) from None


def scanner_spec(name: str, root: Path | str = DEFAULT_ROOT) -> str:
    """How the app reads the profile's scanner: a serial port, or keys typed (USB wedge)."""
    role = station_roles(name, root).get("scanner")
    address = role_address(*role) if role is not None else None
    if address is None or address.kind != "serial":
        return "keyboard"
    return str(replace(address, number=address.number or 9600))


def config_from_profile(name: str, config: StationConfig,
                        root: Path | str = DEFAULT_ROOT) -> StationConfig:
    """The printer's paper width and the scanner, as the profile says."""
    roles = station_roles(name, root)
    printer = roles.get("receipt_printer")
    paper = config.paper_mm
    if printer is not None:
        paper = 58 if printer_profile(printer[1]).paper_width_dots <= 384 else 80
    return replace(config, paper_mm=paper, scanner=scanner_spec(name, root))
