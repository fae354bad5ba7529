"""workloads/orders.yaml's rules, written again from docs/workloads.md in Python: the independent answer the
orders tests compare Eddy's tables with."""
import calendar
import json
import re

CURRENCIES = {"EUR", "USD", "GBP", "JPY", "CHF"}
STATUSES = {"placed", "paid", "shipped", "cancelled", "refunded"}
DECIMAL = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")
RFC3339 = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))")
HOUR = 3600
LATENESS = 2 * 86400


class Raw(str):
    """A JSON number as its text, to read a decimal exactly."""


def cents(value):
    """The amount in hundredths, or None when it is no decimal of at most 2 places."""
    match = isinstance(value, str) and DECIMAL.fullmatch(value)
    if not match or len(match.group(2) or "") > 2:
        return None
    units = int(match.group(1)) * 100 + int(((match.group(2) or "") + "00")[:2])
    return -units if value.startswith("-") else units


def unix_seconds(text):
    match = isinstance(text, str) and not isinstance(text, Raw) and RFC3339.fullmatch(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1] and hour < 24 and minute < 60 and second <= 60):
        return None
    offset = 0
    if match.group(8):
        hours, minutes = int(match.group(9)), int(match.group(10))
        if hours >= 24 or minutes >= 60:
            return None
        offset = (hours * 3600 + minutes * 60) * (1 if match.group(8) == "+" else -1)
    return calendar.timegm((year, month, day, hour, minute, 0)) + second - offset


def classify(value, now):
    """("valid", (hour, currency, status), cents) or (error class, None, None) for one message's bytes."""
    if value is None:
        return "malformed", None, None
    try:
        order = json.loads(value.decode("utf-8"), parse_float=Raw, parse_int=Raw)
    except (UnicodeDecodeError, ValueError):
        return "malformed", None, None
    if not isinstance(order, dict):
        return "malformed", None, None
    order_id = order.get("order_id")
    if not isinstance(order_id, str) or isinstance(order_id, Raw) or not order_id or len(order_id) > 64:
        return "invalid", None, None
    amount = cents(order.get("amount"))
    if amount is None or amount < 0:
        return "invalid", None, None
    currency = order.get("currency")
    if isinstance(currency, Raw) or currency not in CURRENCIES:
        return "invalid", None, None
    time = unix_seconds(order.get("ts"))
    if time is None:
        return "invalid", None, None
    status = order.get("status")
    if status is not None and (not isinstance(status, str) or isinstance(status, Raw) or status not in STATUSES):
        return "invalid", None, None
    customer = order.get("customer")
    if customer is not None and (not isinstance(customer, str) or isinstance(customer, Raw)):
        return "invalid", None, None
    hour = time - time % HOUR
    if hour < now - LATENESS - HOUR + 1:
        return "late", None, None
    return "valid", (hour, currency, status or "unknown"), amount


def expected_totals(messages, now):
    """{(hour, currency, status): [orders, sum of cents, largest]}, the valid (partition, offset)s, and
    {(partition, offset): error class} of the failed ones."""
    totals, valid, failed = {}, set(), {}
    for partition, offset, value in messages:
        verdict, key, amount = classify(value, now)
        if verdict != "valid":
            failed[(partition, offset)] = verdict
            continue
        valid.add((partition, offset))
        total = totals.setdefault(key, [0, 0, None])
        total[0] += 1
        total[1] += amount
        total[2] = amount if total[2] is None else max(total[2], amount)
    return totals, valid, failed
