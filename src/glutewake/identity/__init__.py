"""Who is asking and what they may do: the owner's secret, sign-in links, sessions, the rules."""

from glutewake.identity import credentials
from glutewake.identity.owner import (
    OwnerSecret,
    load_owner_secret,
)
from glutewake.identity.who import Who

__all__ = ["OwnerSecret", "Who", "credentials", "load_owner_secret"]
