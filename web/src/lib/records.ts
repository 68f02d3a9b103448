// Each record an SME page shows — a track-record figure's bills, history
// entries, milestones, credits, invoices, financings; the consent it is
// shown under; the access record of each document read — proved by the
// zone's light client against the zone's trust root (src/lib/light): the key
// is computed here from the reference (x/cargo and x/tradefinance
// store_keys.go, mirrored in light/keys.ts), the record decoded from the
// proved bytes, and what the figure says of the SME checked against it.
import { AccessRecord, Bill, BillStatus, Consent, HistoryEntry, Milestone } from "../gen/tradechain/cargo/v1/types.js";
import { Financing, Invoice, LetterOfCredit } from "../gen/tradechain/tradefinance/v1/types.js";
import type { Zone } from "./api";
import { LightError, timeMs } from "./light/encoding.js";
import { proveKey, type Checked } from "./light/index.js";
import {
  TRADEFINANCE_STORE,
  accessRecordStoreKey,
  billStoreKey,
  consentStoreKey,
  financingStoreKey,
  historyStoreKey,
  invoiceStoreKey,
  lcStoreKey,
  milestoneStoreKey,
} from "./light/keys.js";
import type { Proven } from "./light/client.js";

export type { Checked };

function why(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function proved<T>(z: Zone, key: Uint8Array, store: string | undefined, what: string, decode: (b: Uint8Array) => T, check: (v: T, p: Proven) => string): Promise<Checked<string>> {
  let proof: Proven | undefined;
  try {
    proof = await proveKey(z, key, store);
    if (!proof.value) throw new LightError(`${z.id}'s validators' state at height ${proof.height} holds no ${what}: the answer listing it is false`);
    return { ok: true, value: check(decode(proof.value), proof), proof };
  } catch (e) {
    return { ok: false, why: why(e), proof };
  }
}

function must(cond: boolean, msg: string) {
  if (!cond) throw new LightError(msg);
}

const isId = (s: string | undefined) => !!s && /^\d+$/.test(s);

/**
 * Proves one reference of a track-record figure: a bill id, "bill/sequence"
 * (a history entry; a milestone under milestones_*), "lc/N", "invoice/N" or
 * "financing/N". Figures this app does not know (a newer chain's) are proved
 * by the record's existence only.
 */
export function proveFigureRecord(z: Zone, figure: string, ref: string, sme: string): Promise<Checked<string>> {
  const slash = ref.lastIndexOf("/");
  const [head, tail] = slash > 0 ? [ref.slice(0, slash), ref.slice(slash + 1)] : [ref, undefined];
  if ((head === "lc" || head === "invoice" || head === "financing") && isId(tail)) return proveFinanceRecord(z, figure, head, BigInt(tail!), sme);
  if (tail !== undefined && isId(tail)) {
    const seq = BigInt(tail);
    if (figure.startsWith("milestones_")) {
      return proved(z, milestoneStoreKey(head, seq), undefined, `milestone ${ref}`, Milestone.decode, (m) => {
        must(m.billId === head && m.sequence === seq, `the proved milestone is ${m.billId}/${m.sequence}, not ${ref}`);
        must(m.classifier === "ACT", `milestone ${ref} is ${m.classifier}, not an actual (ACT) event`);
        return `${m.eventCode} at ${m.location} (ACT)`;
      });
    }
    return proved(z, historyStoreKey(head, seq), undefined, `history entry ${ref}`, HistoryEntry.decode, (h) => {
      must(h.billId === head && h.sequence === seq, `the proved entry is ${h.billId}/${h.sequence}, not ${ref}`);
      const party = h.actor === sme || h.from === sme || h.to === sme;
      if (figure === "transfers_rejected_by_party") must(h.actor === sme && h.action.startsWith("REJECT_"), `entry ${ref} is ${h.action} by ${h.actor}, not a rejection by this party`);
      else if (figure === "transfers_of_party_rejected") must(party && h.action.startsWith("REJECT_"), `entry ${ref} is ${h.action}, not a rejection of this party's transfer`);
      else if (figure === "surrenders_refused") must(party && h.action === "SREJ", `entry ${ref} is ${h.action}, not a refused surrender of this party`);
      else must(party, `entry ${ref} (${h.action}) does not involve this party`);
      return `${h.action}${h.actor ? " by " + h.actor.slice(0, 12) + "…" : ""}`;
    });
  }
  return proved(z, billStoreKey(ref), undefined, `bill ${ref}`, Bill.decode, (b) => {
    must(b.id === ref, `the proved record is bill ${b.id}, not ${ref}`);
    switch (figure) {
      case "bills_shipped":
        must(b.shipper === sme, `bill ${ref}'s shipper is ${b.shipper || "none"}, not this party`);
        break;
      case "bills_holding_now":
        must(b.holder === sme, `bill ${ref} is held by ${b.holder || "no one"}, not this party`);
        break;
      case "bills_voided":
        must(b.shipper === sme && b.status === BillStatus.BILL_STATUS_VOIDED, `bill ${ref} is not a voided bill this party shipped`);
        break;
      case "bills_surrendered_for_delivery":
        must(b.status === BillStatus.BILL_STATUS_SURRENDERED_FOR_DELIVERY, `bill ${ref} is not surrendered for delivery`);
        break;
      case "bills_issued_as_carrier":
        must(b.carrier === sme, `bill ${ref}'s carrier is ${b.carrier}, not this party`);
        break;
    }
    return `${BillStatus[b.status] ?? b.status}, version ${b.version}`.replace("BILL_STATUS_", "");
  });
}

function proveFinanceRecord(z: Zone, figure: string, kind: "lc" | "invoice" | "financing", id: bigint, sme: string): Promise<Checked<string>> {
  const ref = `${kind}/${id}`;
  if (kind === "lc") {
    return proved(z, lcStoreKey(id), TRADEFINANCE_STORE, `credit ${ref}`, LetterOfCredit.decode, (lc) => {
      must(lc.id === id, `the proved credit is ${lc.id}, not ${id}`);
      must(lc.beneficiary === sme, `credit ${id}'s beneficiary is ${lc.beneficiary}, not this party`);
      return `beneficiary this party, ${lc.amount?.amount ?? ""} ${lc.amount?.denom ?? ""}`.trim();
    });
  }
  if (kind === "invoice") {
    return proved(z, invoiceStoreKey(id), TRADEFINANCE_STORE, `invoice ${ref}`, Invoice.decode, (inv) => {
      must(inv.id === id, `the proved invoice is ${inv.id}, not ${id}`);
      must(inv.seller === sme, `invoice ${id}'s seller is ${inv.seller}, not this party`);
      if (figure === "invoices_financed") must(inv.status >= 2 && inv.status <= 4, `invoice ${id} was never financed (status ${inv.status})`);
      return `invoice ${inv.number}`;
    });
  }
  return proved(z, financingStoreKey(id), TRADEFINANCE_STORE, `financing ${ref}`, Financing.decode, (f) => {
    must(f.id === id, `the proved financing is ${f.id}, not ${id}`);
    must(f.seller === sme, `financing ${id}'s seller is ${f.seller}, not this party`);
    if (figure === "financings_defaulted") must(f.status === 4, `financing ${id} is not defaulted`);
    if (figure.startsWith("financings_repaid")) must(f.status === 3, `financing ${id} is not repaid`);
    if (figure === "financings_active") must(f.status === 2, `financing ${id} is not active`);
    return `financing of invoice ${f.invoiceId}`;
  });
}

export interface ProvenConsent {
  id: bigint;
  scope: string;
  purpose: string;
  expiresAt: Date;
}

/** Proves the consent a page is shown under: the SME's, to the viewer, not revoked, not expired at the proved header's time. */
export async function proveConsent(z: Zone, id: string, sme: string, viewer: string): Promise<Checked<ProvenConsent>> {
  let proof: Proven | undefined;
  try {
    proof = await proveKey(z, consentStoreKey(BigInt(id)));
    if (!proof.value) throw new LightError(`${z.id}'s validators' state at height ${proof.height} holds no consent ${id}`);
    const c = Consent.decode(proof.value);
    must(String(c.id) === id, `the proved consent is ${c.id}, not ${id}`);
    must(c.granter === sme, `consent ${id} was granted by ${c.granter}, not this party`);
    must(c.grantee === viewer, `consent ${id} was granted to ${c.grantee}, not to you`);
    must(!c.revoked, `consent ${id} was revoked`);
    const exp = c.expiresAt ? new Date(Number(c.expiresAt.seconds) * 1000) : new Date(0);
    const atMs = timeMs(proof.header.header.time);
    must(exp.getTime() > atMs, `consent ${id} expired at ${exp.toISOString()}`);
    return { ok: true, value: { id: c.id, scope: c.scope, purpose: c.purpose, expiresAt: exp }, proof };
  } catch (e) {
    return { ok: false, why: why(e), proof };
  }
}

/** Proves the access record of a document just read: this read, by the viewer, under the consent. */
export function proveAccessRecord(z: Zone, id: bigint, expect: { grantee: string; owner: string; hash: string; consent: string }): Promise<Checked<string>> {
  return proved(z, accessRecordStoreKey(id), undefined, `access record ${id}`, AccessRecord.decode, (r) => {
    must(r.id === id, `the proved access record is ${r.id}, not ${id}`);
    must(r.grantee === expect.grantee && r.owner === expect.owner, `access record ${id} is of ${r.grantee} reading ${r.owner}'s data, not this read`);
    must(r.documentHash === expect.hash && String(r.consentId) === expect.consent, `access record ${id} is for ${r.documentHash.slice(0, 12)}… under consent ${r.consentId}, not this read`);
    return `access record ${id} at height ${r.height}: “${r.purpose}”`;
  });
}
