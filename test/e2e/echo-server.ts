import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a loopback server received: the API keys sent to `/auth/token`. */
export interface EchoServer {
  url: string;
  keysReceived: string[];
  close(): Promise<void>;
}

/**
 * A hostile or careless "Actito" on loopback: it hands out a token, then answers every other call
 * with `status` and a body built from the key it was sent (to see that none of it reaches output).
 * With `refuse`, `/auth/token` itself answers 401 with that body.
 */
export async function startEchoServer(
  body: (key: string) => string,
  options: { status?: number; refuse?: boolean } = {},
): Promise<EchoServer> {
  const keysReceived: string[] = [];
  let lastKey = "";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? "").split("?")[0];
    if (path === "/auth/token") {
      lastKey = String(req.headers.authorization ?? "");
      keysReceived.push(lastKey);
      if (options.refuse) {
        res.writeHead(401, { "content-type": "application/json" }).end(body(lastKey));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          accessToken: "tok-echo-0123456789",
          tokenType: "bearer",
          expiresIn: "900s",
          scope: "rw",
          jti: "j",
        }),
      );
      return;
    }
    res.writeHead(options.status ?? 400, { "content-type": "application/json" }).end(body(lastKey));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keysReceived,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The forms in which a key is echoed back by the server, the way issue 15 saw them reach the plan. */
export function echoedForms(key: string): Record<string, string> {
  return {
    exact: key,
    prefix: key.slice(0, 12),
    suffix: key.slice(-10),
    middle: key.slice(5, 17),
    base64: Buffer.from(key).toString("base64"),
    base64url: Buffer.from(key).toString("base64url"),
    urlEncoded: encodeURIComponent(key),
    jsonEscaped: JSON.stringify(key).slice(1, -1),
  };
}
