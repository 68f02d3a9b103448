// The browser's PINT checks (src/lib/pint.ts) against the chain's own code:
// pint-vectors.json is written and checked by the Go test TestWebPintVectors
// (x/cargo/dcsa/pint) with pinttest's signed chains and answers.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkTransferChain, checksum, parseJws, verifyJws } from "../src/lib/pint";

const v = JSON.parse(readFileSync(new URL("./pint-vectors.json", import.meta.url), "utf8")) as {
  document_checksum: string;
  chains: { name: string; chain: string[]; entry_checksums: string[]; links: boolean }[];
  signatures: { name: string; jws: string; jwks: string; valid: boolean }[];
};

const flip = (s: string) => s.slice(0, -2) + (s.at(-2) === "A" ? "B" : "A") + s.at(-1);

describe("transfer chain checksums and links", () => {
  for (const c of v.chains) {
    it(c.name, () => {
      expect(c.chain.map(checksum)).toEqual(c.entry_checksums);
      const r = checkTransferChain(c.chain, { entryChecksums: c.entry_checksums, lastEntryChecksum: c.entry_checksums.at(-1)!, documentChecksum: v.document_checksum });
      expect(r.ok).toBe(c.links);
      expect(r.anchored).toBe(c.chain.length);
      expect(r.entries.every((e) => e.document)).toBe(true);
      if (!c.links) expect(r.problems.join()).toMatch(/entry 2: the first entry names|entry 2: does not name/);
    });
  }
  const good = v.chains.find((c) => c.links)!;
  it("an export: only the last checksum is on chain; the rest bound by the links", () => {
    const r = checkTransferChain(good.chain, { lastEntryChecksum: good.entry_checksums.at(-1)!, documentChecksum: v.document_checksum });
    expect(r.ok).toBe(true);
    expect(r.anchored).toBe(1);
    expect(r.entries.map((e) => e.onChain === undefined)).toEqual(good.chain.map((_, i) => i < good.chain.length - 1));
  });
  it("a changed entry does not hash to the chain's checksum", () => {
    const chain = [flip(good.chain[0]), ...good.chain.slice(1)];
    const r = checkTransferChain(chain, { entryChecksums: good.entry_checksums, lastEntryChecksum: good.entry_checksums.at(-1)!, documentChecksum: v.document_checksum });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/^entry 1: hashes to [0-9a-f]{12}…, the chain holds/);
    expect(r.problems.join()).toMatch(/entry 2: does not name the previous entry's checksum/);
  });
  it("a changed last entry of an export is caught by the one checksum on chain", () => {
    const chain = [...good.chain.slice(0, -1), flip(good.chain.at(-1)!)];
    const r = checkTransferChain(chain, { lastEntryChecksum: good.entry_checksums.at(-1)!, documentChecksum: v.document_checksum });
    expect(r.ok).toBe(false);
  });
  it("an entry for another document is refused", () => {
    const r = checkTransferChain(good.chain, { entryChecksums: good.entry_checksums, lastEntryChecksum: good.entry_checksums.at(-1)!, documentChecksum: "0".repeat(64) });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/signs another transport document/);
  });
  it("fewer entries than the chain holds checksums for", () => {
    const r = checkTransferChain(good.chain.slice(1), { entryChecksums: good.entry_checksums, lastEntryChecksum: good.entry_checksums.at(-1)!, documentChecksum: v.document_checksum });
    expect(r.ok).toBe(false);
  });
  it("the entries' payloads read as PINT transactions", () => {
    const first = parseJws<{ transactions: { actionCode: string; actor: { partyName: string } }[] }>(good.chain[0]).payload;
    expect(first.transactions[0].actionCode).toBe("ISSUE");
  });
});

describe("JWS signatures against a platform's JWKS (WebCrypto)", () => {
  for (const s of v.signatures) {
    it(s.name, async () => {
      const r = await verifyJws(s.jws, s.jwks);
      expect(r.ok, r.why).toBe(s.valid);
    });
  }
  it("a changed payload does not verify", async () => {
    const s = v.signatures.find((x) => x.valid)!;
    const [h, , sig] = s.jws.split(".");
    const payload = Buffer.from(JSON.stringify({ responseCode: "RECE", lastEnvelopeTransferChainEntrySignedContentChecksum: "0".repeat(64) })).toString("base64url");
    expect((await verifyJws(`${h}.${payload}.${sig}`, s.jwks)).ok).toBe(false);
  });
  it("an unknown kid is said so", async () => {
    const s = v.signatures.find((x) => x.valid)!;
    const r = await verifyJws(s.jws, JSON.stringify({ keys: [] }));
    expect(r.ok).toBe(false);
    expect(r.why).toMatch(/not in the platform's keys/);
  });
});
