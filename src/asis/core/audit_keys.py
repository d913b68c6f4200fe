"""The audit log's HMAC keys: which key signs new entries, which keys verify old ones.

Kept free of models so that production settings can validate the keys before Django starts.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

# A single ASIS_AUDIT_KEY gets this id; rotating means moving to ASIS_AUDIT_KEYS="1:old,2:new".
SINGLE_KEY_ID = "1"
# Development and test installations without a key: derived from SECRET_KEY under a label of
# its own, so the audit key is never literally the secret key.
DERIVED_KEY_ID = "derived"
_DERIVATION_LABEL = b"asis.audit.hmac-key.v1"
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class AuditKeyError(ValueError):
    pass


@dataclass(frozen=True)
class AuditKeys:
    signing_id: str
    keys: Mapping[str, bytes]

    @property
    def signing_key(self) -> bytes:
        return self.keys[self.signing_id]


def parse_audit_keys(single: str | None, many: str | None, *, min_length: int = 1) -> AuditKeys | None:
    """``ASIS_AUDIT_KEYS="id:key,id:key"`` (the last one signs) or a single ``ASIS_AUDIT_KEY``.

    Returns None when neither is set. Keys never contain commas; ids are short and plain because
    every entry stores the id of the key that signed it.
    """
    pairs: list[tuple[str, str]] = []
    if many and many.strip():
        for item in many.split(","):
            key_id, sep, key = item.strip().partition(":")
            if not sep or not _KEY_ID.match(key_id) or not key:
                raise AuditKeyError("ASIS_AUDIT_KEYS must look like 'id:key,id:key' (ids: letters, digits, _ . -).")
            pairs.append((key_id, key))
    elif single and single.strip():
        pairs.append((SINGLE_KEY_ID, single.strip()))
    else:
        return None
    ids = [key_id for key_id, _ in pairs]
    if len(set(ids)) != len(ids):
        raise AuditKeyError("ASIS_AUDIT_KEYS names a key id twice.")
    if any(len(key) < min_length or len(set(key)) < 5 for _, key in pairs):
        raise AuditKeyError(f"Audit keys must be {min_length}+ random characters.")
    return AuditKeys(signing_id=ids[-1], keys={key_id: key.encode("utf-8") for key_id, key in pairs})


def derived_audit_keys(secret_key: str) -> AuditKeys:
    derived = hmac.new(secret_key.encode("utf-8"), _DERIVATION_LABEL, hashlib.sha256).hexdigest()
    return AuditKeys(signing_id=DERIVED_KEY_ID, keys={DERIVED_KEY_ID: derived.encode("ascii")})


def audit_keys() -> AuditKeys:
    """The configured keys; without any, a key derived from SECRET_KEY (production refuses that)."""
    from django.conf import settings

    keys = parse_audit_keys(getattr(settings, "ASIS_AUDIT_KEY", ""), getattr(settings, "ASIS_AUDIT_KEYS", ""))
    return keys if keys is not None else derived_audit_keys(settings.SECRET_KEY)
