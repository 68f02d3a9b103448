// Read access to both zones: each zone's REST API, same-origin under
// /zone/<chain id>/rest (see vite.config.ts), described by the Keplr chain
// info derived from chain-registry/.
import hongkong from "../../../chain-registry/keplr/hongkong-1.json";
import shanghai from "../../../chain-registry/keplr/shanghai-1.json";
import ibcPath from "../../../chain-registry/_IBC/tradechainhongkong-tradechainshanghai.json";

export interface Currency { coinDenom: string; coinMinimalDenom: string; coinDecimals: number }
export interface ChainInfo {
  chainId: string;
  chainName: string;
  rpc: string;
  rest: string;
  currencies: Currency[];
  feeCurrencies: Currency[];
  [k: string]: unknown;
}

export interface Zone {
  id: string;
  name: string;
  city: string;
  /** same-origin REST base */
  rest: string;
  /** same-origin CometBFT RPC base */
  rpc: string;
  chainInfo: ChainInfo;
}

function zone(info: ChainInfo, city: string): Zone {
  const base = `${globalThis.location?.origin ?? "http://127.0.0.1:5173"}/zone/${info.chainId}`;
  return { id: info.chainId, name: info.chainName, city, rest: `${base}/rest`, rpc: `${base}/rpc`, chainInfo: info };
}

export const ZONES: Zone[] = [zone(hongkong as ChainInfo, "Hong Kong"), zone(shanghai as ChainInfo, "Shanghai")];

export function zoneById(id: string): Zone {
  const z = ZONES.find((x) => x.id === id);
  if (!z) throw new Error(`unknown zone ${id}: this app knows ${ZONES.map((x) => x.id).join(" and ")}`);
  return z;
}

export function otherZone(id: string): Zone {
  return ZONES.find((x) => x.id !== id)!;
}

export class NotFound extends Error {}

/** GET a REST path on a zone; a gRPC NotFound becomes NotFound. */
export async function get<T>(z: Zone, path: string, params?: Record<string, string | undefined>): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== "") q.set(k, v);
  const url = `${z.rest}${path}${q.size ? "?" + q : ""}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${z.id} did not answer (${(e as Error).message})`);
  }
  const body = await res.json().catch(() => ({}));
  if (res.status === 404 || body?.code === 5) throw new NotFound(body?.message ?? `${path} not found on ${z.id}`);
  if (!res.ok) throw new Error(`${z.id}: ${body?.message ?? res.statusText}`);
  return body as T;
}

/** A value, or undefined where the zone has none. */
export async function maybe<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof NotFound) return undefined;
    throw e;
  }
}

export interface Page { next_key?: string | null; total?: string }

/** Every page of a list (the API's pagination.key), up to a bound. */
export async function all<T>(z: Zone, path: string, field: string, params: Record<string, string> = {}, max = 20): Promise<T[]> {
  const out: T[] = [];
  let key: string | undefined;
  for (let i = 0; i < max; i++) {
    const r = await get<Record<string, unknown> & { pagination?: Page }>(z, path, { ...params, "pagination.limit": "100", "pagination.key": key });
    out.push(...((r[field] as T[]) ?? []));
    key = r.pagination?.next_key ?? undefined;
    if (!key) break;
  }
  return out;
}

// The shapes the REST API returns (snake_case, 64-bit numbers as strings).
export interface Coin { denom: string; amount: string }
export interface Party { address: string; code: string; name: string; lei: string; jurisdiction: string; roles: string[]; active: boolean }
export interface Bill {
  id: string; carrier: string; type: string; mode: string; holder: string; shipper: string; consignee: string; endorsee: string;
  document_hash: string; version: string; port_of_loading: string; port_of_discharge: string; issue_date: string;
  shipped_on_board_date: string; status: string; lien: { module: string; reference: string; creditor: string } | null;
  home_zone: string; trace: string; history_head: string; history_len: string; transferred_via: string;
  corridor_status: string; control_zone: string; departed_holder: string; offer: { action: string; from: string; previous_endorsee: string } | null;
  surrender: { purpose: string; requested_by: string; [k: string]: unknown } | null;
  replaces: string[]; replaced_by: string[];
  /** the last PINT export (in progress, concluded, or refused) and the platform the bill last arrived from */
  export: { platform: string; recipient_name: string; response_code: string; requested_at: string; [k: string]: unknown } | null;
  imported_from: string;
}
export interface Location { location: string; channel: string; trace: string; holder: string; control_zone: string; departed_holder: string; last_return: Record<string, string> | null }
export interface Milestone { bill_id: string; sequence: string; event_code: string; classifier: string; location: string; event_time: string; recorded_by: string; height: string }
export interface DocumentRecord { hash: string; doc_type: string; bill_id: string; anchored_by: string; height: string; anchored_at: string }
export interface LC {
  id: string; issuing_bank: string; applicant: string; beneficiary: string; amount: Coin; paid: Coin; escrow: Coin; expiry: string;
  latest_shipment_date: string; presentation_days: number; required_documents: string[]; port_of_loading: string; port_of_discharge: string;
  deliver_bill_to: string; status: string; pending_amendment: unknown; issue_date: string;
}
export interface Presentation { lc_id: string; bill_id: string; document_hashes: string[]; presented_at: string; deadline: string; status: string; discrepancies: string[]; deemed: boolean }
export interface Invoice { id: string; seller: string; buyer: string; number: string; amount: Coin; due_date: string; document_hash: string; bill_id: string; fingerprint: string; status: string }
export interface Financing { id: string; invoice_id: string; bank: string; seller: string; advance: Coin; repayment: Coin; repaid: Coin; maturity: string; status: string; bill_id: string }

const partyCache = new Map<string, Promise<Party | undefined>>();

/** A party's registration on a zone (cached for the page's life). */
export function party(z: Zone, address: string): Promise<Party | undefined> {
  const k = `${z.id}/${address}`;
  if (!partyCache.has(k)) {
    partyCache.set(k, maybe(get<{ party: Party }>(z, `/tradechain/cargo/v1/parties/${address}`)).then((r) => r?.party).catch(() => undefined));
  }
  return partyCache.get(k)!;
}

/** A registered party's name anywhere in the corridor (same address on both zones). */
export async function partyAnywhere(address: string, prefer?: Zone): Promise<(Party & { zone: string }) | undefined> {
  for (const z of prefer ? [prefer, ...ZONES.filter((x) => x !== prefer)] : ZONES) {
    const p = await party(z, address);
    if (p) return { ...p, zone: z.id };
  }
  return undefined;
}

/** Formats an amount in its display unit when the zone's asset list knows the denom. */
export function formatCoin(z: Zone, c: Coin | undefined): string {
  if (!c || c.amount === undefined) return "—";
  const cur = z.chainInfo.currencies.find((x) => x.coinMinimalDenom === c.denom);
  if (!cur) return `${c.amount} ${c.denom}`;
  const a = BigInt(c.amount);
  const unit = 10n ** BigInt(cur.coinDecimals);
  const frac = (a % unit).toString().padStart(cur.coinDecimals, "0").replace(/0+$/, "");
  const whole = (a / unit).toLocaleString("en");
  return `${whole}${frac ? "." + frac : ""} ${cur.coinDenom}${c.denom.startsWith("ibc/") ? " (IBC)" : ""}`;
}

/** "BILL_STATUS_SURRENDERED_FOR_DELIVERY" → "Surrendered for delivery" */
export function words(enumName: string | undefined): string {
  if (!enumName) return "—";
  const s = enumName.replace(/^(BILL_STATUS|BILL_TYPE|BILL_MODE|LC_STATUS|PRESENTATION_STATUS|INVOICE_STATUS|FINANCING_STATUS|RESERVATION_STATUS|ROLE|DELIVER_BILL_TO|SURRENDER_PURPOSE)_/, "");
  return s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, " ");
}

/** The cargo channel a zone sends bills over (chain-registry/_IBC). */
export function cargoChannel(zoneId: string): string {
  const ch = ibcPath.channels.find((c) => c.chain_1.port_id === "cargo")!;
  return zoneId === ibcPath.chain_1.chain_id ? ch.chain_1.channel_id : ch.chain_2.channel_id;
}
