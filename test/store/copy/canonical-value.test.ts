import { describe, expect, it } from "vitest";
import { canonicalValue, familyOf, targetValue } from "../../../src/store/copy/canonical-value.ts";
import { TableDigest } from "../../../src/store/copy/table-digest.ts";

describe("canonical values of a store copy", () => {
  it("reads a boolean the same from SQLite's 0/1 and PostgreSQL's text", () => {
    expect(canonicalValue(1n, "boolean")).toBe(canonicalValue("true", "boolean"));
    expect(canonicalValue(0n, "boolean")).toBe(canonicalValue("false", "boolean"));
    expect(targetValue("1", "boolean", "sqlite")).toBe(1n);
  });

  it("keeps integers beyond 2^53 exact both ways", () => {
    const big = "9007199254740993";
    expect(canonicalValue(BigInt(big), "integer")).toBe(big);
    expect(targetValue(big, "integer", "sqlite")).toBe(BigInt(big));
    expect(targetValue(big, "integer", "postgres")).toBe(big);
  });

  it("tells null from an empty string and maps declared types to families", () => {
    expect(canonicalValue(null, "text")).toBeNull();
    expect(canonicalValue("", "text")).toBe("");
    expect([familyOf("BIGINT"), familyOf("integer"), familyOf("TEXT"), familyOf("boolean")]).toEqual([
      "integer",
      "integer",
      "text",
      "boolean",
    ]);
  });
});

describe("TableDigest", () => {
  it("does not depend on row order but on every value", () => {
    const a = new TableDigest();
    const b = new TableDigest();
    a.add(["1", "x"]);
    a.add(["2", null]);
    b.add(["2", null]);
    b.add(["1", "x"]);
    expect(a.value).toBe(b.value);
    const c = new TableDigest();
    c.add(["1", "x"]);
    c.add(["2", ""]);
    expect(c.value).not.toBe(a.value);
  });
});
