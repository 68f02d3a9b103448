// DCSA PINT 3.0 transfer chains re-checked in the browser. The chain keeps,
// in the bill's hash-linked history, the checksum of every transfer chain
// entry a bill was imported with (IMPORTED) and of the last entry of every
// envelope it was exported with (EXPORT_ACCEPTED / EXPORT_REFUSED). A
// checksum is SHA-256 of the entry's compact JWS text, hex — the same
// computation as x/cargo/dcsa/pint.Checksum. The entries themselves come
// from the zone (an import's envelope, kept verbatim on chain) or from the
// zone's gateway (an export's envelope, which only the gateway keeps), and
// are believed only as far as they hash to what the chain holds.
import { sha256 } from "@cosmjs/crypto";
import { fromBase64, toHex, toUtf8 } from "@cosmjs/encoding";

/** SHA-256 of a JWS compact serialisation's text, hex (pint.Checksum). */
export function checksum(jws: string): string {
  return toHex(sha256(toUtf8(jws)));
}

function fromBase64url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error("not base64url");
  const b = s.replace(/-/g, "+").replace(/_/g, "/");
  return fromBase64(b + "=".repeat((4 - (b.length % 4)) % 4));
}

export interface Jws<T = Record<string, unknown>> {
  header: { alg?: string; kid?: string; [k: string]: unknown };
  payload: T;
  signingInput: string;
  signature: Uint8Array;
}

/** Parses a compact JWS (its payload JSON); throws with a plain reason. */
export function parseJws<T = Record<string, unknown>>(s: string): Jws<T> {
  const parts = s.split(".");
  if (parts.length !== 3) throw new Error("not a compact JWS (three dot-separated parts)");
  const text = (b: string) => new TextDecoder("utf-8", { fatal: true }).decode(fromBase64url(b));
  return {
    header: JSON.parse(text(parts[0])),
    payload: JSON.parse(text(parts[1])) as T,
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: fromBase64url(parts[2]),
  };
}

// PINT payload shapes (the members the page shows).
export interface IdentifyingCode { codeListProvider: string; partyCode: string; codeListName?: string }
export interface PintParty { partyName: string; eblPlatform: string; identifyingCodes?: IdentifyingCode[] }
export interface PintTransaction {
  actionCode: string;
  actor: PintParty;
  recipient?: PintParty;
  actionDateTime: string;
  reasonCode?: string;
  comments?: string;
}
export interface TransferChainEntry {
  eblPlatform: string;
  transportDocumentChecksum: string;
  previousEnvelopeTransferChainEntrySignedContentChecksum?: string;
  issuanceManifestSignedContent?: string;
  transactions: PintTransaction[];
}
export interface FinishedResponse {
  lastEnvelopeTransferChainEntrySignedContentChecksum: string;
  responseCode: string;
  reason?: string;
}

/** One transfer chain entry as this browser checked it. */
export interface CheckedChainEntry {
  index: number;
  jws: string;
  /** SHA-256 of the JWS text, computed here */
  checksum: string;
  /** the checksum the chain holds for this position, when it holds one */
  onChain?: string;
  /** the entry names the previous entry's checksum (the first names none) */
  links: boolean;
  /** the entry signs the bill's transport document checksum */
  document: boolean;
  entry?: TransferChainEntry;
  kid?: string;
  problem?: string;
}

export interface TransferChainCheck {
  entries: CheckedChainEntry[];
  /** every entry parsed, hashes to the chain's checksum where it holds one, links, and signs the bill's document; the last is the chain's last */
  ok: boolean;
  /** how many entries' checksums the chain holds (all of an import's; only the last of an export) */
  anchored: number;
  problems: string[];
}

/**
 * Checks a transfer chain against what the chain holds: every entry's
 * checksum (entryChecksums: an import's, oldest first; omitted for an
 * export, where only the last is known), the last entry's checksum, the hash
 * links, and the transport document checksum each entry signs.
 */
export function checkTransferChain(
  chain: string[],
  expect: { entryChecksums?: string[]; lastEntryChecksum: string; documentChecksum: string },
): TransferChainCheck {
  const problems: string[] = [];
  let anchored = 0;
  let prev = "";
  const entries = chain.map((jws, i): CheckedChainEntry => {
    const sum = checksum(jws);
    let onChain = expect.entryChecksums?.[i];
    if (i === chain.length - 1 && !onChain) onChain = expect.lastEntryChecksum;
    const out: CheckedChainEntry = { index: i, jws, checksum: sum, onChain, links: false, document: false };
    try {
      const p = parseJws<TransferChainEntry>(jws);
      out.entry = p.payload;
      out.kid = p.header.kid;
      const named = p.payload.previousEnvelopeTransferChainEntrySignedContentChecksum ?? "";
      out.links = i === 0 ? named === "" : named === prev;
      out.document = p.payload.transportDocumentChecksum === expect.documentChecksum;
      if (!Array.isArray(p.payload.transactions) || p.payload.transactions.length === 0) out.problem = "no transactions";
    } catch (e) {
      out.problem = `unreadable: ${(e as Error).message}`;
    }
    if (onChain !== undefined) {
      anchored++;
      if (onChain !== sum) out.problem ??= `hashes to ${sum.slice(0, 12)}…, the chain holds ${onChain.slice(0, 12)}…`;
    }
    if (!out.links) out.problem ??= i === 0 ? "the first entry names a previous one" : "does not name the previous entry's checksum";
    if (!out.document) out.problem ??= "signs another transport document";
    if (out.problem) problems.push(`entry ${i + 1}: ${out.problem}`);
    prev = sum;
    return out;
  });
  if (chain.length === 0) problems.push("no entries");
  if (expect.entryChecksums && expect.entryChecksums.length !== chain.length) {
    problems.push(`the chain holds ${expect.entryChecksums.length} entry checksums, ${chain.length} entries were given`);
  }
  const last = entries[entries.length - 1];
  if (last && last.checksum !== expect.lastEntryChecksum && last.onChain === last.checksum) {
    problems.push(`the last entry is not the one the chain names (${expect.lastEntryChecksum.slice(0, 12)}…)`);
  }
  return { entries, ok: problems.length === 0, anchored, problems };
}

export interface SignatureCheck {
  ok: boolean;
  kid?: string;
  alg?: string;
  why?: string;
}

interface Jwk { kty: string; kid?: string; crv?: string; alg?: string; [k: string]: unknown }

function algorithmFor(alg: string, jwk: Jwk): { key: EcKeyImportParams | RsaHashedImportParams | Algorithm; verify: Algorithm | EcdsaParams | RsaPssParams } {
  switch (alg) {
    case "ES256":
      return { key: { name: "ECDSA", namedCurve: "P-256" } as EcKeyImportParams, verify: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams };
    case "ES384":
      return { key: { name: "ECDSA", namedCurve: "P-384" } as EcKeyImportParams, verify: { name: "ECDSA", hash: "SHA-384" } as EcdsaParams };
    case "RS256":
      return { key: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as RsaHashedImportParams, verify: { name: "RSASSA-PKCS1-v1_5" } };
    case "PS256":
      return { key: { name: "RSA-PSS", hash: "SHA-256" } as RsaHashedImportParams, verify: { name: "RSA-PSS", saltLength: 32 } as RsaPssParams };
    case "EdDSA":
      if (jwk.crv !== "Ed25519") throw new Error(`EdDSA key on ${jwk.crv}: only Ed25519 is allowed`);
      return { key: { name: "Ed25519" }, verify: { name: "Ed25519" } };
  }
  throw new Error(`algorithm ${alg} is not on the corridor's allow-list`);
}

/**
 * Verifies a JWS's signature with WebCrypto against a platform's JWKS (the
 * one the zone holds on chain), by the header's kid — the check the chain
 * itself made when it accepted the JWS, repeated here.
 */
export async function verifyJws(jws: string, jwks: string): Promise<SignatureCheck> {
  let p: Jws;
  try {
    p = parseJws(jws);
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
  const { alg, kid } = p.header;
  if (!alg || !kid) return { ok: false, alg, kid, why: "the header names no alg or no kid" };
  let keys: Jwk[];
  try {
    keys = (JSON.parse(jwks) as { keys: Jwk[] }).keys;
  } catch {
    return { ok: false, alg, kid, why: "the platform's JWKS does not parse" };
  }
  const jwk = keys.find((k) => k.kid === kid);
  if (!jwk) return { ok: false, alg, kid, why: `key ${kid} is not in the platform's keys on chain (today)` };
  if (jwk.alg && jwk.alg !== alg) return { ok: false, alg, kid, why: `key ${kid} is bound to ${jwk.alg}` };
  if (!globalThis.crypto?.subtle) return { ok: false, alg, kid, why: "this browser offers no WebCrypto here (a secure context is needed)" };
  try {
    const a = algorithmFor(alg, jwk);
    const pub = Object.fromEntries(Object.entries(jwk).filter(([k]) => ["kty", "crv", "x", "y", "n", "e"].includes(k)));
    const key = await crypto.subtle.importKey("jwk", pub as JsonWebKey, a.key, false, ["verify"]);
    const ok = await crypto.subtle.verify(a.verify, key, p.signature as BufferSource, toUtf8(p.signingInput) as BufferSource);
    return ok ? { ok, alg, kid } : { ok, alg, kid, why: "the signature does not verify" };
  } catch (e) {
    return { ok: false, alg, kid, why: `not checked here: ${(e as Error).message}` };
  }
}

/** "WAVE:WC-1" or "GLEIF:529900…:LEI" for a party's identifying codes. */
export function codesText(codes: { codeListProvider?: string; code_list_provider?: string; partyCode?: string; party_code?: string; codeListName?: string; code_list_name?: string }[] | undefined): string {
  return (codes ?? [])
    .map((c) => [c.codeListProvider ?? c.code_list_provider, c.partyCode ?? c.party_code, c.codeListName ?? c.code_list_name].filter(Boolean).join(":"))
    .join(", ");
}
