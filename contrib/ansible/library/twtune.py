#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# -*- coding: utf-8 -*-
# Ansible module for twtune: apply a TIME_WAIT tuning profile idempotently,
# roll it back, or return the audit as facts. It only runs the twtune
# binary (an argv list, no shell) and reads its JSON; twtune does the
# planning, journalling, writing and verifying.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: twtune
short_description: Audit and tune the kernel settings behind TCP TIME_WAIT pressure
description:
  - With I(state=applied) (the default), runs C(twtune apply --json --yes NAME).
    twtune writes only the keys that differ, reads each back, journals the old
    values and restores them when a write does not stick, so a second run
    reports C(changed=false).
  - Check mode adds C(--check), so twtune reports what would change and writes
    nothing, neither sysctls nor its journal nor the persisted file.
  - Diff mode returns the managed keys as sysctl.conf text before and after.
  - With I(state=audit), runs C(twtune audit --json) and returns the report as
    the fact C(twtune_audit). The task fails when the risk reaches I(fail_on)
    (twtune's exit code 1); with I(fail_on=never) it never fails on risk. An
    audit writes nothing, so it runs in check mode too.
  - With I(state=audit) and I(all_netns=true), runs C(twtune --all-netns audit
    --json), which audits every network namespace of the host, the host's first. The fact
    C(twtune_netns) is the list of namespaces (each C(netns), C(status),
    C(reason), C(judged_from_counters) and C(audit)); C(twtune_audit) is the
    audit of the worst one, and C(worst_netns) says which. The task fails when
    the highest risk of them reaches I(fail_on).
  - With I(state=rolled_back), runs C(twtune rollback --json --yes), which puts
    back the values (and the persisted file) from before the first apply
    since the last rollback (the journal keeps the originals).
  - twtune's exit codes 2 (usage), 3 (bad input) and 4 (system error) fail the
    task with twtune's own error line as the message.
options:
  name:
    description:
      - Profile name (or path to an C(.ini) file) to apply.
      - With I(state=audit), a profile to judge instead of twtune's suggestion.
      - Ignored with I(state=rolled_back).
    type: str
  state:
    description: What to do.
    type: str
    choices: [applied, audit, rolled_back]
    default: applied
  persist:
    description:
      - Also write the values to a sysctl.d file so they survive a reboot
        (C(--persist)); twtune's default file is C(/etc/sysctl.d/90-twtune.conf).
      - Only with I(state=applied).
    type: bool
    default: false
  persist_file:
    description: The sysctl.d file to persist to (C(--persist=FILE)); implies I(persist).
    type: path
  state_dir:
    description: twtune's journal and lock directory (C(--state-dir)); twtune's default is C(/var/lib/twtune).
    type: path
  wait:
    description: Seconds to wait for another twtune apply or rollback to finish (C(--wait)).
    type: int
  fail_on:
    description: With I(state=audit), fail the task when the risk reaches this severity.
    type: str
    choices: [info, warn, crit, never]
    default: crit
  profile_dirs:
    description: Directories searched for profiles before twtune's default search path.
    type: list
    elements: path
    default: []
  netns:
    description: Network namespace to work in (a name under C(/run/netns) or a path).
    type: str
  all_netns:
    description:
      - With I(state=audit), audit every network namespace of the host (C(--all-netns)).
      - Not with I(netns), nor with I(state=applied) or I(state=rolled_back), which work
        on one namespace.
    type: bool
    default: false
  binary:
    description: The twtune executable, a path or a name looked up in C(PATH) and the sbin directories.
    type: path
    default: twtune
notes:
  - Supports check mode and diff mode.
  - The persisted file is rewritten (and the task reports C(changed)) when its
    text differs even if the kernel already has the values.
requirements:
  - twtune on the managed host
author:
  - twtune maintainers (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Tune reverse proxies for many short upstream connections, also at boot
  twtune:
    name: proxy-profile
    persist: true

- name: Audit, failing the host on critical risk
  twtune:
    state: audit
    fail_on: crit

- name: Act on the audit
  ansible.builtin.debug:
    msg: "worst risk {{ twtune_audit.risk }}"
  when: twtune_audit.risk != 'ok'

- name: Audit every container's and pod's network namespace too
  twtune:
    state: audit
    all_netns: true
    fail_on: crit

- name: Back to the values from before twtune's applies
  twtune:
    state: rolled_back
"""

RETURN = r"""
changed:
  description: Whether a sysctl or the persisted file was (in check mode, would be) changed.
  type: bool
  returned: always
changes:
  description: The keys changed (in check mode, to be changed), each with C(key), C(before) and C(after).
  type: list
  elements: dict
  returned: state=applied or state=rolled_back
  sample: [{"key": "net.ipv4.tcp_tw_reuse", "before": "2", "after": "1"}]
persisted:
  description: The sysctl.d file written (or, in check mode, to be written), or null.
  type: str
  returned: state=applied or state=rolled_back
profile:
  description: The profile applied, or the one a rollback undoes (null when there was nothing to undo).
  type: str
  returned: state=applied or state=rolled_back
skipped:
  description: Profile keys the running kernel does not have.
  type: list
  elements: str
  returned: state=applied
risk_before:
  description: Highest severity before the change.
  type: str
  returned: state=applied, when twtune could audit
risk_after:
  description: Predicted highest severity after the change.
  type: str
  returned: state=applied, when twtune could audit
risk:
  description: Highest severity found by the audit (ok, info, warn, crit); with I(all_netns), of all namespaces read.
  type: str
  returned: state=audit
worst_netns:
  description: The namespace with the highest risk (the first of them), with C(inode), C(label), C(risk) and C(top) (its highest finding, or null).
  type: dict
  returned: state=audit with all_netns
  sample: {"inode": 4026532611, "label": "pod 4c1a9e02", "risk": "crit", "top": "port-exhaustion: 127.0.0.1 -> 127.0.0.1:8080 uses 900 of 1000 usable ports (90%)"}
diff:
  description: The managed keys as sysctl.conf text before and after.
  type: dict
  returned: diff mode, state=applied or state=rolled_back
ansible_facts:
  description:
    - C(twtune_audit), the whole audit report (twtune audit --json); with I(all_netns), the worst namespace's.
    - With I(all_netns), also C(twtune_netns), the namespaces of twtune --all-netns audit --json.
  type: dict
  returned: state=audit
"""

import json

from ansible.module_utils.basic import AnsibleModule

SEVERITIES = ("ok", "info", "warn", "crit")


def last_line(text):
    """The last non-empty line: twtune's error line, after any warnings."""
    lines = [l.strip() for l in (text or "").splitlines() if l.strip()]
    return lines[-1] if lines else ""


def run_twtune(module, cmd, ok_codes=(0,)):
    """Runs cmd; fails the task on an exit code not in ok_codes or on output
    that is not one JSON object; returns (rc, object, stderr)."""
    rc, out, err = module.run_command(cmd, environ_update={"NO_COLOR": "1"})
    if rc not in ok_codes:
        module.fail_json(
            msg=last_line(err) or "twtune exited %d and said nothing" % rc,
            rc=rc, cmd=cmd, stdout=out, stderr=err,
        )
    try:
        res = json.loads(out)
    except ValueError as e:
        module.fail_json(msg="twtune printed no JSON: %s" % e, rc=rc, cmd=cmd, stdout=out, stderr=err)
    if not isinstance(res, dict):
        module.fail_json(msg="twtune printed JSON that is not an object", rc=rc, cmd=cmd, stdout=out)
    return rc, res, err


def global_options(module):
    p = module.params
    cmd = [module.get_bin_path(p["binary"], required=True)]
    for d in p["profile_dirs"]:
        cmd += ["--profile-dir", d]
    if p["netns"]:
        cmd += ["--netns", p["netns"]]
    if p["all_netns"]:
        cmd.append("--all-netns")
    return cmd


def top_finding(report):
    """The first finding at the report's risk, as "id: title", or None."""
    for f in report.get("findings", []):
        if f.get("severity") == report.get("risk") and f.get("severity") != "ok":
            return "%s: %s" % (f.get("id"), f.get("title"))
    return None


def worst_namespace(doc):
    """The first namespace read with the highest risk, or None."""
    worst = None
    for ns in doc.get("namespaces") or []:
        a = ns.get("audit")
        if ns.get("status") != "read" or not isinstance(a, dict) or a.get("risk") not in SEVERITIES:
            continue
        if worst is None or SEVERITIES.index(a["risk"]) > SEVERITIES.index(worst["audit"]["risk"]):
            worst = ns
    return worst


def audit(module, cmd):
    p = module.params
    cmd += ["audit", "--json", "--fail-on", p["fail_on"]]
    if p["name"]:
        cmd.append(p["name"])
    # 1 is twtune saying the risk reached --fail-on: a finding, not an error.
    rc, report, err = run_twtune(module, cmd, ok_codes=(0, 1))
    where = ""
    if p["all_netns"]:
        doc, worst = report, worst_namespace(report)
        report = worst["audit"] if worst else {}
        result = dict(changed=False, risk=report.get("risk"),
                      ansible_facts=dict(twtune_audit=report, twtune_netns=doc.get("namespaces") or []))
        if worst:
            result["worst_netns"] = dict(inode=worst["netns"].get("inode"),
                                         label=worst["netns"].get("label"),
                                         risk=report.get("risk"), top=top_finding(report))
            where = " in netns %s (inode %s)" % (worst["netns"].get("label"), worst["netns"].get("inode"))
    else:
        result = dict(changed=False, risk=report.get("risk"), ansible_facts=dict(twtune_audit=report))
    risk = result["risk"]
    if rc == 1:
        floor = SEVERITIES.index(p["fail_on"])
        worst = [
            "%s: %s" % (f.get("id"), f.get("title"))
            for f in report.get("findings", [])
            if f.get("severity") in SEVERITIES and SEVERITIES.index(f["severity"]) >= floor
        ]
        module.fail_json(
            msg="twtune audit: risk %s%s reaches fail_on=%s%s"
            % (risk, where, p["fail_on"], (": " + "; ".join(worst)) if worst else ""),
            rc=rc, **result
        )
    module.exit_json(**result)


def change(module, cmd):
    p = module.params
    if p["state"] == "rolled_back":
        cmd += ["rollback", "--json", "--yes"]
    else:
        cmd += ["apply", "--json", "--yes"]
        if p["persist_file"]:
            cmd.append("--persist=%s" % p["persist_file"])
        elif p["persist"]:
            cmd.append("--persist")
    if p["state_dir"]:
        cmd += ["--state-dir", p["state_dir"]]
    if p["wait"] is not None:
        cmd += ["--wait", str(p["wait"])]
    if module.check_mode:
        cmd.append("--check")
    if p["state"] == "applied":
        # "--" so that a profile path starting with "-" is never an option.
        cmd += ["--", p["name"]]

    rc, res, err = run_twtune(module, cmd)
    for w in res.get("warnings") or []:
        module.warn("twtune: %s" % w)
    for k in res.get("skipped") or []:
        module.warn("twtune: net.ipv4.%s is not supported by this kernel" % k)
    result = dict(
        changed=bool(res.get("changed")),
        changes=res.get("changes") or [],
        persisted=res.get("persisted"),
        profile=res.get("profile"),
    )
    if p["state"] == "applied":
        result["skipped"] = res.get("skipped") or []
        for k in ("risk_before", "risk_after"):
            if k in res:
                result[k] = res[k]
    if module._diff and isinstance(res.get("diff"), dict):
        result["diff"] = dict(
            before=res["diff"].get("before", ""),
            after=res["diff"].get("after", ""),
            before_header="sysctl (now)",
            after_header="sysctl (%s)" % (
                p["name"] if p["state"] == "applied" else "after rollback"),
        )
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str"),
            state=dict(type="str", default="applied", choices=["applied", "audit", "rolled_back"]),
            persist=dict(type="bool", default=False),
            persist_file=dict(type="path"),
            state_dir=dict(type="path"),
            wait=dict(type="int"),
            fail_on=dict(type="str", default="crit", choices=["info", "warn", "crit", "never"]),
            profile_dirs=dict(type="list", elements="path", default=[]),
            netns=dict(type="str"),
            all_netns=dict(type="bool", default=False),
            binary=dict(type="path", default="twtune"),
        ),
        required_if=[("state", "applied", ["name"])],
        supports_check_mode=True,
    )
    p = module.params
    if p["wait"] is not None and p["wait"] < 0:
        module.fail_json(msg="wait = %d: use 0 or more seconds" % p["wait"])
    if p["state"] != "applied" and (p["persist"] or p["persist_file"]):
        module.fail_json(msg="persist and persist_file go with state=applied only; "
                         "a rollback restores the persisted file from the journal")
    if p["all_netns"] and p["netns"]:
        module.fail_json(msg="netns and all_netns exclude each other")
    if p["all_netns"] and p["state"] != "audit":
        module.fail_json(msg="all_netns goes with state=audit only; applied and rolled_back "
                         "work on one namespace: use netns")
    cmd = global_options(module)
    if p["state"] == "audit":
        audit(module, cmd)
    else:
        change(module, cmd)


if __name__ == "__main__":
    main()
