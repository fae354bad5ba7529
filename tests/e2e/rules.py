"""An independent reading of the user-login rules, used to check what eddy stored.

It is written from the issue's rules, not from eddy's code: valid is a UTF-8 JSON object with a non-empty
string user_id and a timestamp given as an integer or a string of decimal digits; the five optional
fields are absent, null or strings.
"""
import json
import re

OPTIONAL = ("app_version", "device_type", "locale", "ip", "device_id")
INT64_MAX = 2**63 - 1


def _reject_constant(name):
    raise ValueError(f"not JSON: {name}")


def classify(value):
    """Returns ("valid", (window_start, device_type, locale, app_version)) or (error_class, None)."""
    if value is None or len(value) == 0:
        return "malformed", None
    try:
        document = json.loads(value.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        return "malformed", None
    if not isinstance(document, dict):
        return "malformed", None
    user_id = document.get("user_id")
    if not isinstance(user_id, str) or user_id == "":
        return "invalid", None
    timestamp = document.get("timestamp")
    if isinstance(timestamp, bool):
        return "invalid", None
    if isinstance(timestamp, str) and re.fullmatch(r"[0-9]+", timestamp):
        timestamp = int(timestamp)
    if not isinstance(timestamp, int) or not 0 <= timestamp <= INT64_MAX:
        return "invalid", None
    for field in OPTIONAL:
        if document.get(field) is not None and not isinstance(document[field], str):
            return "invalid", None

    def dimension(name):
        return document.get(name) if document.get(name) is not None else "unknown"

    return "valid", (timestamp - timestamp % 60, dimension("device_type"), dimension("locale"), dimension("app_version"))
