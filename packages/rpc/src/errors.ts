/** Errors thrown by the RPC client (client.ts), one class per thing a caller may want to react to. */

export class RpcClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The node could not be reached (connection refused, DNS failure, reset, ...). */
export class RpcUnreachableError extends RpcClientError {
  constructor(
    public readonly url: string,
    public readonly code: string,
    cause?: unknown,
  ) {
    super(`node unreachable: ${url}: ${code}`, { cause });
  }
}

/** The node does not have this command (Kamailio: module not loaded; sipd: not registered). */
export class RpcMethodNotFoundError extends RpcClientError {
  constructor(public readonly method: string) {
    super(`method not found on this node: ${method}`);
  }
}

/** The node refused us: source not allowed, token missing or wrong (HTTP 401/403). */
export class RpcForbiddenError extends RpcClientError {
  constructor(public readonly status = 403) {
    super("forbidden");
  }
}

/** No complete answer within the client's timeoutMs. */
export class RpcTimeoutError extends RpcClientError {
  constructor(
    public readonly url: string,
    public readonly method: string,
    public readonly timeoutMs: number,
  ) {
    super(`timed out after ${timeoutMs} ms: ${method} on ${url}`);
  }
}

/** The command answered with a fault (JSON-RPC error / XML-RPC <fault>). */
export class RpcFaultError extends RpcClientError {
  constructor(
    public readonly code: number,
    public readonly faultString: string,
  ) {
    super(`rpc fault ${code}: ${faultString}`);
  }
}

/** The answer was not a JSON-RPC / XML-RPC response (wrong URL, proxy error page, ...). */
export class RpcProtocolError extends RpcClientError {
  constructor(
    message: string,
    public readonly status?: number,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}
