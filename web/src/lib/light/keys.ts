// The keys of x/cargo's provable records inside the zone's "cargo" store,
// computed here from the subject asked about — never taken from the server.
// A mirror of x/cargo/types/store_keys.go (DocumentStoreKey, AnchorStoreKey,
// BillStoreKey, RegistryStoreKey (a bill's identity: BillKeyOfIdentity), ConsentStoreKey, HistoryStoreKey,
// MilestoneStoreKey, AccessRecordStoreKey) and of
// x/tradefinance/types/store_keys.go (LCStoreKey, InvoiceStoreKey,
// FinancingStoreKey): the collection's prefix byte (types/keys.go) then
// cosmossdk.io/collections' key encoding. test/light-keys.test.ts checks each
// against the modules' testdata/store_keys.json, written by the Go tests
// TestStoreKeyVectors.
import { LightError, concat, sha256, toHex } from "./encoding.js";

export const CARGO_STORE = "cargo";
export const TRADEFINANCE_STORE = "tradefinance";

const BILLS = 3;
// A bill's history entries sit in its own key range, right after the bill
// (bills' prefix, bill id, 0x00, sequence): version 3 (issue 40).
const HISTORY = BILLS;
const MILESTONES = 8;
const DOCUMENTS = 9;
const CONSENTS = 10;
const REGISTRY_KEYS = 16;
const ANCHORS = 21;
const ACCESS_RECORDS = 30;

// x/tradefinance/types/keys.go
const LCS = 1;
const INVOICES = 5;
const FINANCINGS = 8;

const utf8 = (s: string) => new TextEncoder().encode(s);

/** collections.StringKey in a terminal position: the bytes as they are. */
const stringKey = (s: string) => utf8(s);

/** collections.StringKey before another key part: the bytes then 0x00 (no 0x00 inside). */
function stringKeyNonTerminal(s: string): Uint8Array {
  if (s.includes("\u0000")) throw new LightError("a key part may not contain a NUL character");
  return concat(utf8(s), Uint8Array.of(0));
}

/** collections.Int32Key: big-endian with the sign bit flipped. */
function int32Key(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new LightError(`${n} is not an int32`);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  b[0] ^= 0x80;
  return b;
}

/** collections.Uint64Key: big-endian. */
function uint64Key(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 64n) throw new LightError(`${n} is not a uint64`);
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

const prefixed = (p: number, ...parts: Uint8Array[]) => concat(Uint8Array.of(p), ...parts);

/**
 * Documents[hash]: a document's record on this zone — the bill's transport
 * document anchor (anchoredBy set) and the registry's record of the hash
 * (its `registry` part), one record so that an issuance places one key by
 * the document hash. A record with no anchoredBy anchors nothing.
 */
export function documentStoreKey(hash: string): Uint8Array {
  return prefixed(DOCUMENTS, stringKey(hash));
}

/** Anchors[(hash, anchorer)]: a party's own anchor of a document. */
export function anchorStoreKey(hash: string, anchorer: string): Uint8Array {
  return prefixed(ANCHORS, stringKeyNonTerminal(hash), stringKey(anchorer));
}

/** Bills[id] */
export function billStoreKey(id: string): Uint8Array {
  return prefixed(BILLS, stringKey(id));
}

const KEY_KIND_TRANSPORT_DOCUMENT = 1;
const KEY_KIND_BILL = 3;

/**
 * This zone's record of a registry key, by the key as the zone keeps it: a
 * document hash's is the document's record (Documents[hash]); an invoice's
 * is RegistryKeys[(INVOICE, key)]; a bill's identity is RegistryKeys[(BILL,
 * identity)], the identity being the text the 64-hex BILL key hashes
 * (carrier code "|" folded reference): check it with billKeyOfIdentity.
 */
export function registryStoreKey(kind: number, key: string): Uint8Array {
  if (kind === KEY_KIND_TRANSPORT_DOCUMENT) return documentStoreKey(key);
  return prefixed(REGISTRY_KEYS, int32Key(kind), stringKey(key));
}

/** The BILL key (64 hex) of a bill's identity: sha256("tradechain-bill-v1|" + identity). */
export function billKeyOfIdentity(identity: string): string {
  return toHex(sha256(utf8("tradechain-bill-v1|" + identity))).toLowerCase();
}

export { KEY_KIND_BILL, KEY_KIND_TRANSPORT_DOCUMENT };

/** Consents[id] */
export function consentStoreKey(id: bigint): Uint8Array {
  return prefixed(CONSENTS, uint64Key(id));
}

/** History[(bill id, sequence)]: one entry of a bill's history, in the bill's key range. */
export function historyStoreKey(billId: string, sequence: bigint): Uint8Array {
  return prefixed(HISTORY, stringKeyNonTerminal(billId), uint64Key(sequence));
}

/** Milestones[(bill id, sequence)]: one track-and-trace milestone of a bill. */
export function milestoneStoreKey(billId: string, sequence: bigint): Uint8Array {
  return prefixed(MILESTONES, stringKeyNonTerminal(billId), uint64Key(sequence));
}

/** AccessRecords[id]: one release of a document by a zone's store. */
export function accessRecordStoreKey(id: bigint): Uint8Array {
  return prefixed(ACCESS_RECORDS, uint64Key(id));
}

/** x/tradefinance LCs[id] (store "tradefinance"). */
export function lcStoreKey(id: bigint): Uint8Array {
  return prefixed(LCS, uint64Key(id));
}

/** x/tradefinance Invoices[id] (store "tradefinance"). */
export function invoiceStoreKey(id: bigint): Uint8Array {
  return prefixed(INVOICES, uint64Key(id));
}

/** x/tradefinance Financings[id] (store "tradefinance"). */
export function financingStoreKey(id: bigint): Uint8Array {
  return prefixed(FINANCINGS, uint64Key(id));
}
