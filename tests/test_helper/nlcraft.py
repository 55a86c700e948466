#!/usr/bin/env python3
"""Crafts broken sock_diag dumps from a good one recorded with
TWTUNE_DIAG_RECORD, for TWTUNE_DIAG_REPLAY.

  nlcraft.py IN OUT no-last-done     the dump without its last NLMSG_DONE
  nlcraft.py IN OUT cut N            only the first N bytes (mid-message)
  nlcraft.py IN OUT error-after N E  NLMSG_ERROR with -E after message N
  nlcraft.py IN OUT done-error E     AF_INET's NLMSG_DONE carries -E
  nlcraft.py IN OUT intr K           K interrupted attempts of AF_INET
                                     (NLM_F_DUMP_INTR), then the whole dump
  nlcraft.py IN - count              prints: messages, NLMSG_DONE, sockets
"""
import struct
import sys

NLMSG_ERROR, NLMSG_DONE, SOCK_DIAG_BY_FAMILY = 2, 3, 20
NLM_F_MULTI, NLM_F_DUMP_INTR = 0x2, 0x10
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
    types = [HDR.unpack_from(m)[1] for m in msgs]
    dones = [i for i, t in enumerate(types) if t == NLMSG_DONE]
    if op == "count":
        print(len(msgs), len(dones), types.count(SOCK_DIAG_BY_FAMILY))
        return
    if len(dones) != 2:
        sys.exit(f"nlcraft: {src} holds {len(dones)} NLMSG_DONE, not 2")
    if op == "no-last-done":
        out = b"".join(msgs[:dones[1]])
    elif op == "cut":
        out = b"".join(msgs)[:int(args[0])]
    elif op == "error-after":
        n = int(args[0])
        out = b"".join(msgs[:n]) + error_msg(int(args[1])) + b"".join(msgs[n:])
    elif op == "done-error":
        msgs[dones[0]] = done_msg(int(args[0]))
        out = b"".join(msgs)
    elif op == "intr":
        first = msgs[:dones[0] + 1]
        bad = [first[0]] if len(first) == 1 else [with_flags(first[0], NLM_F_DUMP_INTR)] + first[1:]
        bad[-1] = with_flags(bad[-1], NLM_F_DUMP_INTR)
        out = b"".join(bad) * int(args[0]) + b"".join(msgs)
    else:
        sys.exit(f"nlcraft: unknown operation '{op}'")
    open(dst, "wb").write(out)


main()
