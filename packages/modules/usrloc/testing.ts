/** Test helpers shared by the usrloc, registrar and RPC tests: a controllable clock and binding factory. */
import { ALL_METHODS, Q_UNSPECIFIED, type UContact } from "./ucontact.ts";

/** A clock tests move by hand; `now()` is in milliseconds like Date.now. */
export function manualClock(startSec = 1_800_000_000) {
  let ms = startSec * 1000;
  return {
    now: () => ms,
    sec: () => Math.floor(ms / 1000),
    advance(seconds: number) {
      ms += seconds * 1000;
    },
  };
}

let seq = 0;

/** A binding with sensible defaults; expires is relative to `nowSec`. */
export function makeBinding(
  aor: string,
  contact: string,
  nowSec: number,
  over: Partial<UContact> = {},
): UContact {
  seq++;
  return {
    ruid: `uloc-test-${process.pid}-${seq}`,
    aor,
    contact,
    received: "",
    path: "",
    expires: nowSec + 3600,
    q: Q_UNSPECIFIED,
    callid: `call-${seq}@test`,
    cseq: 1,
    flags: 0,
    cflags: 0,
    userAgent: "test-ua",
    socket: "udp:127.0.0.1:5060",
    methods: ALL_METHODS,
    instance: "",
    regId: 0,
    serverId: 0,
    connectionId: -1,
    keepalive: 0,
    lastKeepalive: nowSec,
    lastModified: nowSec,
    state: "CS_NEW",
    ...over,
  };
}
