import { parentPort } from "node:worker_threads";

/** What SqliteThread posts to its thread: a request with its id, or the request to stop. */
export type ThreadMessage<Request> = { id: number; request: Request } | { close: true };

/** A failure as it crosses a thread's boundary: its message and its SQLite code. */
export interface ThreadError {
  message: string;
  code?: string;
}

/** An error as plain data (a thread's message cannot carry an Error's code). */
export function serialisable(error: unknown): ThreadError {
  const { message, code } = error as { message?: unknown; code?: unknown };
  return { message: String(message), ...(typeof code === "string" ? { code } : {}) };
}

/** What the thread answers: the request's id and its reply. */
export interface ThreadReply<Reply> {
  id: number;
  reply: Reply;
}

/**
 * The loop of a store thread (the other end of SqliteThread): answers each request with `handle`,
 * one at a time in the order posted, and on the request to stop calls `close` and lets the thread
 * end. `handle` reports failures in its reply rather than throwing.
 */
export function serveThreadRequests<Request, Reply>(
  handle: (request: Request) => Reply,
  close: () => void,
): void {
  const port = parentPort;
  if (!port) throw new Error("a store thread module runs only as a worker thread");
  port.on("message", (message: ThreadMessage<Request>) => {
    if ("close" in message) {
      close();
      port.close();
      return;
    }
    port.postMessage({ id: message.id, reply: handle(message.request) } satisfies ThreadReply<Reply>);
  });
}
