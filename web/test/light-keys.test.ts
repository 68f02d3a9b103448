// The TypeScript store keys against the Go functions' own output
// (x/cargo/types/testdata/store_keys.json, written by TestStoreKeyVectors
// from types.DocumentStoreKey, AnchorStoreKey, BillStoreKey, RegistryStoreKey
// and ConsentStoreKey).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toHex } from "../src/lib/light/encoding";
import {
  accessRecordStoreKey,
  anchorStoreKey,
  billKeyOfIdentity,
  billStoreKey,
  consentStoreKey,
  documentStoreKey,
  financingStoreKey,
  historyStoreKey,
  invoiceStoreKey,
  lcStoreKey,
  milestoneStoreKey,
  registryStoreKey,
} from "../src/lib/light/keys";

const file = JSON.parse(readFileSync(new URL("../../x/cargo/types/testdata/store_keys.json", import.meta.url), "utf8")) as {
  store: string;
  vectors: Record<string, string | number>[];
};

function keyOf(v: Record<string, string | number>): Uint8Array {
  switch (v.kind) {
    case "document":
      return documentStoreKey(String(v.hash));
    case "anchor":
      return anchorStoreKey(String(v.hash), String(v.anchorer));
    case "bill":
      return billStoreKey(String(v.bill_id));
    case "registry":
      // A bill's identity is kept under the text its key hashes.
      if (v.identity !== undefined) {
        expect(billKeyOfIdentity(String(v.identity))).toBe(String(v.key));
        return registryStoreKey(Number(v.key_kind_value), String(v.identity));
      }
      return registryStoreKey(Number(v.key_kind_value), String(v.key));
    case "consent":
      return consentStoreKey(BigInt(String(v.consent_id)));
    case "history":
      return historyStoreKey(String(v.bill_id), BigInt(String(v.sequence)));
    case "milestone":
      return milestoneStoreKey(String(v.bill_id), BigInt(String(v.sequence)));
    case "access_record":
      return accessRecordStoreKey(BigInt(String(v.record_id)));
  }
  throw new Error(`a vector of an unknown kind ${v.kind}: the TypeScript mirror lacks it`);
}

describe("cargo store keys (x/cargo/types/store_keys.go)", () => {
  it("are for the cargo store", () => expect(file.store).toBe("cargo"));
  it("cover every kind a verifier proves", () => {
    expect(new Set(file.vectors.map((v) => v.kind))).toEqual(new Set(["document", "anchor", "bill", "registry", "consent", "history", "milestone", "access_record"]));
  });
  for (const v of file.vectors) {
    it(`${v.kind} ${String(v.hash ?? v.bill_id ?? v.key ?? v.consent_id ?? v.record_id).slice(0, 24)}${v.anchorer ? " by " + v.anchorer : ""}${v.sequence ? "/" + v.sequence : ""}`, () => {
      expect(toHex(keyOf(v)).toLowerCase()).toBe(String(v.key_hex));
    });
  }
  it("refuses a NUL inside a key part the encoding delimits", () => {
    expect(() => anchorStoreKey("ab\u0000cd", "trade1x")).toThrow(/NUL/);
  });
});

const tf = JSON.parse(readFileSync(new URL("../../x/tradefinance/types/testdata/store_keys.json", import.meta.url), "utf8")) as {
  store: string;
  vectors: { kind: string; id: string; key_hex: string }[];
};

describe("tradefinance store keys (x/tradefinance/types/store_keys.go)", () => {
  it("are for the tradefinance store", () => expect(tf.store).toBe("tradefinance"));
  it("cover every kind a verifier proves", () => expect(new Set(tf.vectors.map((v) => v.kind))).toEqual(new Set(["lc", "invoice", "financing"])));
  const fns: Record<string, (id: bigint) => Uint8Array> = { lc: lcStoreKey, invoice: invoiceStoreKey, financing: financingStoreKey };
  for (const v of tf.vectors) {
    it(`${v.kind} ${v.id}`, () => expect(toHex(fns[v.kind](BigInt(v.id))).toLowerCase()).toBe(v.key_hex));
  }
});
