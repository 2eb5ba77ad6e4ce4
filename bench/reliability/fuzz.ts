/**
 * `npm run reliability:fuzz`: a million mutated SIP messages (issue 8 item 5) into a live sipd
 * process, over UDP then TCP, with a well-formed OPTIONS after every batch. Prints the rate, sipd's
 * RSS and heap along the way, the drop counters, and whether every OPTIONS got its 200.
 * Exit code 1 if sipd died, an OPTIONS went unanswered, anything was relayed, or SIGTERM failed.
 *
 * sipd runs over an empty throw-away database: no subscribers, contacts or routes, so no mutated
 * request can authenticate or be relayed (core:fwd_requests is checked).
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { createTestDatabase } from "@switchboard/db/testing";
import { type SipdProcess, spawnSipd } from "../../apps/sipd/src/testing/process.ts";
import { mb, numericOptions, readProc, runScript, sipdStats, sleep, table, udpDrops } from "./lib.ts";
import { corpus, MUTATIONS, mutate, prng } from "./mutate.ts";

const opts = numericOptions(
  "npm run reliability:fuzz -- [options]: mutated SIP messages into a live sipd over UDP and TCP",
  {
    count: 1_000_000,
    /** Share of the messages sent over TCP. */
    "tcp-share": 0.2,
    /** Mutated UDP datagrams between two OPTIONS probes. */
    batch: 100,
    /** Messages per TCP connection. */
    "per-conn": 20,
    /** TCP connections at a time. */
    parallel: 20,
    seed: 4475,
    /** Seconds to wait after the run before the last memory reading (transactions expire in 32 s). */
    settle: 40,
    /** Only this mutation kind (index in the mutations table); -1 all. */
    kind: -1,
  },
);

/** A well-formed OPTIONS to sipd itself; the default script answers 200 Keepalive. */
function options(n: number, proto: "UDP" | "TCP", localPort: number, sipdPort: number): Buffer {
  return Buffer.from(
    [
      `OPTIONS sip:127.0.0.1:${sipdPort}${proto === "TCP" ? ";transport=tcp" : ""} SIP/2.0`,
      `Via: SIP/2.0/${proto} 127.0.0.1:${localPort};branch=z9hG4bK-probe-${proto}-${n};rport`,
      "Max-Forwards: 70",
      `From: <sip:probe@127.0.0.1>;tag=p${n}`,
      `To: <sip:127.0.0.1:${sipdPort}>`,
      `Call-ID: probe-${proto}-${n}@127.0.0.1`,
      "CSeq: 1 OPTIONS",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n"),
  );
}

interface ProbeTally {
  sent: number;
  ok: number;
  /** Answered only after a retransmission (UDP). */
  retried: number;
  wrong: string[];
  unanswered: number;
}

/** UDP probe: retransmitted every 500 ms, unanswered after 8 s. */
function udpProbe(sock: UdpSocket, sipdPort: number, n: number, tally: ProbeTally): Promise<void> {
  const req = options(n, "UDP", sock.address().port, sipdPort);
  const branch = `z9hG4bK-probe-UDP-${n};`;
  tally.sent++;
  return new Promise((resolve) => {
    let tries = 0;
    const onMessage = (m: Buffer) => {
      const text = m.toString("latin1");
      if (!text.includes(branch)) return;
      done();
      const status = text.slice(0, text.indexOf("\r\n"));
      if (status === "SIP/2.0 200 Keepalive") tally.ok++;
      else tally.wrong.push(status);
      if (tries > 1) tally.retried++;
    };
    const send = () => {
      if (++tries > 16) {
        tally.unanswered++;
        done();
        return;
      }
      sock.send(req, sipdPort, "127.0.0.1");
    };
    const timer = setInterval(send, 500);
    const done = () => {
      clearInterval(timer);
      sock.off("message", onMessage);
      resolve();
    };
    sock.on("message", onMessage);
    send();
  });
}

/** A persistent TCP connection for probes; reconnects when sipd closes it. */
class TcpProber {
  private sock?: Socket;
  private buf = "";
  private waiter?: (status: string | null) => void;
  reconnects = 0;

  constructor(private readonly port: number) {}

  private async open(): Promise<Socket> {
    if (this.sock && !this.sock.destroyed) return this.sock;
    if (this.sock) this.reconnects++;
    const s = connect(this.port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      s.once("connect", resolve);
      s.once("error", reject);
    });
    this.buf = "";
    s.on("data", (d) => {
      this.buf += d.toString("latin1");
      const end = this.buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const msg = this.buf.slice(0, end);
      this.buf = this.buf.slice(end + 4);
      this.waiter?.(msg.slice(0, msg.indexOf("\r\n")));
    });
    s.on("error", () => {});
    s.on("close", () => this.waiter?.(null));
    this.sock = s;
    return s;
  }

  async probe(n: number, tally: ProbeTally): Promise<void> {
    tally.sent++;
    const s = await this.open();
    const status = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 8000);
      this.waiter = (st) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(st);
      };
      s.write(options(n, "TCP", s.localPort!, this.port));
    });
    if (status === null) tally.unanswered++;
    else if (status === "SIP/2.0 200 Keepalive") tally.ok++;
    else tally.wrong.push(status);
  }

  close(): void {
    this.sock?.destroy();
  }
}

/** Writes `messages` on a new connection, ends it and waits for the close (bounded). */
function tcpBurst(port: number, messages: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    const timer = setTimeout(() => s.destroy(), 10_000);
    s.on("error", () => {});
    s.on("data", () => {});
    s.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
    s.on("connect", () => {
      for (const m of messages) s.write(m);
      s.end();
    });
  });
}

await runScript(async (cleanup) => {
  const tdb = await createTestDatabase();
  cleanup(() => tdb.drop());
  const sipd: SipdProcess = await spawnSipd({ databaseUrl: tdb.url });
  cleanup(() => sipd.kill());
  let terminating = false;
  void sipd.exited.then((e) => {
    if (!terminating)
      console.log(`sipd exited during the run (${e.code ?? e.signal}):\n${sipd.output().slice(-4000)}`);
  });
  const t0 = Date.now();
  const rnd = prng(opts.seed);
  const target = `127.0.0.1:${sipd.port}`;
  const fuzzer = createSocket("udp4");
  const prober = createSocket("udp4");
  fuzzer.on("message", () => {}); // sipd's answers to the mutated requests
  await new Promise<void>((r) => fuzzer.bind(0, "127.0.0.1", r));
  await new Promise<void>((r) => prober.bind(0, "127.0.0.1", r));
  cleanup(() => fuzzer.close());
  cleanup(() => prober.close());
  const tcpProber = new TcpProber(sipd.port);
  cleanup(() => tcpProber.close());
  const seeds = corpus(target, (proto) =>
    proto === "UDP"
      ? `SIP/2.0/UDP 127.0.0.1:${fuzzer.address().port};branch=z9hG4bK-fz;rport`
      : "SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-fz;rport",
  );
  const tally: ProbeTally = { sent: 0, ok: 0, retried: 0, wrong: [], unanswered: 0 };
  const kinds = new Array<number>(MUTATIONS.length).fill(0);
  let probeNo = 0;
  const probeBoth = async (withTcp: boolean) => {
    await udpProbe(prober, sipd.port, ++probeNo, tally);
    if (withTcp) await tcpProber.probe(++probeNo, tally);
  };

  const heap = async () => (await sipdStats(sipd, ["shmem:used_size"]))["shmem:used_size"] / 1048576;
  const before = { ...readProc(sipd.pid, t0), heapMb: await heap() };
  await probeBoth(true);
  const curve: (string | number)[][] = [];
  let peakRss = before.rssMb;
  let sent = 0;
  let nextReport = 0;
  const report = async (phase: string) => {
    const p = readProc(sipd.pid, t0);
    peakRss = Math.max(peakRss, p.rssMb);
    curve.push([
      phase,
      sent,
      p.atSec,
      Math.round(sent / Math.max(0.001, (Date.now() - t0) / 1000)),
      mb(p.rssMb),
      mb(await heap()),
      p.fds,
    ]);
    console.log(`  ${phase} ${sent} messages, ${p.atSec} s, RSS ${mb(p.rssMb)} MB, fds ${p.fds}`);
  };
  const step = Math.max(opts.count / 10, 1);

  const udpCount = Math.round(opts.count * (1 - opts["tcp-share"]));
  console.log(
    `sipd pid ${sipd.pid} on ${target}; ${seeds.UDP.length} seeds; ${udpCount} messages over UDP, ${opts.count - udpCount} over TCP`,
  );
  const udpStart = Date.now();
  while (sent < udpCount) {
    const n = Math.min(opts.batch, udpCount - sent);
    await Promise.all(
      Array.from({ length: n }, () => {
        const m = mutate(rnd, seeds.UDP, 65_000, opts.kind);
        kinds[m.kind]++;
        return new Promise<void>((resolve) => fuzzer.send(m.data, sipd.port, "127.0.0.1", () => resolve()));
      }),
    );
    sent += n;
    await probeBoth(sent % (opts.batch * 20) === 0);
    if (sent >= nextReport) {
      await report("udp");
      nextReport += step;
    }
  }
  const udpSec = (Date.now() - udpStart) / 1000;

  const tcpStart = Date.now();
  const tcpTotal = opts.count - udpCount;
  let tcpSent = 0;
  while (tcpSent < tcpTotal) {
    const bursts: Buffer[][] = [];
    for (let c = 0; c < opts.parallel && tcpSent < tcpTotal; c++) {
      const k = Math.min(opts["per-conn"], tcpTotal - tcpSent);
      bursts.push(
        Array.from({ length: k }, () => {
          const m = mutate(rnd, seeds.TCP, 2_000_000, opts.kind);
          kinds[m.kind]++;
          return m.data;
        }),
      );
      tcpSent += k;
    }
    await Promise.all(bursts.map((b) => tcpBurst(sipd.port, b)));
    sent = udpCount + tcpSent;
    await probeBoth(true);
    if (sent >= nextReport) {
      await report("tcp");
      nextReport += step;
    }
  }
  const tcpSec = (Date.now() - tcpStart) / 1000;
  await report("end");
  const stats = await sipdStats(sipd);
  const drops = udpDrops(sipd.port);
  const afterRun = { ...readProc(sipd.pid, t0), heapMb: await heap() };
  console.log(`settling ${opts.settle} s (transactions expire) ...`);
  await sleep(opts.settle * 1000);
  await probeBoth(true);
  const settled = { ...readProc(sipd.pid, t0), heapMb: await heap() };
  const alive = await sipd
    .rpc()
    .callRaw("core.version", [])
    .then(
      () => true,
      () => false,
    );
  terminating = true;
  const exit = await sipd.terminate();

  console.log("\nmemory curve (RSS and V8 heap of sipd)");
  console.log(table(["phase", "messages", "s", "msg/s", "RSS MB", "heap MB", "fds"], curve));
  console.log("\nmutations");
  console.log(
    table(
      ["kind", "messages"],
      MUTATIONS.map((k, i) => [k, kinds[i]]),
    ),
  );
  console.log("\nsummary");
  const c = (k: string) => stats[`core:${k}`] ?? 0;
  console.log(
    table(
      ["", ""],
      [
        [
          "messages sent",
          `${opts.count} (UDP ${udpCount}, TCP ${tcpTotal} on ${Math.ceil(tcpTotal / opts["per-conn"])} connections)`,
        ],
        ["UDP rate", `${Math.round(udpCount / udpSec)} msg/s (${udpSec.toFixed(0)} s)`],
        ["TCP rate", `${Math.round(tcpTotal / Math.max(tcpSec, 0.001))} msg/s (${tcpSec.toFixed(0)} s)`],
        [
          "sipd core",
          `rcv_requests ${c("rcv_requests")}, rcv_replies ${c("rcv_replies")}, drop_requests ${c("drop_requests")}, err_requests ${c("err_requests")}, drop_replies ${c("drop_replies")}`,
        ],
        ["relayed", `fwd_requests ${c("fwd_requests")}, fwd_replies ${c("fwd_replies")}`],
        ["UDP drops", `${drops} datagrams dropped at sipd's socket (receive buffer full)`],
        [
          "OPTIONS probes",
          `${tally.sent} sent, ${tally.ok} answered 200, ${tally.retried} needed a UDP retransmission, ${tally.unanswered} unanswered, ${tally.wrong.length} other answers ${tally.wrong.slice(0, 3).join(" | ")}; TCP probe reconnects ${tcpProber.reconnects}`,
        ],
        [
          "RSS MB",
          `before ${mb(before.rssMb)}, peak ${mb(peakRss)}, after ${mb(afterRun.rssMb)}, after ${opts.settle} s ${mb(settled.rssMb)}`,
        ],
        [
          "heap MB",
          `before ${mb(before.heapMb)}, after ${mb(afterRun.heapMb)}, after ${opts.settle} s ${mb(settled.heapMb)}`,
        ],
        ["fds", `before ${before.fds}, after ${afterRun.fds}, after ${opts.settle} s ${settled.fds}`],
        ["sipd", `${alive ? "alive" : "NOT ANSWERING"} at the end; SIGTERM exit ${exit.code ?? exit.signal}`],
      ],
    ),
  );
  const failed =
    !alive ||
    exit.code !== 0 ||
    tally.unanswered > 0 ||
    tally.wrong.length > 0 ||
    c("fwd_requests") > 0 ||
    c("fwd_replies") > 0;
  if (failed) {
    console.log(`\nFAILED\n${sipd.output().slice(-3000)}`);
    process.exitCode = 1;
  }
});
