import { describe, expect, it } from "vitest";
import { multipartBoundary, parseMultipart } from "../../src/sandbox/parse-multipart.ts";

describe("parseMultipart", () => {
  it("splits parts and keeps binary bodies byte for byte", () => {
    const binary = Buffer.from([0x1f, 0x8b, 0x0d, 0x0a, 0x2d, 0x2d, 0x00]);
    const body = Buffer.concat([
      Buffer.from('--b1\r\nContent-Disposition: form-data; name="definition"\r\n\r\n{}\r\n'),
      Buffer.from(
        '--b1\r\nContent-Disposition: form-data; name="file"; filename="f.gz"\r\nContent-Type: application/gzip\r\n\r\n',
      ),
      binary,
      Buffer.from("\r\n--b1--\r\n"),
    ]);
    const parts = parseMultipart(body, "b1");
    expect(Array.isArray(parts)).toBe(true);
    const [definition, file] = parts as Exclude<typeof parts, string>;
    expect(definition).toMatchObject({ name: "definition" });
    expect(definition!.body.toString()).toBe("{}");
    expect(file).toMatchObject({ name: "file", filename: "f.gz", contentType: "application/gzip" });
    expect(file!.body.equals(binary)).toBe(true);
  });

  it("returns a reason when the body is not terminated", () => {
    expect(
      parseMultipart(Buffer.from('--b1\r\nContent-Disposition: form-data; name="x"\r\n\r\nabc'), "b1"),
    ).toMatch(/not terminated/);
  });

  it("reads the boundary from quoted and bare Content-Type parameters", () => {
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe("a b");
    expect(multipartBoundary("multipart/form-data; boundary=xyz")).toBe("xyz");
    expect(multipartBoundary("application/json")).toBeUndefined();
  });
});
