// The browser's hashing against the chain's own (vectors.json is written by
// the Go test TestWebVectors from the code the chain and CLI run).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CanonicalError, documentHash } from "../src/lib/canonical";
import { GENESIS_HEAD, chainHead, toEntry, verifyHistory, type HistoryEntryJSON } from "../src/lib/history";

const root = fileURLToPath(new URL("../../", import.meta.url));
const vectors = JSON.parse(readFileSync(new URL("./vectors.json", import.meta.url), "utf8")) as {
  documents: { name: string; base64?: string; file?: string; hash?: string; error?: boolean }[];
  history: HistoryEntryJSON[];
};

describe("document hash (RFC 8785 for JSON, raw otherwise)", () => {
  for (const v of vectors.documents) {
    it(v.name, () => {
      const bytes = v.file ? new Uint8Array(readFileSync(root + v.file)) : Uint8Array.from(Buffer.from(v.base64!, "base64"));
      if (v.error) {
        expect(() => documentHash(bytes)).toThrow(CanonicalError);
      } else {
        expect(documentHash(bytes).hash).toBe(v.hash);
      }
    });
  }
  it("a changed byte changes the hash", () => {
    const bytes = new Uint8Array(readFileSync(root + "examples/ebl-shanghai-hongkong.json"));
    const text = new TextDecoder().decode(bytes).replace('"CNSHA"', '"CNNGB"');
    expect(text).not.toBe(new TextDecoder().decode(bytes));
    expect(documentHash(new TextEncoder().encode(text)).hash).not.toBe(vectors.documents[0].hash);
  });
  it("reformatting a JSON document keeps its hash", () => {
    const bytes = new Uint8Array(readFileSync(root + "examples/ebl-shanghai-hongkong.json"));
    const pretty = JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 7);
    expect(documentHash(new TextEncoder().encode(pretty)).hash).toBe(vectors.documents[0].hash);
  });
});

describe("history hash chain", () => {
  it("each entry hashes to the head the chain computed", () => {
    let prev = GENESIS_HEAD;
    for (const e of vectors.history) {
      expect(e.prev_head).toBe(prev);
      expect(chainHead(prev, toEntry(e))).toBe(e.head);
      prev = e.head;
    }
  });
  it("two zones' copies merge into one verified chain", () => {
    const [a, b, c] = vectors.history;
    const check = verifyHistory([[a, b], [a, b, c]]);
    expect(check.ok).toBe(true);
    expect(check.entries.map((x) => x.entry.sequence)).toEqual(["1", "2", "3"]);
    expect(check.head).toBe(c.head);
  });
  it("a changed entry, a changed time or a gap is caught", () => {
    const [a, b, c] = vectors.history;
    expect(verifyHistory([[a, { ...b, to: a.actor as string }, c]]).ok).toBe(false);
    const later = (b.time as string).replace("123456789Z", "123456788Z"); // one nanosecond
    expect(later).not.toBe(b.time);
    expect(verifyHistory([[a, { ...b, time: later }, c]]).ok).toBe(false);
    const gap = verifyHistory([[a, c]]);
    expect(gap.ok).toBe(false);
    expect(gap.entries[1].links).toBe(false);
  });
});
