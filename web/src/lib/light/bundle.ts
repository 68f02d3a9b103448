// Offline verification of a proof bundle (docs/trust-model.md, format
// version 1): the same checks as `tradechaind verify-bundle`, in the
// browser, with no network — from the trust root this app holds for the
// zone, through the bundle's headers, to the record's ICS-23 proof.
import { Bill as BillProto, Consent as ConsentProto, Document as DocumentProto, RegistryKey as RegistryKeyProto, billStatusToJSON, keyKindFromJSON } from "../../gen/tradechain/cargo/v1/types.js";
import { LightError, equal, formatTime, fromBase64, timeMs, toHex } from "./encoding.js";
import { anchorStoreKey, billKeyOfIdentity, billStoreKey, consentStoreKey, documentStoreKey, registryStoreKey, CARGO_STORE, KEY_KIND_BILL, KEY_KIND_TRANSPORT_DOCUMENT } from "./keys.js";
import { parseProofOps, verifyStoreProof } from "./proof.js";
import { MAX_CLOCK_DRIFT_MS, type Step, type TrustRoot } from "./client.js";
import { headerHash, parseSignedHeader, parseValidators, validatorSetHash, type LightBlock } from "./types.js";
import { headerExpired, verify, verifyCommitLight, type Tally } from "./verifier.js";

export interface BundleResult {
  chainId: string;
  kind: string;
  subject: Record<string, string>;
  height: bigint;
  headerTime: string;
  present: boolean;
  /** the decoded record's fields a verifier relies on */
  summary: Record<string, string>;
  own: Tally;
  steps: Step[];
  root: TrustRoot;
}

export interface Freshness {
  minHeight?: bigint;
  maxAgeMs?: number;
}

type J = Record<string, unknown>;

/** Recognises a proof bundle among dropped files. */
export function looksLikeBundle(v: unknown): v is J {
  return !!v && typeof v === "object" && (v as J).version !== undefined && "proof_ops" in (v as J) && "signed_header" in (v as J);
}

function lightBlock(v: unknown, what: string): LightBlock {
  const o = v as J;
  if (!o || typeof o !== "object") throw new LightError(`${what} is missing`);
  return { signedHeader: parseSignedHeader(o.signed_header), validatorSet: parseValidators(o.validator_set) };
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string" || !v) throw new LightError(`the bundle's ${what} is missing`);
  return v;
}

function expectedKey(kind: string, s: J): Uint8Array {
  switch (kind) {
    case "document": {
      const hash = str(s.hash, "subject.hash");
      if (!/^[0-9a-f]{64}$/.test(hash)) throw new LightError("the bundle's document hash is not 64 lower-case hex digits");
      return s.anchorer ? anchorStoreKey(hash, str(s.anchorer, "subject.anchorer")) : documentStoreKey(hash);
    }
    case "bill":
      return billStoreKey(str(s.bill_id, "subject.bill_id"));
    case "registry": {
      const kindNo = keyKindFromJSON(str(s.key_kind, "subject.key_kind"));
      if (kindNo <= 0) throw new LightError(`unknown registry key kind ${String(s.key_kind)}`);
      const key = str(s.key, "subject.key");
      if (kindNo !== KEY_KIND_BILL) {
        if (s.identity !== undefined) throw new LightError("the bundle's subject.identity applies to a bill's identity key only");
        return registryStoreKey(kindNo, key);
      }
      // A bill's identity is kept under the text its key hashes.
      const identity = str(s.identity, "subject.identity");
      if (billKeyOfIdentity(identity) !== key) throw new LightError("the bundle's subject.identity is not the text its BILL key is the hash of");
      return registryStoreKey(kindNo, identity);
    }
    case "consent": {
      const id = str(s.consent_id, "subject.consent_id");
      if (!/^\d{1,20}$/.test(id)) throw new LightError("the bundle's consent id is not a number");
      return consentStoreKey(BigInt(id));
    }
    default:
      throw new LightError(`the bundle is of an unknown kind ${JSON.stringify(kind)}`);
  }
}

/**
 * Whether a proved record holds the subject: a document's record (Documents[hash])
 * may hold only the registry's record of the hash (no anchor: not anchored), or
 * only an anchor (no registry record of the hash) — either is the subject's absence.
 */
function holdsSubject(kind: string, s: J, value: Uint8Array): boolean {
  try {
    if (kind === "document" && !s.anchorer) return !!DocumentProto.decode(value).anchoredBy;
    if (kind === "registry" && s.key_kind === "KEY_KIND_TRANSPORT_DOCUMENT") return !!DocumentProto.decode(value).registry;
  } catch {
    return true; // decodeRecord says why it does not decode
  }
  return true;
}

function decodeRecord(kind: string, s: J, value: Uint8Array): Record<string, string> {
  try {
    switch (kind) {
      case "document": {
        const d = DocumentProto.decode(value);
        if (!d.anchoredBy) throw new LightError("the document's record holds no anchor: the document is not anchored");
        if (d.hash !== s.hash) throw new LightError(`the record is for document ${d.hash.slice(0, 12)}…, not the subject`);
        if (s.anchorer && d.anchoredBy !== s.anchorer) throw new LightError("the record is another party's anchor");
        return { hash: d.hash, anchored_by: d.anchoredBy, bill_id: d.billId, doc_type: d.docType, anchored_at_height: String(d.height), withdrawn: String(d.withdrawn) };
      }
      case "bill": {
        const b = BillProto.decode(value);
        if (b.id !== s.bill_id) throw new LightError(`the record is bill ${b.id}, not ${String(s.bill_id)}`);
        return { id: b.id, holder: b.holder, status: billStatusToJSON(b.status), version: String(b.version), history_head: b.historyHead, document_hash: b.documentHash };
      }
      case "registry": {
        // A document hash's record is the registry part of the document's record.
        const rec = s.key_kind === "KEY_KIND_TRANSPORT_DOCUMENT" ? DocumentProto.decode(value).registry : RegistryKeyProto.decode(value);
        if (!rec) throw new LightError("the document's record holds no registry record of the hash");
        if (s.key_kind === "KEY_KIND_TRANSPORT_DOCUMENT") Object.assign(rec, { kind: KEY_KIND_TRANSPORT_DOCUMENT, key: s.key });
        const r = rec as unknown as Record<string, unknown>;
        return Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v !== "object").map(([k, v]) => [k, String(v)]));
      }
      case "consent": {
        const c = ConsentProto.decode(value) as unknown as Record<string, unknown>;
        if (String(c.id) !== s.consent_id) throw new LightError("the record is another consent");
        return Object.fromEntries(Object.entries(c).filter(([, v]) => typeof v !== "object").map(([k, v]) => [k, String(v)]));
      }
    }
  } catch (e) {
    if (e instanceof LightError) throw e;
    throw new LightError(`the record does not decode as a ${kind}: ${(e as Error).message}`);
  }
  throw new LightError(`unknown kind ${kind}`);
}

/**
 * Verifies a bundle against the trust root this app holds for its zone.
 * Throws a LightError saying which check failed.
 */
export function verifyBundle(b: J, root: TrustRoot, now: number, fresh: Freshness = {}): BundleResult {
  // 1. form, and the key computed from the subject
  if (b.version !== 1) throw new LightError(`the bundle is version ${String(b.version)}; this app reads version 1`);
  if (b.store !== CARGO_STORE) throw new LightError(`the bundle proves store ${String(b.store)}, not cargo`);
  const chainId = str(b.chain_id, "chain_id");
  if (chainId !== root.chainId) throw new LightError(`the bundle is for ${chainId}, the trust root for ${root.chainId}`);
  const kind = str(b.kind, "kind");
  const subject = (b.subject ?? {}) as J;
  const key = expectedKey(kind, subject);
  if (!equal(fromBase64(str(b.key, "key")), key)) throw new LightError(`the bundle's key is not the key of its subject (${toHex(key)})`);
  const height = BigInt(str(String(b.height ?? ""), "height"));

  // 2. trust root: its header hashes to the trusted hash at the trusted height
  const rootBlock = lightBlock(b.trust_root, "trust_root");
  const rh = rootBlock.signedHeader.header;
  if (rh.height !== root.height) {
    throw new LightError(
      `the bundle starts from ${chainId}'s block ${rh.height}, but this app trusts block ${root.height}: pin block ${rh.height}'s hash (from a source you trust) or ask for a bundle from block ${root.height}`,
    );
  }
  if (!equal(headerHash(rh), root.hash)) {
    throw new LightError(`the bundle's trust root block ${rh.height} is not the block this app trusts (its hash is ${toHex(headerHash(rh)).slice(0, 16)}…, trusted ${toHex(root.hash).slice(0, 16)}…)`);
  }
  if (!equal(rh.validatorsHash, validatorSetHash(rootBlock.validatorSet))) throw new LightError("the trust root's validator set is not the one its header names");
  verifyCommitLight(chainId, rootBlock.validatorSet, rootBlock.signedHeader);
  if (headerExpired(rh.time, root.trustingPeriodMs, now)) throw new LightError(`the trust root (block ${rh.height}, ${formatTime(rh.time)}) is older than the trusting period`);

  // 3. the header chain
  const inter = Array.isArray(b.intermediates) ? b.intermediates : [];
  const chain = [...inter.map((x, i) => lightBlock(x, `intermediates[${i}]`)), lightBlock(b, "signed_header")];
  const opts = { trustingPeriodMs: root.trustingPeriodMs, now, maxClockDriftMs: MAX_CLOCK_DRIFT_MS };
  const steps: Step[] = [];
  let trusted = rootBlock;
  let own: Tally | undefined;
  for (const next of chain) {
    const from = trusted.signedHeader.header.height;
    const to = next.signedHeader.header.height;
    if (to === from && equal(headerHash(next.signedHeader.header), headerHash(trusted.signedHeader.header))) {
      own = verifyCommitLight(chainId, next.validatorSet, next.signedHeader);
      continue;
    }
    const r = verify(trusted.signedHeader, trusted.validatorSet, next.signedHeader, next.validatorSet, opts);
    steps.push({ from, to, adjacent: to === from + 1n, ...r });
    own = r.own;
    trusted = next;
  }
  const sh = chain[chain.length - 1].signedHeader;

  // 4. the header commits to the state at height
  if (sh.header.height !== height + 1n) throw new LightError(`the bundle proves height ${height} with header ${sh.header.height}; it must be header ${height + 1n}`);

  // 5. the proofs, from the computed key to the signed app hash
  const record = b.record === null || b.record === undefined ? null : fromBase64(str(b.record, "record"));
  verifyStoreProof(parseProofOps(b.proof_ops), CARGO_STORE, key, record && record.length ? record : null, sh.header.appHash);

  // 6. freshness
  if (fresh.minHeight !== undefined && height < fresh.minHeight) {
    throw new LightError(`stale: the bundle proves height ${height}, older than height ${fresh.minHeight} already seen`);
  }
  if (fresh.maxAgeMs !== undefined && now - timeMs(sh.header.time) > fresh.maxAgeMs) {
    throw new LightError(`stale: the bundle's header is from ${formatTime(sh.header.time)}`);
  }

  // 7. the record is for the subject
  const shown = record && record.length && holdsSubject(kind, subject, record) ? record : undefined;
  const summary = shown ? decodeRecord(kind, subject, shown) : {};
  return {
    chainId,
    kind,
    subject: Object.fromEntries(Object.entries(subject).map(([k, v]) => [k, String(v)])),
    height,
    headerTime: formatTime(sh.header.time),
    present: !!shown,
    summary,
    own: own!,
    steps,
    root,
  };
}
