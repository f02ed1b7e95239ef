import { describe, expect, it } from "vitest";
import { checkCampaignHtml } from "../../src/links/check-campaign-html.ts";
import { checkHref, linkHost } from "../../src/links/check-href.ts";
import type { LinkRule } from "../../src/links/link-check-types.ts";

const rule: LinkRule = {
  domains: ["kestrel-shop.example", "www.kestrel-shop.example"],
  parameter: "reaid",
  reaidAttribute: "reaid",
};

describe("checkHref", () => {
  it("accepts a link whose query carries reaid=${reaid} among other parameters", () => {
    expect(checkHref("https://kestrel-shop.example/p/1?utm_source=actito&reaid=${reaid}&x=2", rule)).toEqual({
      checked: true,
    });
    expect(checkHref("https://kestrel-shop.example/?reaid=${reaid}#top", rule)).toEqual({ checked: true });
  });

  it("reports missing when the parameter is absent, or only in the fragment", () => {
    expect(checkHref("https://kestrel-shop.example/p/1?utm_source=actito", rule)).toEqual({
      checked: true,
      problem: { problem: "missing" },
    });
    expect(checkHref("https://kestrel-shop.example/p/1#reaid=${reaid}", rule)).toEqual({
      checked: true,
      problem: { problem: "missing" },
    });
  });

  it("reports misspelled for the same name in another case or form", () => {
    for (const name of ["reaId", "REAID", "rea_id", "rea-id", "reiad"]) {
      expect(checkHref(`https://kestrel-shop.example/?${name}=\${reaid}`, rule).checked).toBe(true);
      expect(checkHref(`https://kestrel-shop.example/?${name}=\${reaid}`, rule)).toMatchObject({
        problem: { problem: "misspelled" },
      });
    }
  });

  it("reports wrong-value for another personalisation, a literal, an empty value and a different case", () => {
    for (const value of ["${firstName}", "abc123", "", "${REAID}", "${ reaid }"]) {
      expect(checkHref(`https://kestrel-shop.example/?reaid=${value}`, rule)).toMatchObject({
        problem: { problem: "wrong-value" },
      });
    }
  });

  it("reports a percent-encoded personalisation as wrong-value with a hint", () => {
    const verdict = checkHref("https://kestrel-shop.example/?reaid=%24%7Breaid%7D", rule);
    expect(verdict).toMatchObject({ checked: true, problem: { problem: "wrong-value" } });
    expect(verdict.checked && verdict.problem?.hint).toMatch(/percent-encoded.*would not replace/);
  });

  it("checks upper-case hosts and a trailing dot like the declared host", () => {
    expect(checkHref("https://KESTREL-SHOP.example./p?x=1", rule)).toMatchObject({
      problem: { problem: "missing" },
    });
  });

  it("leaves alone look-alike hosts, sub-domains, other domains, system links, mailto and anchors", () => {
    for (const href of [
      "https://kestrel-shop.example.evil.example/p/1",
      "https://mail.kestrel-shop.example/p/1",
      "https://kestrel-shop.example@evil.example/p/1",
      "https://other.example/p/1",
      "${unsubscribe}",
      "${mirrorPage}?x=1",
      "mailto:help@kestrel-shop.example",
      "tel:+3212345678",
      "#top",
      "/relative/path",
      "javascript:void(0)",
    ]) {
      expect(checkHref(href, rule), href).toEqual({ checked: false });
    }
  });

  it("reads the host of protocol-relative links and nothing of non-http schemes", () => {
    expect(linkHost("//kestrel-shop.example/x")).toBe("kestrel-shop.example");
    expect(linkHost("ftp://kestrel-shop.example/x")).toBeUndefined();
  });

  it("holds links to the declared parameter and attribute names", () => {
    const custom: LinkRule = {
      domains: ["kestrel-shop.example"],
      parameter: "rid",
      reaidAttribute: "raptorId",
    };
    expect(checkHref("https://kestrel-shop.example/?rid=${raptorId}", custom)).toEqual({ checked: true });
    expect(checkHref("https://kestrel-shop.example/?rid=${reaid}", custom)).toMatchObject({
      problem: { problem: "wrong-value" },
    });
  });
});

describe("checkCampaignHtml", () => {
  it("parses the HTML for real: entities in hrefs, attribute case, area links, lines, and no links in comments", () => {
    const html = [
      "<html><body>",
      '<a HREF="https://kestrel-shop.example/a?utm_source=actito&amp;reaid=${reaid}">ok</a>',
      '<a href="https://kestrel-shop.example/b?utm_source=actito">missing</a>',
      '<!-- <a href="https://kestrel-shop.example/c">commented out</a> -->',
      '<map><area shape="rect" href="https://kestrel-shop.example/d?reaId=${reaid}"></map>',
      '<a href="${unsubscribe}">unsubscribe</a> <a href="mailto:x@kestrel-shop.example">mail</a>',
      "<script>var s = '<a href=\"https://kestrel-shop.example/e\">';</script>",
      "</body></html>",
    ].join("\n");
    expect(checkCampaignHtml(html, rule)).toEqual({
      linksChecked: 3,
      problems: [
        { href: "https://kestrel-shop.example/b?utm_source=actito", problem: "missing", line: 3 },
        { href: "https://kestrel-shop.example/d?reaId=${reaid}", problem: "misspelled", line: 5 },
      ],
    });
  });
});
