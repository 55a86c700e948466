#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Ansible module for twtune: apply a TIME_WAIT tuning profile idempotently,
# roll it back, or return the audit as facts.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: twtune
short_description: Audit and tune the kernel settings behind TCP TIME_WAIT pressure
description:
  - Runs C(twtune apply NAME --json) to apply a named twtune profile. Only keys
    that differ are written, each is read back, and a failure restores what was
    written. Check mode runs C(--check) and writes nothing; diff mode returns the
    sysctl.conf text before and after.
  - With I(state=audit), runs C(twtune audit --json) and returns the report as
    the fact C(twtune_audit); the task fails when the risk reaches I(fail_on).
  - With I(state=rolled_back), runs C(twtune rollback --json).
options:
  name:
    description: Profile name (or path) to apply, or to audit against.
    type: str
  state:
    description: What to do.
    type: str
    choices: [applied, audit, rolled_back]
    default: applied
  persist:
    description: Also write the values to a sysctl.d file so they survive a reboot.
    type: bool
    default: false
  persist_file:
    description: The file to persist to (implies I(persist)); default /etc/sysctl.d/90-twtune.conf.
    type: path
  state_dir:
    description: twtune's journal and lock directory.
    type: path
  fail_on:
    description: With I(state=audit), fail the task when the risk reaches this severity.
    type: str
    choices: [info, warn, crit, never]
    default: crit
  profile_dirs:
    description: Directories searched for profiles before the default search path.
    type: list
    elements: path
    default: []
  netns:
    description: Network namespace to work in (name under /run/netns or a path).
    type: str
  binary:
    description: The twtune executable.
    type: path
    default: twtune
requirements:
  - twtune on the managed host
author:
  - twtune developers
"""

EXAMPLES = r"""
- name: Tune reverse proxies for many short upstream connections
  twtune:
    name: proxy-profile
    persist: true

- name: Audit, failing the host on critical risk
  twtune:
    state: audit
    fail_on: crit
  register: audit

- name: Act on the audit
  ansible.builtin.debug:
    msg: "worst risk {{ twtune_audit.risk }}"
  when: twtune_audit.risk != 'ok'

- name: Undo the last apply
  twtune:
    state: rolled_back
"""

RETURN = r"""
changed:
  description: Whether any sysctl was (or in check mode would be) changed.
  type: bool
  returned: always
changes:
  description: The keys changed, each with before and after.
  type: list
  elements: dict
  returned: state=applied or state=rolled_back
persisted:
  description: The sysctl.d file written, or null.
  type: str
  returned: state=applied
risk_before:
  description: Highest severity before the change.
  type: str
  returned: state=applied, when twtune reports it
risk_after:
  description: Predicted highest severity after the change.
  type: str
  returned: state=applied, when twtune reports it
diff:
  description: sysctl.conf text before and after (diff mode).
  type: dict
  returned: diff mode
ansible_facts:
  description: With state=audit, C(twtune_audit) holds the whole audit report.
  type: dict
  returned: state=audit
"""

import json

from ansible.module_utils.basic import AnsibleModule

SEVERITIES = ["ok", "info", "warn", "crit"]


def base_command(module):
    p = module.params
    cmd = [module.get_bin_path(p["binary"], required=True)]
    for d in p["profile_dirs"]:
        cmd += ["--profile-dir", d]
    if p["netns"]:
        cmd += ["--netns", p["netns"]]
    return cmd


def run_json(module, cmd, ok_codes=(0,)):
    rc, out, err = module.run_command(cmd)
    if rc not in ok_codes:
        module.fail_json(msg=(err.strip() or out.strip() or "twtune failed"), rc=rc, cmd=cmd)
    try:
        return rc, json.loads(out)
    except ValueError as e:
        module.fail_json(msg="twtune printed no JSON: %s" % e, rc=rc, stdout=out, stderr=err)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str"),
            state=dict(type="str", default="applied", choices=["applied", "audit", "rolled_back"]),
            persist=dict(type="bool", default=False),
            persist_file=dict(type="path"),
            state_dir=dict(type="path"),
            fail_on=dict(type="str", default="crit", choices=["info", "warn", "crit", "never"]),
            profile_dirs=dict(type="list", elements="path", default=[]),
            netns=dict(type="str"),
            binary=dict(type="path", default="twtune"),
        ),
        required_if=[("state", "applied", ["name"])],
        supports_check_mode=True,
    )
    p = module.params
    cmd = base_command(module)

    if p["state"] == "audit":
        cmd += ["audit", "--json", "--fail-on", "never"]
        if p["name"]:
            cmd.append(p["name"])
        rc, report = run_json(module, cmd)
        result = dict(changed=False, ansible_facts=dict(twtune_audit=report), risk=report.get("risk"))
        risk = report.get("risk", "ok")
        if p["fail_on"] != "never" and SEVERITIES.index(risk) >= SEVERITIES.index(p["fail_on"]):
            module.fail_json(msg="twtune audit: risk %s reaches %s" % (risk, p["fail_on"]), **result)
        module.exit_json(**result)

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
    if module.check_mode:
        cmd.append("--check")
    if p["state"] == "applied":
        cmd.append(p["name"])

    rc, res = run_json(module, cmd)
    result = dict(
        changed=bool(res.get("changed")),
        changes=res.get("changes", []),
        persisted=res.get("persisted"),
    )
    for k in ("risk_before", "risk_after", "profile"):
        if k in res:
            result[k] = res[k]
    if module._diff and "diff" in res:
        result["diff"] = dict(
            before=res["diff"].get("before", ""),
            after=res["diff"].get("after", ""),
            before_header="sysctl (current)",
            after_header="sysctl (%s)" % (p["name"] or "rollback"),
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
