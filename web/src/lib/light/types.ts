// CometBFT's light-client data as its RPC's JSON carries it (/commit's
// signed_header, /validators), parsed strictly, and the bytes CometBFT hashes
// and signs: the header hash (types.Header.Hash), the validator set hash
// (types.ValidatorSet.Hash) and the canonical vote sign bytes
// (types.VoteSignBytes: a length-prefixed protobuf CanonicalVote).
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import {
  LightError,
  WireType,
  delimited,
  equal,
  fromBase64,
  fromHex,
  message,
  parseTime,
  sha256,
  timestampBytes,
  writeBytes,
  writeMessage,
  writeString,
  type Time,
} from "./encoding.js";
import { hashFromByteSlices } from "./merkle.js";

export interface PartSetHeader {
  total: number;
  hash: Uint8Array;
}
export interface BlockID {
  hash: Uint8Array;
  parts: PartSetHeader;
}
export interface Header {
  version: { block: bigint; app: bigint };
  chainId: string;
  height: bigint;
  time: Time;
  lastBlockId: BlockID;
  lastCommitHash: Uint8Array;
  dataHash: Uint8Array;
  validatorsHash: Uint8Array;
  nextValidatorsHash: Uint8Array;
  consensusHash: Uint8Array;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  evidenceHash: Uint8Array;
  proposerAddress: Uint8Array;
}

/** BlockIDFlag: 1 absent, 2 commit, 3 nil. */
export const FLAG_ABSENT = 1;
export const FLAG_COMMIT = 2;
export const FLAG_NIL = 3;

export interface CommitSig {
  flag: number;
  validatorAddress: Uint8Array;
  timestamp: Time;
  signature: Uint8Array;
}
export interface Commit {
  height: bigint;
  round: number;
  blockId: BlockID;
  signatures: CommitSig[];
}
export interface SignedHeader {
  header: Header;
  commit: Commit;
}
export interface Validator {
  address: Uint8Array;
  pubKey: Uint8Array;
  power: bigint;
}
export interface ValidatorSet {
  validators: Validator[];
}
export interface LightBlock {
  signedHeader: SignedHeader;
  validatorSet: ValidatorSet;
}

// ---- parsing the RPC's JSON ------------------------------------------------

type J = Record<string, unknown>;

function obj(v: unknown, what: string): J {
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new LightError(`${what} is missing or not an object`);
  return v as J;
}

function int(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d{1,20}$/.test(v)) return BigInt(v);
  throw new LightError(`${what} is not an integer`);
}

function hex(v: unknown, what: string, len?: number): Uint8Array {
  const b = v === "" || v === undefined || v === null ? new Uint8Array(0) : fromHex(String(v), what);
  if (len !== undefined && b.length !== 0 && b.length !== len) throw new LightError(`${what} has ${b.length} bytes, not ${len}`);
  return b;
}

function parseBlockID(v: unknown, what: string): BlockID {
  const o = obj(v, what);
  const parts = obj(o.parts ?? o.part_set_header ?? {}, `${what}.parts`);
  return {
    hash: hex(o.hash, `${what}.hash`, 32),
    parts: { total: Number(int(parts.total ?? 0, `${what}.parts.total`)), hash: hex(parts.hash, `${what}.parts.hash`, 32) },
  };
}

export function parseHeader(v: unknown): Header {
  const h = obj(v, "header");
  const version = obj(h.version, "header.version");
  if (typeof h.chain_id !== "string") throw new LightError("header.chain_id is missing");
  return {
    version: { block: int(version.block ?? "0", "header.version.block"), app: int(version.app ?? "0", "header.version.app") },
    chainId: h.chain_id,
    height: int(h.height, "header.height"),
    time: parseTime(String(h.time), "header.time"),
    lastBlockId: parseBlockID(h.last_block_id ?? {}, "header.last_block_id"),
    lastCommitHash: hex(h.last_commit_hash, "header.last_commit_hash", 32),
    dataHash: hex(h.data_hash, "header.data_hash", 32),
    validatorsHash: hex(h.validators_hash, "header.validators_hash", 32),
    nextValidatorsHash: hex(h.next_validators_hash, "header.next_validators_hash", 32),
    consensusHash: hex(h.consensus_hash, "header.consensus_hash", 32),
    appHash: hex(h.app_hash, "header.app_hash"),
    lastResultsHash: hex(h.last_results_hash, "header.last_results_hash", 32),
    evidenceHash: hex(h.evidence_hash, "header.evidence_hash", 32),
    proposerAddress: hex(h.proposer_address, "header.proposer_address", 20),
  };
}

export function parseCommit(v: unknown): Commit {
  const c = obj(v, "commit");
  if (!Array.isArray(c.signatures)) throw new LightError("commit.signatures is missing");
  return {
    height: int(c.height, "commit.height"),
    round: Number(int(c.round ?? 0, "commit.round")),
    blockId: parseBlockID(c.block_id, "commit.block_id"),
    signatures: c.signatures.map((s: unknown, i: number) => {
      const o = obj(s, `commit.signatures[${i}]`);
      const flag = Number(int(o.block_id_flag, `commit.signatures[${i}].block_id_flag`));
      if (flag !== FLAG_ABSENT && flag !== FLAG_COMMIT && flag !== FLAG_NIL) throw new LightError(`commit.signatures[${i}] has an unknown block_id_flag ${flag}`);
      return {
        flag,
        validatorAddress: hex(o.validator_address, `commit.signatures[${i}].validator_address`, 20),
        timestamp: flag === FLAG_ABSENT ? { seconds: -62135596800n, nanos: 0 } : parseTime(String(o.timestamp), `commit.signatures[${i}].timestamp`),
        signature: fromBase64((o.signature as string) ?? "", `commit.signatures[${i}].signature`),
      };
    }),
  };
}

export function parseSignedHeader(v: unknown): SignedHeader {
  const o = obj(v, "signed_header");
  return { header: parseHeader(o.header), commit: parseCommit(o.commit) };
}

export function parseValidators(v: unknown): ValidatorSet {
  const list = Array.isArray(v) ? v : obj(v, "validator set").validators;
  if (!Array.isArray(list) || list.length === 0) throw new LightError("the validator set is empty");
  return {
    validators: list.map((x: unknown, i: number) => {
      const o = obj(x, `validators[${i}]`);
      const pk = obj(o.pub_key, `validators[${i}].pub_key`);
      if (pk.type !== "tendermint/PubKeyEd25519") throw new LightError(`validators[${i}] has a ${String(pk.type)} key: this light client checks ed25519 validators only`);
      const pubKey = fromBase64(pk.value as string, `validators[${i}].pub_key`);
      if (pubKey.length !== 32) throw new LightError(`validators[${i}].pub_key has ${pubKey.length} bytes, not 32`);
      const address = pubKeyAddress(pubKey);
      if (o.address !== undefined && o.address !== "" && !equal(fromHex(String(o.address), `validators[${i}].address`), address)) {
        throw new LightError(`validators[${i}].address is not the address of its key`);
      }
      const power = int(o.voting_power, `validators[${i}].voting_power`);
      if (power <= 0n) throw new LightError(`validators[${i}] has voting power ${power}`);
      return { address, pubKey, power };
    }),
  };
}

/** An ed25519 validator's address: the first 20 bytes of SHA-256 of its key. */
export function pubKeyAddress(pubKey: Uint8Array): Uint8Array {
  return sha256(pubKey).slice(0, 20);
}

// ---- what CometBFT hashes and signs ----------------------------------------

function blockIdBytes(b: BlockID): Uint8Array {
  return message((w) => {
    writeBytes(w, 1, b.hash);
    writeMessage(
      w,
      2,
      message((p) => {
        if (b.parts.total) p.tag(1, WireType.Varint).uint32(b.parts.total);
        writeBytes(p, 2, b.parts.hash);
      }),
    );
  });
}

// cdcEncode: gogotypes wrappers (StringValue, Int64Value, BytesValue); a zero value encodes to nothing.
const wrapString = (s: string) => message((w) => writeString(w, 1, s));
const wrapInt64 = (n: bigint) => message((w) => (n !== 0n ? w.tag(1, WireType.Varint).int64(n) : w));
const wrapBytes = (b: Uint8Array) => message((w) => writeBytes(w, 1, b));

/** types.Header.Hash: the merkle root of the header's fields. */
export function headerHash(h: Header): Uint8Array {
  const version = message((w) => {
    if (h.version.block) w.tag(1, WireType.Varint).uint64(h.version.block);
    if (h.version.app) w.tag(2, WireType.Varint).uint64(h.version.app);
  });
  return hashFromByteSlices([
    version,
    wrapString(h.chainId),
    wrapInt64(h.height),
    timestampBytes(h.time),
    blockIdBytes(h.lastBlockId),
    wrapBytes(h.lastCommitHash),
    wrapBytes(h.dataHash),
    wrapBytes(h.validatorsHash),
    wrapBytes(h.nextValidatorsHash),
    wrapBytes(h.consensusHash),
    wrapBytes(h.appHash),
    wrapBytes(h.lastResultsHash),
    wrapBytes(h.evidenceHash),
    wrapBytes(h.proposerAddress),
  ]);
}

/** types.Validator.Bytes: SimpleValidator{pub_key: PublicKey{ed25519}, voting_power}. */
function simpleValidatorBytes(v: Validator): Uint8Array {
  return message((w) => {
    writeMessage(w, 1, message((k) => writeBytes(k, 1, v.pubKey)));
    if (v.power) w.tag(2, WireType.Varint).int64(v.power);
  });
}

/** types.ValidatorSet.Hash, over the validators in the order given. */
export function validatorSetHash(vs: ValidatorSet): Uint8Array {
  return hashFromByteSlices(vs.validators.map(simpleValidatorBytes));
}

/** SignedMsgType: 1 prevote, 2 precommit. */
export const PRECOMMIT = 2;

export interface VoteToSign {
  type: number;
  height: bigint;
  round: number;
  /** undefined or a zero BlockID for a vote for nil */
  blockId?: BlockID;
  timestamp: Time;
  chainId: string;
}

function isZeroBlockID(b: BlockID | undefined): boolean {
  return !b || (b.hash.length === 0 && b.parts.total === 0 && b.parts.hash.length === 0);
}

/** types.VoteSignBytes: protoio.MarshalDelimited(CanonicalVote). */
export function voteSignBytes(v: VoteToSign): Uint8Array {
  const canonical = message((w: BinaryWriter) => {
    if (v.type) w.tag(1, WireType.Varint).int32(v.type);
    if (v.height) w.tag(2, WireType.Bit64).sfixed64(v.height);
    if (v.round) w.tag(3, WireType.Bit64).sfixed64(BigInt(v.round));
    if (!isZeroBlockID(v.blockId)) {
      const b = v.blockId!;
      writeMessage(
        w,
        4,
        message((c) => {
          writeBytes(c, 1, b.hash);
          writeMessage(
            c,
            2,
            message((p) => {
              if (b.parts.total) p.tag(1, WireType.Varint).uint32(b.parts.total);
              writeBytes(p, 2, b.parts.hash);
            }),
          );
        }),
      );
    }
    writeMessage(w, 5, timestampBytes(v.timestamp));
    writeString(w, 6, v.chainId);
  });
  return delimited(canonical);
}

/** The sign bytes of commit signature idx (types.Commit.VoteSignBytes). */
export function commitVoteSignBytes(chainId: string, c: Commit, idx: number): Uint8Array {
  const s = c.signatures[idx];
  return voteSignBytes({
    type: PRECOMMIT,
    height: c.height,
    round: c.round,
    blockId: s.flag === FLAG_COMMIT ? c.blockId : undefined,
    timestamp: s.timestamp,
    chainId,
  });
}
