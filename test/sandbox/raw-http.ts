import { request } from "undici";

/** A raw answer: status, headers and the body as text and (when it parses) JSON. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  json: any;
}

/** Sends one request with undici and reads the whole answer. */
export async function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  const answer = await request(url, {
    method: (options.method ?? "GET") as "GET",
    headers: options.headers,
    body: options.body,
  });
  const text = await answer.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: answer.statusCode, headers: answer.headers, text, json };
}

/** Fetches a token with the raw key and returns the headers of an authenticated call. */
export async function login(base: string, key: string, endpoint: string): Promise<Record<string, string>> {
  const answer = await raw(`${base}/auth/token`, {
    headers: { authorization: key, "x-emi-endpoint": endpoint },
  });
  if (answer.status !== 200) throw new Error(`token: ${answer.status} ${answer.text}`);
  return { authorization: `Bearer ${answer.json.accessToken}`, "x-emi-endpoint": endpoint };
}

/** A multipart/form-data body with a `definition` JSON part and a `file` part, byte for byte. */
export function importBody(
  definition: unknown,
  file: Buffer | string,
): { body: Buffer; contentType: string } {
  const boundary = "----emi-test-boundary-7d1";
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="definition"; filename="definition.json"\r\n` +
        `Content-Type: application/json\r\n\r\n${JSON.stringify(definition)}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="profiles.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n`,
    ),
    typeof file === "string" ? Buffer.from(file) : file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
