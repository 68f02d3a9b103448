// The web app's light clients, one per zone, and the proofs its pages show:
// a document's anchor and a bill's record, each proved against the zone's
// validators before the page may call it anchored or name a holder.
import { Bill as BillProto, Document as DocumentProto, billStatusToJSON } from "../../gen/tradechain/cargo/v1/types.js";
import type { Zone } from "../api";
import { LightError, formatTime, fromHex, toHex } from "./encoding.js";
import { CARGO_STORE, anchorStoreKey, billStoreKey, documentStoreKey } from "./keys.js";
import { LightClient, parseTrustRoot, type Proven, type TrustRoot } from "./client.js";
import { warmUpSignatures } from "./verifier.js";

export { LightError } from "./encoding.js";
export type { Proven, TrustRoot } from "./client.js";

const PIN_KEY = (chainId: string) => `tradechain.trust-root.${chainId}`;
const FLOOR_KEY = (chainId: string) => `tradechain.light.verified-height.${chainId}`;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** The highest height this browser verified per zone: an answer about the present below it is a rollback. */
const floor = {
  get(chainId: string): bigint {
    const v = storage()?.getItem(FLOOR_KEY(chainId));
    return v && /^\d+$/.test(v) ? BigInt(v) : 0n;
  },
  set(chainId: string, h: bigint) {
    if (h > floor.get(chainId)) storage()?.setItem(FLOOR_KEY(chainId), String(h));
  },
};

/** The newest light block verified per zone and trust root (CometBFT's light store, in localStorage). */
const STORE_KEY = (r: TrustRoot) => `tradechain.light.block.${r.chainId}.${r.height}.${toHex(r.hash)}`;
const store = {
  load(r: TrustRoot) {
    const v = storage()?.getItem(STORE_KEY(r));
    try {
      return v ? (JSON.parse(v) as { signedHeader: unknown; validators: unknown[] }) : undefined;
    } catch {
      return undefined;
    }
  },
  save(r: TrustRoot, b: { signedHeader: unknown; validators: unknown[] }) {
    try {
      storage()?.setItem(STORE_KEY(r), JSON.stringify(b));
    } catch {
      // storage full or refused: the next page starts from the root again
    }
  },
  clear(r: TrustRoot) {
    storage()?.removeItem(STORE_KEY(r));
  },
};

let shipped: Promise<Record<string, Record<string, unknown>>> | undefined;

/** trust-roots.json, shipped with the app (same origin, same trust as its code). */
function shippedRoots(): Promise<Record<string, Record<string, unknown>>> {
  shipped ??= fetch(new URL("trust-roots.json", globalThis.location?.href ?? "http://127.0.0.1/").toString())
    .then((r) => (r.ok ? r.json() : {}))
    .then((j) => ((j as { zones?: Record<string, Record<string, unknown>> }).zones ?? {}))
    .catch(() => ({}));
  return shipped;
}

/** The trust root of a zone: the user's pin, else the one shipped with the app. */
export async function trustRoot(chainId: string): Promise<TrustRoot> {
  const pin = storage()?.getItem(PIN_KEY(chainId));
  if (pin) return parseTrustRoot(chainId, JSON.parse(pin), "pinned by you in this browser");
  const r = (await shippedRoots())[chainId];
  if (!r) throw new LightError(`this app ships no trust root for ${chainId}: pin one (a height and its block hash) below`);
  return parseTrustRoot(chainId, r, String(r.source ?? "shipped with this app (trust-roots.json)"));
}

/** Pins (or, with undefined, unpins) a zone's trust root in this browser. */
export function pinTrustRoot(chainId: string, root: { height: string; hash: string } | undefined) {
  clients.delete(chainId);
  if (!root) {
    storage()?.removeItem(PIN_KEY(chainId));
    return;
  }
  if (!/^\d+$/.test(root.height) || fromHex(root.hash).length !== 32) throw new LightError("a trust root is a block height and its 64-hex-digit hash");
  storage()?.setItem(PIN_KEY(chainId), JSON.stringify({ height: root.height, hash: root.hash.toUpperCase() }));
  storage()?.removeItem(FLOOR_KEY(chainId));
}

const clients = new Map<string, Promise<LightClient>>();

export function lightClient(z: Zone): Promise<LightClient> {
  if (!clients.has(z.id)) {
    const p = trustRoot(z.id).then((root) => new LightClient(z.rpc, root, { floor, store }));
    p.catch(() => clients.delete(z.id));
    clients.set(z.id, p);
  }
  return clients.get(z.id)!;
}

let warmedUp = false;

/** Starts verifying a zone's newest header now, so the proofs asked later find it done. */
export function warm(z: Zone) {
  if (!warmedUp) {
    warmedUp = true;
    warmUpSignatures();
  }
  lightClient(z)
    .then((c) => c.latestVerified())
    .catch(() => undefined);
}

export type Checked<T> = { ok: true; value: T; proof: Proven } | { ok: false; why: string; proof?: Proven };

// Proofs asked for in the same moment share one query: a page starts them
// early (prefetch, beside its REST calls) and checks them when it needs them.
const inflight = new Map<string, { at: number; p: Promise<Proven> }>();

/** Proves a key of a module's store (cargo unless told) on a zone, the record or its absence. */
export function proveKey(z: Zone, key: Uint8Array, store: string = CARGO_STORE): Promise<Proven> {
  const k = `${z.id}/${store}/${toHex(key)}`;
  const hit = inflight.get(k);
  if (hit && performance.now() - hit.at < 1500) return hit.p;
  const p = lightClient(z).then((c) => c.prove(key, store));
  inflight.set(k, { at: performance.now(), p });
  p.catch(() => undefined);
  return p;
}

/** Starts proving a document's record on a zone now (the page checks it later). */
export function prefetchDocument(z: Zone, hash: string) {
  proveKey(z, documentStoreKey(hash)).catch(() => undefined);
}

/** Starts proving a bill's record on a zone now. */
export function prefetchBill(z: Zone, id: string) {
  proveKey(z, billStoreKey(id)).catch(() => undefined);
}

function why(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface ProvenDocument {
  hash: string;
  docType: string;
  billId: string;
  anchoredBy: string;
  height: bigint;
  withdrawn: boolean;
}

function docOf(d: DocumentProto): ProvenDocument {
  return { hash: d.hash, docType: d.docType, billId: d.billId, anchoredBy: d.anchoredBy, height: d.height, withdrawn: d.withdrawn };
}

/**
 * Proves whether a document is anchored on a zone: the bill's transport
 * document record (Documents[hash]), and each party anchor the zone named
 * (Anchors[(hash, anchorer)]). `claimed` is what the zone's REST API said.
 */
export async function proveDocument(
  z: Zone,
  hash: string,
  claimed: { anchoredBy?: string; billId?: string; anchorers: string[] },
): Promise<Checked<ProvenDocument | null>> {
  let proof: Proven | undefined;
  try {
    proof = await proveKey(z, documentStoreKey(hash));
    // A record with no anchoredBy is only the registry's record of the hash:
    // no bill here is anchored on the document.
    const rec = proof.value ? DocumentProto.decode(proof.value) : undefined;
    if (rec?.anchoredBy) {
      const d = rec;
      if (d.hash !== hash) throw new LightError(`the proved record is for document ${d.hash.slice(0, 12)}…, not ${hash.slice(0, 12)}…`);
      if (claimed.billId !== undefined && claimed.billId !== d.billId) {
        throw new LightError(`${z.id} said the document belongs to bill ${claimed.billId || "none"}, its validators' state says ${d.billId || "none"}`);
      }
      return { ok: true, value: docOf(d), proof };
    }
    // No bill's transport document: a party's own anchor, if the zone named one.
    for (const a of claimed.anchorers) {
      const p = await proveKey(z, anchorStoreKey(hash, a));
      if (p.value) {
        const d = DocumentProto.decode(p.value);
        if (d.hash === hash && !d.withdrawn) return { ok: true, value: docOf(d), proof: p };
      }
    }
    if (claimed.anchoredBy || claimed.anchorers.length) {
      throw new LightError(
        `${z.id} answered that the document is anchored, but its validators' state at height ${proof.height} holds no such anchor: the answer is false`,
      );
    }
    return { ok: true, value: null, proof };
  } catch (e) {
    return { ok: false, why: why(e), proof };
  }
}

/** A bill as the zone's validators signed it (the fields a verifier relies on). */
export interface ProvenBill {
  id: string;
  holder: string;
  status: string;
  version: string;
  historyHead: string;
  historyLen: string;
  controlZone: string;
  carrier: string;
  documentHash: string;
}

/** Proves a bill's record on a zone and checks the REST answer shown agrees with it. */
export async function proveBill(
  z: Zone,
  id: string,
  claimed?: { holder: string; status: string; version: string; history_head: string; document_hash: string },
): Promise<Checked<ProvenBill | null>> {
  let proof: Proven | undefined;
  try {
    proof = await proveKey(z, billStoreKey(id));
    if (!proof.value) {
      if (claimed) throw new LightError(`${z.id} answered with a record of bill ${id}, but its validators' state at height ${proof.height} has no such bill`);
      return { ok: true, value: null, proof };
    }
    const b = BillProto.decode(proof.value);
    if (b.id !== id) throw new LightError(`the proved record is bill ${b.id}, not ${id}`);
    const v: ProvenBill = {
      id: b.id,
      holder: b.holder,
      status: billStatusToJSON(b.status),
      version: String(b.version),
      historyHead: b.historyHead,
      historyLen: String(b.historyLen),
      controlZone: b.controlZone,
      carrier: b.carrier,
      documentHash: b.documentHash,
    };
    if (claimed) {
      const diffs: string[] = [];
      if (claimed.holder !== v.holder) diffs.push(`holder ${claimed.holder || "none"} (the validators' state says ${v.holder || "none"})`);
      if (claimed.status !== v.status) diffs.push(`status ${claimed.status} (proved: ${v.status})`);
      if (String(claimed.version) !== v.version) diffs.push(`version ${claimed.version} (proved: ${v.version})`);
      if (claimed.history_head !== v.historyHead) diffs.push(`history head ${claimed.history_head.slice(0, 12)}… (proved: ${v.historyHead.slice(0, 12)}…)`);
      if (claimed.document_hash !== v.documentHash) diffs.push(`document ${claimed.document_hash.slice(0, 12)}… (proved: ${v.documentHash.slice(0, 12)}…)`);
      if (diffs.length) throw new LightError(`${z.id}'s answer does not match what its validators signed at height ${proof.height}: it said ${diffs.join("; ")}`);
    }
    return { ok: true, value: v, proof };
  } catch (e) {
    return { ok: false, why: why(e), proof };
  }
}

/** "proved against hongkong-1's validators at height H: 1 of 1 signatures" and how the trust got there. */
export function describe(p: Proven): { line: string; detail: string } {
  const h = p.header.header;
  const line = `proved against ${p.chainId}'s validators at height ${p.height}: ${p.own.signed} of ${p.own.of} signatures`;
  const path = p.steps.length
    ? p.steps
        .map((s) => `${s.from}→${s.to} (${s.adjacent ? "adjacent" : `skipping: ${s.trusting!.signed} of ${s.trusting!.of} trusted validators signed`})`)
        .join(", ")
    : `header ${h.height} already verified in this browser`;
  const detail =
    `ICS-23 proof of ${p.value ? "the record" : "absence"} under key ${toHex(p.key).slice(0, 24)}… in store ${p.store}, to app hash ${toHex(h.appHash).slice(0, 12)}… ` +
    `of header ${h.height} (${formatTime(h.time)}, block ${toHex(p.header.commit.blockId.hash).slice(0, 12)}…); ` +
    `${p.own.signed} of ${p.own.of} validators signed it (${p.own.power} of ${p.own.total} voting power); ` +
    `trusted from block ${p.root.height} (${toHex(p.root.hash).slice(0, 12)}…, ${p.root.source}): ${path}; checked in ${Math.round(p.ms)} ms`;
  return { line, detail };
}
