/**
 * Test helpers (used by this package's tests; importable as "@switchboard/rpc/testing"): a registry with
 * Kamailio-shaped sample commands, and a raw HTTP POST that returns status, headers and body as they came.
 */
import http from "node:http";
import { RpcError, RpcRegistry, registerSystemMethods } from "./registry.ts";

/** system.* plus sample commands answering with the shapes of the real Kamailio fixtures. */
export function sampleRegistry(): RpcRegistry {
  const reg = new RpcRegistry();
  registerSystemMethods(reg);
  reg.register({
    name: "core.version",
    doc: "Returns the version string of the server.",
    handler: () => "switchboard-test 0.1.0 (x86_64/linux)",
  });
  reg.register({
    name: "core.uptime",
    doc: "Returns uptime of SIP server.",
    handler: () => ({ now: "Sun Nov 22 13:29:26 2026", up_since: "Sun Nov 22 13:28:20 2026", uptime: 66 }),
  });
  reg.register({
    name: "dispatcher.list",
    doc: "Return the content of dispatcher sets",
    handler: () => ({
      NRSETS: 1,
      RECORDS: [
        { SET: { ID: 1, TARGETS: [{ DEST: { URI: "sip:127.0.0.1:5070", FLAGS: "AX", PRIORITY: 0 } }] } },
      ],
    }),
  });
  reg.register({
    name: "stats.get_statistics",
    doc: "Print counters",
    flags: { returnsArray: true },
    params: "selector:str ...",
    handler: (params) => {
      if (params.length === 0) throw new RpcError(400, "Invalid Parameters");
      return ["core:rcv_requests = 565", "shmem:used_size = 2584232", "tmx:2xx_transactions = 300"];
    },
  });
  reg.register({
    name: "dialplan.translate",
    doc: "Perform dialplan translation",
    params: "dpid:int, input:str",
    handler: ([dpid, input]) => {
      if (typeof dpid !== "number" || typeof input !== "string")
        throw new RpcError(400, "Invalid Parameters");
      return { Output: `+49${input.replace(/^0/, "")}`, Attributes: "" };
    },
  });
  reg.register({
    name: "ul.rm",
    doc: "Delete a address of record including its contacts",
    params: "table:str, aor:str",
    handler: () => undefined,
  });
  reg.register({
    name: "t.types",
    doc: "Every scalar type and a nested struct",
    handler: () => ({
      int: -5,
      big: 4294967295,
      double: 0.25,
      bool: false,
      str: "<&>\"'",
      nil: null,
      list: [1, [2]],
    }),
  });
  return reg;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** POSTs `body` (or another method) to `url` and reads the whole answer. */
export function httpRequest(
  url: string,
  body: string | Buffer = "",
  headers: http.OutgoingHttpHeaders = {},
  method = "POST",
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
