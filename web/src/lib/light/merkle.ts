// CometBFT's simple merkle tree (crypto/merkle.HashFromByteSlices, RFC 6962
// with 0x00 leaf and 0x01 inner prefixes): the hash of a header's fields and
// of a validator set.
import { concat, sha256 } from "./encoding.js";

const LEAF = Uint8Array.of(0);
const INNER = Uint8Array.of(1);

/** The largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function hashFromByteSlices(items: Uint8Array[]): Uint8Array {
  switch (items.length) {
    case 0:
      return sha256(new Uint8Array(0));
    case 1:
      return sha256(concat(LEAF, items[0]));
    default: {
      const k = splitPoint(items.length);
      return sha256(concat(INNER, hashFromByteSlices(items.slice(0, k)), hashFromByteSlices(items.slice(k))));
    }
  }
}
