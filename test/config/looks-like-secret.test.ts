import { describe, expect, it } from "vitest";
import { looksLikeSecret } from "../../src/config/looks-like-secret.ts";

describe("looksLikeSecret", () => {
  it.each([
    "QWN0aXRvQXBpS2V5Rm9yTHVtZW4xMjM0NTY3ODkwYWJj",
    "TGl0ZXJhbEFjdGl0b0tleTEyMzQ1Njc4OTBhYmNkZWY",
    "dGhpc0lzQVNlY3JldEtleUZvckFjdGl0bzEyMzQ1Njc4OTA=",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsdW1lbiJ9.c2lnbmF0dXJlc2lnbmF0dXJl",
    "Bearer abcdefghijklmnopqrstuvwxyz",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "Zx8kP2qLm9RtV4wNb7Yc3HsJd6GfA1eU",
  ])("is true for %s", (value) => {
    expect(looksLikeSecret(value)).toBe(true);
  });

  it.each([
    "NordlysWebshopProduction2024Europe",
    "customers_2024_archive_table",
    "crm-team-marketing-operations@boreal.example",
    "env:ACTITO_KEY_NORDLYS_PRODUCTION_2024",
    "file:secrets/actito/nordlys-production-key.txt",
    "nordlys-webshop-and-outlet-store",
    "api3",
  ])("is false for %s", (value) => {
    expect(looksLikeSecret(value)).toBe(false);
  });
});
