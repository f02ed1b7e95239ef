/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  body: Buffer;
}

/** The boundary named in a multipart/form-data Content-Type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Splits a buffered multipart/form-data body into its parts (RFC 7578). Returns an error message
 * instead when the body is not well formed. The body is already bounded by the import size limit.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | string {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return "multipart body has no boundary";
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
    if (body[pos] === 0x0d) pos++;
    if (body[pos] !== 0x0a) return "multipart boundary is not followed by a line break";
    pos++;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0) return "multipart part has no header end";
    const headers = body.subarray(pos, headerEnd).toString("utf8").split("\r\n");
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) return "multipart body is not terminated";
    let name: string | undefined;
    let filename: string | undefined;
    let contentType: string | undefined;
    for (const header of headers) {
      const colon = header.indexOf(":");
      const key = header.slice(0, colon).trim().toLowerCase();
      const value = header.slice(colon + 1).trim();
      if (key === "content-disposition") {
        name = /;\s*name="([^"]*)"/i.exec(value)?.[1];
        filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1];
      } else if (key === "content-type") {
        contentType = value;
      }
    }
    if (name === undefined) return "multipart part has no name";
    parts.push({ name, filename, contentType, body: body.subarray(headerEnd + 4, next) });
    pos = next + 2;
  }
}
