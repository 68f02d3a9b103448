// Signing and broadcasting with CosmJS. The signer is Keplr when the browser
// has it (the zone is offered through experimentalSuggestChain, from the
// chain-registry files), else a key the user pastes — a mnemonic or a hex
// private key of a localnet account — which stays in this page's memory and
// is never sent anywhere or stored.
import { DirectSecp256k1HdWallet, DirectSecp256k1Wallet, Registry, type GeneratedType, type OfflineSigner } from "@cosmjs/proto-signing";
import { BroadcastTxError, SigningStargateClient, defaultRegistryTypes, type DeliverTxResponse } from "@cosmjs/stargate";
import { fromHex, toBase64, toUtf8 } from "@cosmjs/encoding";
import { Secp256k1HdWallet, Secp256k1Wallet, makeSignDoc, type OfflineAminoSigner, type StdSignature } from "@cosmjs/amino";
import * as cargoTx from "../gen/tradechain/cargo/v1/tx.js";
import * as financeTx from "../gen/tradechain/tradefinance/v1/tx.js";
import type { ChainInfo, Zone } from "./api";

/** Every tradechain message, by its type URL, besides the SDK's own. */
function messageTypes(mod: Record<string, unknown>, pkg: string): [string, GeneratedType][] {
  return Object.entries(mod)
    .filter(([name, v]) => name.startsWith("Msg") && !name.endsWith("Response") && typeof v === "object")
    .map(([name, v]) => [`/${pkg}.${name}`, v as GeneratedType]);
}
export const registry = new Registry([
  ...defaultRegistryTypes,
  ...messageTypes(cargoTx, cargoTx.protobufPackage),
  ...messageTypes(financeTx, financeTx.protobufPackage),
]);

export const PREFIX = "trade";

interface Keplr {
  experimentalSuggestChain(info: ChainInfo): Promise<void>;
  enable(chainIds: string | string[]): Promise<void>;
  getOfflineSigner(chainId: string): OfflineSigner;
  signArbitrary(chainId: string, signer: string, data: string | Uint8Array): Promise<StdSignature>;
}
declare global {
  interface Window { keplr?: Keplr }
}

export interface Wallet {
  kind: "keplr" | "pasted";
  address: string;
  signerFor(z: Zone): Promise<OfflineSigner>;
  /**
   * An ADR-036 off-chain signature of text (a document store's sign-in
   * challenge) on zone z: Keplr's signArbitrary, or the pasted key signing
   * the same amino StdSignDoc (adr036SignDoc) — what internal/docstore verifies.
   */
  signArbitrary(z: Zone, text: string): Promise<StdSignature>;
}

/**
 * The StdSignDoc of an ADR-036 signature of data by signer, as Keplr's
 * signArbitrary makes it: one sign/MsgSignData {signer, data: base64}, chain
 * id "", account number and sequence 0, no fee, no memo. Its amino JSON
 * (keys sorted, serializeSignDoc) is what the key signs.
 */
export function adr036SignDoc(signer: string, data: Uint8Array) {
  return makeSignDoc([{ type: "sign/MsgSignData", value: { signer, data: toBase64(data) } }], { gas: "0", amount: [] }, "", "", 0, 0);
}

/** Signs text with ADR-036 using an amino signer of this page (the pasted key). */
export async function signArbitraryWith(signer: OfflineAminoSigner, address: string, text: string): Promise<StdSignature> {
  const { signature } = await signer.signAmino(address, adr036SignDoc(address, toUtf8(text)));
  return signature;
}

export function hasKeplr(): boolean {
  return typeof window !== "undefined" && !!window.keplr;
}

/** Keplr: offers both zones (chain-registry/keplr/*.json) and enables them. */
export async function connectKeplr(zones: Zone[]): Promise<Wallet> {
  const k = window.keplr!;
  for (const z of zones) await k.experimentalSuggestChain(z.chainInfo);
  await k.enable(zones.map((z) => z.id));
  const [acct] = await k.getOfflineSigner(zones[0].id).getAccounts();
  return {
    kind: "keplr",
    address: acct.address,
    signerFor: async (z) => k.getOfflineSigner(z.id),
    signArbitrary: (z, text) => k.signArbitrary(z.id, acct.address, text),
  };
}

/** A pasted mnemonic (12 or 24 words) or 64-hex-digit secp256k1 private key. */
export async function walletFromPasted(secret: string): Promise<Wallet> {
  const s = secret.trim();
  let signer: OfflineSigner;
  let amino: OfflineAminoSigner;
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(s)) {
    signer = await DirectSecp256k1Wallet.fromKey(fromHex(s.replace(/^0x/, "")), PREFIX);
    amino = await Secp256k1Wallet.fromKey(fromHex(s.replace(/^0x/, "")), PREFIX);
  } else {
    const words = s.split(/\s+/);
    if (words.length !== 12 && words.length !== 24) {
      throw new Error("paste a 12- or 24-word mnemonic, or a 64-hex-digit private key (tradechaind keys export NAME --unarmored-hex --unsafe)");
    }
    signer = await DirectSecp256k1HdWallet.fromMnemonic(words.join(" "), { prefix: PREFIX });
    amino = await Secp256k1HdWallet.fromMnemonic(words.join(" "), { prefix: PREFIX });
  }
  const [acct] = await signer.getAccounts();
  return { kind: "pasted", address: acct.address, signerFor: async () => signer, signArbitrary: (_z, text) => signArbitraryWith(amino, acct.address, text) };
}

export interface Msg { typeUrl: string; value: object }

export type TxOutcome =
  | { ok: true; zone: string; hash: string; height: number; gasUsed: bigint; events: DeliverTxResponse["events"] }
  | { ok: false; zone: string; stage: "check" | "simulate" | "block" | "connect"; code?: string; message: string; hash?: string };

/** The chain's error text without the SDK's wrapping, stack position and gas note. */
export function plainError(raw: string): string {
  let s = raw;
  const desc = s.lastIndexOf("desc = ");
  if (desc >= 0) s = s.slice(desc + 7);
  s = s.replace(/^failed to execute message; message index: \d+: /, "");
  s = s.replace(/ \[[^\]]*\.go:\d+\]/g, "");
  s = s.replace(/ with gas used: '\d+'/, "");
  s = s.replace(/: unknown request$/, "");
  return s.trim();
}

/** Simulates (nothing is sent if the chain would refuse), signs and broadcasts; waits for the block. */
export async function signAndSend(wallet: Wallet, z: Zone, msgs: Msg[], memo = ""): Promise<TxOutcome> {
  let client: SigningStargateClient;
  try {
    client = await SigningStargateClient.connectWithSigner(z.rpc, await wallet.signerFor(z), { registry });
  } catch (e) {
    return { ok: false, zone: z.id, stage: "connect", message: `could not reach ${z.id}: ${(e as Error).message}` };
  }
  try {
    let gas: number;
    try {
      gas = await client.simulate(wallet.address, msgs, memo);
    } catch (e) {
      return { ok: false, zone: z.id, stage: "simulate", message: plainError((e as Error).message) };
    }
    // The corridor's zones take no fee (admission is by party registration);
    // a zone with a fee would list it in its chain info's feeCurrencies.
    const fee = { amount: [], gas: String(Math.ceil(gas * 1.5)) };
    let res: DeliverTxResponse;
    try {
      res = await client.signAndBroadcast(wallet.address, msgs, fee, memo);
    } catch (e) {
      if (e instanceof BroadcastTxError) {
        return { ok: false, zone: z.id, stage: "check", code: `${e.codespace}/${e.code}`, message: plainError(e.log ?? e.message) };
      }
      return { ok: false, zone: z.id, stage: "check", message: plainError((e as Error).message) };
    }
    if (res.code !== 0) {
      const codespace = (res as unknown as { codespace?: string }).codespace ?? "";
      return { ok: false, zone: z.id, stage: "block", code: `${codespace}/${res.code}`, message: plainError(res.rawLog ?? ""), hash: res.transactionHash };
    }
    return { ok: true, zone: z.id, hash: res.transactionHash, height: res.height, gasUsed: res.gasUsed, events: res.events };
  } finally {
    client.disconnect();
  }
}

const cargo = (name: string) => `/${cargoTx.protobufPackage}.${name}`;
const finance = (name: string) => `/${financeTx.protobufPackage}.${name}`;

// The main actions, as messages (field names as ts-proto spells them).
export const actions = {
  transfer: (holder: string, billId: string, to: string, remark = ""): Msg => ({ typeUrl: cargo("MsgTransferBill"), value: { holder, billId, to, remark } }),
  endorse: (holder: string, billId: string, endorsee: string, remark = ""): Msg => ({ typeUrl: cargo("MsgEndorseBill"), value: { holder, billId, endorsee, remark } }),
  requestSurrender: (holder: string, billId: string, purpose: "DELIVERY" | "AMENDMENT", reason: string, remark = ""): Msg => ({
    typeUrl: cargo("MsgRequestSurrender"),
    value: { holder, billId, purpose: purpose === "DELIVERY" ? 1 : 2, reason, remark },
  }),
  acceptSurrender: (carrier: string, billId: string, remark = ""): Msg => ({ typeUrl: cargo("MsgAcceptSurrender"), value: { carrier, billId, remark } }),
  // timeout 0: the chain's default, 10 minutes after the block time.
  sendBill: (holder: string, billId: string, channel: string, receiver: string, remark = ""): Msg => ({
    typeUrl: cargo("MsgSendBill"),
    value: { holder, billId, channel, receiver, timeoutTimestamp: 0n, memo: "", remark },
  }),
  presentDocuments: (beneficiary: string, lcId: string, billId: string, documentHashes: string[]): Msg => ({
    typeUrl: finance("MsgPresentDocuments"),
    value: { beneficiary, lcId: BigInt(lcId), billId, documentHashes },
  }),
  examine: (issuingBank: string, lcId: string, comply: boolean, discrepancies: string[]): Msg => ({
    typeUrl: finance("MsgExamineDocuments"),
    value: { issuingBank, lcId: BigInt(lcId), decision: comply ? 1 : 2, discrepancies },
  }),
  offerFinancing: (bank: string, invoiceId: string, advance: { denom: string; amount: string }, repayment: { denom: string; amount: string }, maturity: string): Msg => ({
    typeUrl: finance("MsgOfferFinancing"),
    value: { bank, invoiceId: BigInt(invoiceId), advance, repayment, maturity },
  }),
  acceptFinancing: (seller: string, financingId: string): Msg => ({ typeUrl: finance("MsgAcceptFinancing"), value: { seller, financingId: BigInt(financingId) } }),
};
