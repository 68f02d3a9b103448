// CometBFT's light-client rules, as light/verifier.go and types/validation.go
// of CometBFT v0.38 state them: a signed header's own consistency, commit
// verification against a validator set (≥ 2/3 of it, signatures looked up by
// index) and against a trusted set (> trust level of it, looked up by
// address, no double votes), and the adjacent / non-adjacent (skipping)
// verification with the trusting period and the clock drift.
import { ed25519 } from "@noble/curves/ed25519.js";
import { LightError, equal, formatTime, timeAfter, timeMs, toHex, type Time } from "./encoding.js";
import {
  FLAG_ABSENT,
  FLAG_COMMIT,
  commitVoteSignBytes,
  headerHash,
  validatorSetHash,
  type Commit,
  type SignedHeader,
  type Validator,
  type ValidatorSet,
} from "./types.js";

/** The block protocol version of CometBFT v0.38 (version.BlockProtocol). */
export const BLOCK_PROTOCOL = 11n;

export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}
export const DEFAULT_TRUST_LEVEL: Fraction = { numerator: 1n, denominator: 3n };

/** What a commit check counted, for the page to say what it checked. */
export interface Tally {
  signed: number;
  of: number;
  power: bigint;
  total: bigint;
}

/** Not enough of a set's voting power signed (types.ErrNotEnoughVotingPowerSigned). */
export class NotEnoughVotingPower extends LightError {
  constructor(
    readonly got: bigint,
    readonly needed: bigint,
    readonly total: bigint,
    what: string,
  ) {
    super(`${what}: ${got} of ${total} voting power signed, more than ${needed} is needed`);
  }
}

/** The trusted validators cannot vouch for the new header (light.ErrNewValSetCantBeTrusted): bisect. */
export class NewValSetCantBeTrusted extends LightError {}
/** The trusted header is older than the trusting period (light.ErrOldHeaderExpired). */
export class OldHeaderExpired extends LightError {}

export function totalPower(vs: ValidatorSet): bigint {
  return vs.validators.reduce((n, v) => n + v.power, 0n);
}

// Signatures found valid, so a commit checked against the trusted set and
// then its own set (the same signatures) costs one verification each.
const valid = new Set<string>();

function verifySig(v: Validator, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  const k = `${toHex(v.pubKey)}/${toHex(sig)}/${toHex(msg)}`;
  if (valid.has(k)) return true;
  try {
    // ZIP-215 rules, as CometBFT's ed25519 (curve25519-voi) verifies.
    const ok = ed25519.verify(sig, msg, v.pubKey, { zip215: true });
    if (ok) {
      if (valid.size > 4096) valid.clear();
      valid.add(k);
    }
    return ok;
  } catch {
    return false;
  }
}

/** Builds ed25519's precomputed tables now, so the first real check does not pay for them. */
export function warmUpSignatures() {
  const priv = new Uint8Array(32).fill(1);
  const msg = Uint8Array.of(0);
  ed25519.verify(ed25519.sign(msg, priv), msg, ed25519.getPublicKey(priv));
}

function validateCommitSig(c: Commit, idx: number) {
  const s = c.signatures[idx];
  if (s.flag === FLAG_ABSENT) {
    if (s.validatorAddress.length || s.signature.length) throw new LightError(`commit signature ${idx} is absent but carries an address or a signature`);
    return;
  }
  if (s.validatorAddress.length !== 20) throw new LightError(`commit signature ${idx} has no 20-byte validator address`);
  if (s.signature.length === 0 || s.signature.length > 64) throw new LightError(`commit signature ${idx} has a signature of ${s.signature.length} bytes`);
}

/**
 * VerifyCommitLight (counting every signature, as VerifyCommitLightAllSignatures):
 * the commit's signatures for the block, by index in vals, carry more than
 * 2/3 of vals' power, and every one checked is valid.
 */
export function verifyCommitLight(chainId: string, vals: ValidatorSet, sh: SignedHeader): Tally {
  const c = sh.commit;
  if (vals.validators.length !== c.signatures.length) {
    throw new LightError(`the commit has ${c.signatures.length} signatures but the validator set has ${vals.validators.length} validators`);
  }
  if (c.height !== sh.header.height) throw new LightError(`the commit is for height ${c.height}, the header is ${sh.header.height}`);
  const total = totalPower(vals);
  const needed = (total * 2n) / 3n;
  let power = 0n;
  let signed = 0;
  c.signatures.forEach((s, idx) => {
    if (s.flag !== FLAG_COMMIT) return;
    validateCommitSig(c, idx);
    const v = vals.validators[idx];
    if (!equal(v.address, s.validatorAddress)) throw new LightError(`commit signature ${idx} is from ${toHex(s.validatorAddress)}, not from validator ${idx} (${toHex(v.address)})`);
    if (!verifySig(v, commitVoteSignBytes(chainId, c, idx), s.signature)) {
      throw new LightError(`wrong signature from validator ${toHex(v.address)} (commit signature ${idx}) at height ${c.height}`);
    }
    power += v.power;
    signed++;
  });
  if (power <= needed) throw new NotEnoughVotingPower(power, needed, total, `height ${c.height}: its own validators`);
  return { signed, of: vals.validators.length, power, total };
}

/**
 * VerifyCommitLightTrusting: signatures of the trusted set's validators
 * (found by address) in the commit carry more than trustLevel of its power.
 */
export function verifyCommitLightTrusting(chainId: string, trusted: ValidatorSet, c: Commit, level: Fraction = DEFAULT_TRUST_LEVEL): Tally {
  if (level.denominator === 0n) throw new LightError("trust level has a zero denominator");
  const total = totalPower(trusted);
  const needed = (total * level.numerator) / level.denominator;
  const byAddress = new Map(trusted.validators.map((v, i) => [toHex(v.address), i]));
  const seen = new Map<number, number>();
  let power = 0n;
  let signed = 0;
  c.signatures.forEach((s, idx) => {
    if (s.flag !== FLAG_COMMIT) return;
    validateCommitSig(c, idx);
    const i = byAddress.get(toHex(s.validatorAddress));
    if (i === undefined) return;
    if (seen.has(i)) throw new LightError(`double vote from ${toHex(s.validatorAddress)} (${seen.get(i)} and ${idx})`);
    seen.set(i, idx);
    const v = trusted.validators[i];
    if (!verifySig(v, commitVoteSignBytes(chainId, c, idx), s.signature)) {
      throw new LightError(`wrong signature from validator ${toHex(v.address)} (commit signature ${idx}) at height ${c.height}`);
    }
    power += v.power;
    signed++;
  });
  if (power <= needed) {
    throw new NotEnoughVotingPower(power, needed, total, `height ${c.height}: the trusted validators`);
  }
  return { signed, of: trusted.validators.length, power, total };
}

/** SignedHeader.ValidateBasic: the header is well formed and the commit is for it. */
export function validateSignedHeader(sh: SignedHeader, chainId: string) {
  const h = sh.header;
  if (h.version.block !== BLOCK_PROTOCOL) throw new LightError(`header has block protocol ${h.version.block}, not ${BLOCK_PROTOCOL}`);
  if (h.chainId !== chainId) throw new LightError(`header belongs to chain ${JSON.stringify(h.chainId)}, not ${chainId}`);
  if (h.height <= 0n) throw new LightError(`header has height ${h.height}`);
  for (const [k, b] of [
    ["validators_hash", h.validatorsHash],
    ["next_validators_hash", h.nextValidatorsHash],
  ] as const) {
    if (b.length !== 32) throw new LightError(`header has no ${k}`);
  }
  if (h.proposerAddress.length !== 20) throw new LightError("header has no 20-byte proposer address");
  const c = sh.commit;
  if (c.height !== h.height) throw new LightError(`the commit is for height ${c.height}, the header is ${h.height}`);
  if (c.round < 0) throw new LightError("the commit has a negative round");
  if (c.blockId.hash.length !== 32 || c.signatures.length === 0) throw new LightError("the commit has no block id or no signatures");
  c.signatures.forEach((_, i) => validateCommitSig(c, i));
  const hh = headerHash(h);
  if (!equal(c.blockId.hash, hh)) {
    throw new LightError(`the commit signs block ${toHex(c.blockId.hash)} but the header hashes to ${toHex(hh)}: the header was changed`);
  }
}

export interface Options {
  /** trusting period in ms */
  trustingPeriodMs: number;
  /** the verifier's clock, ms since the epoch */
  now: number;
  /** ms a new header may be ahead of the clock (CometBFT's default: 10 s) */
  maxClockDriftMs: number;
  trustLevel?: Fraction;
}

export function headerExpired(t: Time, trustingPeriodMs: number, now: number): boolean {
  return !(timeMs(t) + trustingPeriodMs > now);
}

function verifyNewHeaderAndVals(untrusted: SignedHeader, untrustedVals: ValidatorSet, trusted: SignedHeader, o: Options) {
  validateSignedHeader(untrusted, trusted.header.chainId);
  if (untrusted.header.height <= trusted.header.height) {
    throw new LightError(`expected new header height ${untrusted.header.height} to be greater than the trusted ${trusted.header.height}`);
  }
  if (!timeAfter(untrusted.header.time, trusted.header.time)) {
    throw new LightError(`new header time ${formatTime(untrusted.header.time)} is not after the trusted header's ${formatTime(trusted.header.time)}`);
  }
  if (!(timeMs(untrusted.header.time) < o.now + o.maxClockDriftMs)) {
    throw new LightError(`new header has a time from the future ${formatTime(untrusted.header.time)} (now ${new Date(o.now).toISOString()})`);
  }
  const vh = validatorSetHash(untrustedVals);
  if (!equal(untrusted.header.validatorsHash, vh)) {
    throw new LightError(
      `header ${untrusted.header.height} names validators ${toHex(untrusted.header.validatorsHash)} but the validator set supplied hashes to ${toHex(vh)}`,
    );
  }
}

export interface StepResult {
  /** the trusted set's share, on a skip */
  trusting?: Tally;
  /** the new set's share */
  own: Tally;
}

/** light.VerifyNonAdjacent */
export function verifyNonAdjacent(
  trusted: SignedHeader,
  trustedVals: ValidatorSet,
  untrusted: SignedHeader,
  untrustedVals: ValidatorSet,
  o: Options,
): StepResult {
  if (untrusted.header.height === trusted.header.height + 1n) throw new LightError("headers must be non adjacent in height");
  if (headerExpired(trusted.header.time, o.trustingPeriodMs, o.now)) {
    throw new OldHeaderExpired(
      `the trusted header ${trusted.header.height} (${formatTime(trusted.header.time)}) is older than the trusting period: pin a newer trust root`,
    );
  }
  verifyNewHeaderAndVals(untrusted, untrustedVals, trusted, o);
  let trusting: Tally;
  try {
    trusting = verifyCommitLightTrusting(trusted.header.chainId, trustedVals, untrusted.commit, o.trustLevel ?? DEFAULT_TRUST_LEVEL);
  } catch (e) {
    if (e instanceof NotEnoughVotingPower) {
      throw new NewValSetCantBeTrusted(
        `header ${untrusted.header.height} is not signed by enough of the validators trusted at height ${trusted.header.height}: ${e.got} of ${e.total} voting power signed, more than ${e.needed} is needed`,
      );
    }
    throw e;
  }
  const own = verifyCommitLight(trusted.header.chainId, untrustedVals, untrusted);
  return { trusting, own };
}

/** light.VerifyAdjacent */
export function verifyAdjacent(trusted: SignedHeader, untrusted: SignedHeader, untrustedVals: ValidatorSet, o: Options): StepResult {
  if (untrusted.header.height !== trusted.header.height + 1n) throw new LightError("headers must be adjacent in height");
  if (headerExpired(trusted.header.time, o.trustingPeriodMs, o.now)) {
    throw new OldHeaderExpired(
      `the trusted header ${trusted.header.height} (${formatTime(trusted.header.time)}) is older than the trusting period: pin a newer trust root`,
    );
  }
  verifyNewHeaderAndVals(untrusted, untrustedVals, trusted, o);
  if (!equal(untrusted.header.validatorsHash, trusted.header.nextValidatorsHash)) {
    throw new LightError(
      `header ${untrusted.header.height} is signed by validators ${toHex(untrusted.header.validatorsHash)}, not by the next validators ${toHex(trusted.header.nextValidatorsHash)} the trusted header ${trusted.header.height} named`,
    );
  }
  return { own: verifyCommitLight(trusted.header.chainId, untrustedVals, untrusted) };
}

/** light.Verify */
export function verify(trusted: SignedHeader, trustedVals: ValidatorSet, untrusted: SignedHeader, untrustedVals: ValidatorSet, o: Options): StepResult {
  return untrusted.header.height !== trusted.header.height + 1n
    ? verifyNonAdjacent(trusted, trustedVals, untrusted, untrustedVals, o)
    : verifyAdjacent(trusted, untrusted, untrustedVals, o);
}
