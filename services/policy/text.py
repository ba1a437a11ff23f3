"""Policy YAML text -> Policy, with errors that name the file, the line and the reason. Pure."""

from __future__ import annotations

import yaml
from pydantic import ValidationError

from services.policy.language import Policy


class PolicyError(ValueError):
    def __init__(self, source: str, line: int | None, reason: str) -> None:
        self.source, self.line, self.reason = source, line, reason
        super().__init__(f"{source}:{line if line is not None else '?'}: {reason}")


def _node_at(node: yaml.Node, loc: tuple) -> yaml.Node:
    """The deepest YAML node along a pydantic error location."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == part), None)
            if nxt is None:  # e.g. an unknown key: point at the key itself
                key = next((k for k, _ in node.value if k.value == part), None)
                return key or node
            node = nxt
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            break
    return node


MAX_DEPTH = 16  # the policy language nests five levels; YAML's parser recurses per level


def check_shape(root: yaml.Node, source: str) -> None:
    """Refuse nesting past MAX_DEPTH and a key written twice in one mapping (YAML loaders keep
    the last silently, so a policy author would not see which rule is in force). Iterative."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PolicyError(source, node.start_mark.line + 1, f"nested over {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in seen:
                    line = key.start_mark.line + 1
                    raise PolicyError(source, line, f"the key {key.value!r} is written twice")
                seen.add(getattr(key, "value", ""))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    try:
        root = yaml.compose(text)
        if root is not None:
            check_shape(root, source)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise PolicyError(
            source, mark.line + 1 if mark else None, f"not valid YAML: {error}"
        ) from error
    except RecursionError as error:  # deeper than the parser's own recursion reaches
        raise PolicyError(source, None, f"nested over {MAX_DEPTH} levels") from error
    if root is None or not isinstance(data, dict):
        raise PolicyError(source, 1, "a policy is a YAML mapping with id, version and rules")
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        line = _node_at(root, loc).start_mark.line + 1
        where = ".".join(str(p) for p in loc) or "policy"
        raise PolicyError(source, line, f"{where}: {first['msg']}") from error


def policy_name(tenant: str, community: str | None = None, shadow: bool = False) -> str:
    """Where a published policy applies, named as the files are: 'acme', 'acme/gaming',
    'acme.shadow'. The global default is never published: it stays a reviewed file."""
    for part in (tenant, community):
        if part is not None and (not part or "/" in part or part.endswith(".shadow")):
            raise PolicyError(str(part), None, "tenant and community names cannot hold '/'")
    if tenant == "default" and not community:
        raise PolicyError("default", None, "the global default policy is a file, not published")
    return f"{tenant}{f'/{community}' if community else ''}{'.shadow' if shadow else ''}"


def published_policy(tenant: str, name: str, text: str, withdrawn: bool) -> Policy | None:
    """The policy a PolicyPublished puts in force under `name`; None when withdrawn. A name
    outside the publishing tenant is an error: one platform never sets another's policy."""
    base = name.removesuffix(".shadow")
    community = base[len(tenant) + 1 :] if base.startswith(f"{tenant}/") else None
    if base != tenant and not community:
        raise PolicyError(name, None, f"not a policy of tenant {tenant!r}")
    policy_name(tenant, community)  # the same rules as when it was published
    return None if withdrawn else parse_policy(text, f"{name}.yaml")
