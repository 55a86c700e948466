#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Crafts broken sock_diag dumps from a good one recorded with
TWTUNE_DIAG_RECORD, for TWTUNE_DIAG_REPLAY. A recording holds the requests
(NLM_F_REQUEST) and the replies: one NLMSG_DONE for a one-walk dump
(TCPDIAG_GETSOCK), two for a dump per family (SOCK_DIAG_BY_FAMILY).

  nlcraft.py IN OUT no-last-done     the dump without its last NLMSG_DONE
  nlcraft.py IN OUT cut N            only the first N bytes (mid-message)
  nlcraft.py IN OUT error-after N E  NLMSG_ERROR with -E after message N
  nlcraft.py IN OUT done-error E     the first NLMSG_DONE carries -E
  nlcraft.py IN OUT intr K           K interrupted attempts of the first
                                     request (NLM_F_DUMP_INTR), then the whole
  nlcraft.py IN - count              prints: replies, NLMSG_DONE, sockets
                                     (or conntrack entries)
The same operations serve ctnetlink dumps (tests/conntrack.bats).
"""
import struct
import sys

NLMSG_ERROR, NLMSG_DONE, TCPDIAG_GETSOCK, SOCK_DIAG_BY_FAMILY = 2, 3, 18, 20
# ctnetlink replies: (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW
CTNL_CT_NEW = 0x100
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_DUMP_INTR = 0x1, 0x2, 0x10
HDR = struct.Struct("=IHHII")


def messages(data):
    off = 0
    while off < len(data):
        length = HDR.unpack_from(data, off)[0]
        if length < HDR.size or off + length > len(data):
            sys.exit(f"nlcraft: bad message at offset {off}")
        yield data[off:off + ((length + 3) & ~3)]
        off += (length + 3) & ~3


def with_flags(msg, flags):
    length, typ, old, seq, pid = HDR.unpack_from(msg)
    return HDR.pack(length, typ, old | flags, seq, pid) + msg[HDR.size:]


def error_msg(errno):
    # struct nlmsgerr: int error, then the request's header
    body = struct.pack("=i", -errno) + HDR.pack(HDR.size, SOCK_DIAG_BY_FAMILY, 0, 0, 0)
    return HDR.pack(HDR.size + len(body), NLMSG_ERROR, 0, 0, 0) + body


def done_msg(errno):
    return HDR.pack(HDR.size + 4, NLMSG_DONE, NLM_F_MULTI, 0, 0) + struct.pack("=i", -errno)


def main():
    src, dst, op, *args = sys.argv[1:]
    msgs = list(messages(open(src, "rb").read()))
    request = [bool(HDR.unpack_from(m)[2] & NLM_F_REQUEST) for m in msgs]
    types = [None if r else HDR.unpack_from(m)[1] for m, r in zip(msgs, request)]
    dones = [i for i, t in enumerate(types) if t == NLMSG_DONE]
    if op == "count":
        sockets = sum(t in (TCPDIAG_GETSOCK, SOCK_DIAG_BY_FAMILY, CTNL_CT_NEW) for t in types)
        print(len(msgs) - sum(request), len(dones), sockets)
        return
    if len(dones) not in (1, 2):
        sys.exit(f"nlcraft: {src} holds {len(dones)} NLMSG_DONE, not 1 or 2")
    if op == "no-last-done":
        out = b"".join(msgs[:dones[-1]])
    elif op == "cut":
        out = b"".join(msgs)[:int(args[0])]
    elif op == "error-after":
        n = int(args[0])
        out = b"".join(msgs[:n]) + error_msg(int(args[1])) + b"".join(msgs[n:])
    elif op == "done-error":
        msgs[dones[0]] = done_msg(int(args[0]))
        out = b"".join(msgs)
    elif op == "intr":
        bad = [m if r else with_flags(m, NLM_F_DUMP_INTR)
               for m, r in zip(msgs[:dones[0] + 1], request)]
        out = b"".join(bad) * int(args[0]) + b"".join(msgs)
    else:
        sys.exit(f"nlcraft: unknown operation '{op}'")
    open(dst, "wb").write(out)


main()
