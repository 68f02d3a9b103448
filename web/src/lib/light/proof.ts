// The ICS-23 proofs of an abci_query with prove=true on /store/cargo/key:
// ProofOps [ics23:iavl (the key in the cargo IAVL tree), ics23:simple (the
// cargo tree's root in the multistore)], checked with @confio/ics23 the way
// the SDK's store/rootmulti proof runtime does, from the key this app
// computed up to an app hash the light client verified.
import { calculateExistenceRoot, iavlSpec, ics23, tendermintSpec, verifyExistence, verifyNonExistence } from "@confio/ics23";
import { LightError, equal, fromBase64, sha256, toHex } from "./encoding.js";

export interface ProofOp {
  type: string;
  key: Uint8Array;
  data: Uint8Array;
}

export function parseProofOps(v: unknown): ProofOp[] {
  const ops = (v as { ops?: unknown })?.ops ?? v;
  if (!Array.isArray(ops)) throw new LightError("the answer carries no proof (proofOps missing)");
  return ops.map((o: { type?: unknown; key?: unknown; data?: unknown }, i: number) => {
    if (typeof o?.type !== "string") throw new LightError(`proof op ${i} has no type`);
    return { type: o.type, key: fromBase64(o.key as string, `proof op ${i} key`), data: fromBase64(o.data as string, `proof op ${i} data`) };
  });
}

function decode(op: ProofOp): ics23.CommitmentProof {
  try {
    return ics23.CommitmentProof.decode(op.data);
  } catch (e) {
    throw new LightError(`proof op ${op.type} is not an ICS-23 commitment proof (${(e as Error).message})`);
  }
}

function b(x: Uint8Array | null | undefined): Uint8Array {
  return x ? Uint8Array.from(x) : new Uint8Array(0);
}

const utf8 = new TextEncoder();

/**
 * Checks that ops prove key → value (or key absent, when value is null) in
 * store `storeName`, under appHash. Throws a LightError saying what failed.
 */
export function verifyStoreProof(ops: ProofOp[], storeName: string, key: Uint8Array, value: Uint8Array | null, appHash: Uint8Array): void {
  if (ops.length !== 2) throw new LightError(`the proof has ${ops.length} operations, not the two (IAVL, multistore) a store query proves with`);
  const [iavl, simple] = ops;
  if (iavl.type !== "ics23:iavl") throw new LightError(`the first proof op is ${iavl.type}, not ics23:iavl`);
  if (simple.type !== "ics23:simple") throw new LightError(`the second proof op is ${simple.type}, not ics23:simple`);
  if (!equal(iavl.key, key)) throw new LightError(`the proof is for key ${toHex(iavl.key)}, not for the key asked about (${toHex(key)})`);
  if (!equal(simple.key, utf8.encode(storeName))) throw new LightError(`the proof is for store ${new TextDecoder().decode(simple.key)}, not ${storeName}`);

  const p = decode(iavl);
  let storeRoot: Uint8Array;
  try {
    if (value !== null) {
      if (!p.exist) throw new LightError("the answer has a value but its proof is not a proof of existence");
      storeRoot = calculateExistenceRoot(p.exist);
      verifyExistence(p.exist, iavlSpec, storeRoot, key, value);
    } else {
      if (!p.nonexist) throw new LightError("the answer says the key is absent but its proof is not a proof of absence");
      if (!p.nonexist.left && !p.nonexist.right) throw new LightError("the proof of absence has no neighbours");
      if (!equal(b(p.nonexist.key), key)) throw new LightError("the proof of absence is for another key");
      const [nonexist, spec] = valueHashed(p.nonexist);
      storeRoot = calculateExistenceRoot(nonexist.left ?? nonexist.right!);
      verifyNonExistence(nonexist, spec, storeRoot, key);
    }
  } catch (e) {
    if (e instanceof LightError) throw e;
    const m = (e as Error).message;
    throw new LightError(
      /Arrays differ|Bytes? /.test(m) ? "the IAVL proof does not hold: the record sent is not the record the proof commits to (it was changed)" : `the IAVL proof does not hold: ${m}`,
    );
  }

  const m = decode(simple);
  if (!m.exist) throw new LightError("the multistore proof is not a proof of existence");
  try {
    verifyExistence(m.exist, tendermintSpec, appHash, utf8.encode(storeName), storeRoot);
  } catch (e) {
    throw new LightError(
      `the proof does not lead to the app hash the validators signed (${toHex(appHash).slice(0, 16)}…): ${(e as Error).message.replace(/Bytes? .*$/, "the roots differ")}`,
    );
  }
}

// An IAVL leaf hashes SHA-256(value) after the key, so a proof may carry the
// value's hash in its place with the leaf's value pre-hash off: the same
// bytes are hashed. A proof of absence is checked that way because its
// neighbours may be keys stored with an empty value (index entries,
// collections' KeySets), which @confio/ics23 — like the Go ics23 — refuses to
// hash ("Missing value") although the tree commits to them. The neighbours'
// values are only hashed, never read, so nothing the proof shows is taken on
// trust; the pre-hash is moved, not dropped (each neighbour's leaf must still
// say SHA-256 for it, checked here).
function valueHashed(p: ics23.INonExistenceProof): [ics23.INonExistenceProof, ics23.IProofSpec] {
  const hashed = (e: ics23.IExistenceProof | null | undefined): ics23.IExistenceProof | undefined => {
    if (!e) return undefined;
    if (e.leaf?.prehashValue !== iavlSpec.leafSpec!.prehashValue) throw new LightError("a neighbour's leaf does not hash its value as IAVL does");
    const l = e.leaf!;
    const leaf = { hash: l.hash, prehashKey: l.prehashKey, prehashValue: ics23.HashOp.NO_HASH, length: l.length, prefix: l.prefix };
    return { key: e.key, value: sha256(b(e.value)), leaf, path: e.path };
  };
  const ls = iavlSpec.leafSpec!;
  const spec = { ...iavlSpec, leafSpec: { hash: ls.hash, prehashKey: ls.prehashKey, prehashValue: ics23.HashOp.NO_HASH, length: ls.length, prefix: ls.prefix } };
  return [{ ...p, left: hashed(p.left), right: hashed(p.right) }, spec];
}
