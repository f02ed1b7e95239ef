import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { describeOperationalError } from "../../src/store/describe-operational-error.ts";

describe("describeOperationalError", () => {
  it("names EADDRINUSE and the port for any server that cannot listen", async () => {
    const first = createServer();
    await new Promise<void>((resolve) => first.listen(0, "127.0.0.1", resolve));
    const port = (first.address() as { port: number }).port;
    const second = createServer();
    const error = await new Promise<Error>((resolve) => {
      second.once("error", resolve);
      second.listen(port, "127.0.0.1");
    });
    first.close();
    const message = describeOperationalError(error);
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain("EADDRINUSE");
    expect(message).toContain("choose another port");
  });

  it("says what to check for SQLite and file-system failures, and nothing for other errors", () => {
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    expect(describeOperationalError(full)).toBe(
      "the SQLite store failed (SQLITE_FULL: database or disk is full): the disk holding the store is full: free space and run again",
    );
    const ioerr = Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR_WRITE" });
    expect(describeOperationalError(ioerr)).toContain("check the disk");
    const denied = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: "EACCES" });
    expect(describeOperationalError(denied)).toContain("check the permissions");
    expect(describeOperationalError(new TypeError("x is undefined"))).toBeUndefined();
  });
});
