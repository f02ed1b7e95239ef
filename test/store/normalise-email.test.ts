import { describe, expect, it } from "vitest";
import { normaliseEmail } from "../../src/store/normalise-email.ts";

describe("normaliseEmail", () => {
  it("trims and lower-cases when the address has spaces and capitals", () => {
    expect(normaliseEmail("  Ann.Lee+News@Example.COM\t\n")).toBe("ann.lee+news@example.com");
  });

  it("keeps dots and +tags, which make different addresses", () => {
    expect(normaliseEmail("a.b+x@example.com")).not.toBe(normaliseEmail("ab@example.com"));
  });

  it("lower-cases non-ASCII letters when the address has them", () => {
    expect(normaliseEmail("ÉLODIE@Exemple.FR")).toBe("élodie@exemple.fr");
  });
});
