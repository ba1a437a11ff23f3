"""The policy book: policy files in a folder, picked per tenant and community, hot-reloaded.

    <dir>/default.yaml                  everyone without a policy of their own
    <dir>/<tenant>.yaml                 one tenant
    <dir>/<tenant>/<community>.yaml     one community of one tenant
    <any of these>.shadow.yaml          a candidate evaluated beside it, which never acts

A file that fails validation is reported (file, line, reason) and the version loaded before it
stays active; a file that disappears stops applying. Policies that admins publish through the
desk (the policies topic) override a file of the same name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import Counter, Gauge

from services.escalation.metrics import queues_known, rules_known
from services.policy.language import Policy
from services.policy.text import PolicyError, parse_policy

log = logging.getLogger(__name__)
LOAD_ERRORS = Counter("escalation_policy_load_errors_total", "Policy files rejected on load")
POLICIES = Gauge("escalation_policies_active", "Policy files in force")


@dataclass
class _Loaded:
    mtime: float
    policy: Policy


class PolicyBook:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[str, _Loaded] = {}
        self._published: dict[str, Policy] = {}
        errors = self.reload()
        if "default.yaml" not in self._loaded:
            reason = "; ".join(str(e) for e in errors) or "file missing"
            raise RuntimeError(f"no valid default policy in {folder}: {reason}")

    def reload(self) -> list[PolicyError]:
        """Load new and changed files; returns the files rejected this time."""
        errors: list[PolicyError] = []
        seen = set()
        for path in sorted(self.folder.glob("*.yaml")) + sorted(self.folder.glob("*/*.yaml")):
            name = path.relative_to(self.folder).as_posix()
            seen.add(name)
            mtime = path.stat().st_mtime
            current = self._loaded.get(name)
            if current and current.mtime == mtime:
                continue
            try:
                policy = parse_policy(path.read_text(encoding="utf-8"), name)
            except PolicyError as error:
                errors.append(error)
                LOAD_ERRORS.inc()
                log.error(
                    "policy rejected; the previous version stays active",
                    extra={"error": str(error)},
                )
                continue
            self._loaded[name] = _Loaded(mtime, policy)
            queues_known(policy.queues)
            rules_known(policy)
            log.info(
                "policy loaded",
                extra={"file": name, "policy": policy.id, "version": policy.version},
            )
        for gone in set(self._loaded) - seen:
            if gone != "default.yaml":  # never lose the default: keep the last good one
                del self._loaded[gone]
        POLICIES.set(len(self._loaded))
        return errors

    def publish(self, name: str, policy: Policy | None) -> None:
        """Put a published policy in force under `name` (e.g. 'acme/gaming'); None withdraws it."""
        if policy is None:
            self._published.pop(name, None)
        else:
            self._published[name] = policy
            queues_known(policy.queues)
            rules_known(policy)
        log.info("published policy", extra={"policy_name": name, "in_force": policy is not None})

    def for_post(self, tenant: str, community: str | None) -> Policy:
        policy = self._find(tenant, community, ".yaml")
        if policy is None:
            raise LookupError("no default policy")  # unreachable: __init__ requires it
        return policy

    def shadow_for(self, tenant: str, community: str | None) -> Policy | None:
        """A candidate running beside the active policy: `<same name>.shadow.yaml`."""
        return self._find(tenant, community, ".shadow.yaml")

    def _find(self, tenant: str, community: str | None, suffix: str) -> Policy | None:
        for stem in (f"{tenant}/{community}" if community else None, tenant, "default"):
            if not stem:
                continue
            if f"{stem}{suffix}" in self._published:
                return self._published[f"{stem}{suffix}"]
            if f"{stem}{suffix}" in self._loaded:
                return self._loaded[f"{stem}{suffix}"].policy
        return None
