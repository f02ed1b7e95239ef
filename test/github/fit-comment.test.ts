import { describe, expect, it } from "vitest";
import { fitComment, GITHUB_BODY_LIMIT } from "../../src/github/fit-comment.ts";
import { fitMarkdown } from "../../src/github/fit-markdown.ts";
import { planMarkdown } from "./github-test-env.ts";

describe("fitComment", () => {
  it("returns the body unchanged when it fits", () => {
    const body = planMarkdown(3);
    expect(fitComment(body)).toBe(body);
  });

  it("keeps the summary, closes what the cut left open and links the artifact when the body is too long", () => {
    const out = fitComment(planMarkdown(200), { artifactUrl: "https://example/run/1" });
    expect(out.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(out.startsWith("## emi plan\n\n**200 to create**")).toBe(true);
    expect(out.match(/<details>/g)!.length).toBe(out.match(/<\/details>/g)!.length);
    expect((out.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(out).toContain(
      "see the JSON plan in the run's artifacts ([workflow run](https://example/run/1))".replace(
        "see",
        "See",
      ),
    );
  });

  it("never exceeds a small limit, even when the first line alone is longer", () => {
    const out = fitComment(`${"é".repeat(5000)}\nrest`, { limit: 1000 });
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out).toMatch(/^é+\n/);
    expect(out).toContain("Truncated");
  });

  it("does not split a surrogate pair when cutting inside a line", () => {
    const out = fitMarkdown(`${"😀".repeat(100)}`, { limit: 50, note: () => "[cut]" });
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("measures bytes when asked to", () => {
    const out = fitMarkdown("ééééé\n".repeat(100), {
      limit: 100,
      measure: (s) => Buffer.byteLength(s),
      note: () => "[cut]\n",
    });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(100);
    expect(out.endsWith("[cut]\n")).toBe(true);
  });
});
