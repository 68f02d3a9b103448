// One bill seen across the corridor: each zone's record (live, tombstone or
// none), its location, its history merged and re-verified, its milestones.
import { all, get, maybe, ZONES, type Bill, type Location, type Milestone, type Zone } from "./api";
import { verifyHistory, type ChainCheck, type HistoryEntryJSON } from "./history";
import { prefetchBill, proveBill, warm, type Checked, type ProvenBill } from "./light";

export interface ZoneView {
  zone: Zone;
  bill?: Bill;
  location?: Location;
  /** the zone did not answer: what it holds is unknown */
  unreachable?: string;
}

/**
 * An EXPORTED tombstone a zone archived when the bill, having continued on
 * the other zone (its keys handed over there), came back to it: the bill's
 * history on that zone before it left, re-hashed here and linked to the live
 * history by the tombstone's last exported entry.
 */
export interface Archived {
  zone: Zone;
  archive: string;
  bill: Bill;
  /** how it came back: "ibc:cargo/<channel>" or "pint:<platform>" */
  arrival: string;
  archivedHeight: string;
  check: ChainCheck;
  /** the live history's import (on the zone it continued on) lists the tombstone's last exported entry */
  linked: boolean;
}

interface HandedOverJSON {
  bills: { archive: string; bill: Bill; archived_height: string; arrival: string }[];
  history: { archive: string; entry: HistoryEntryJSON }[];
}

export interface BillAcross {
  id: string;
  zones: ZoneView[];
  /** tombstones archived when the bill came back to the zone that exported it (oldest first per zone) */
  archived: Archived[];
  /** the zone where the bill can be acted on (or was last, if it is closed there) */
  live?: ZoneView;
  check: ChainCheck;
  milestones: (Milestone & { zone: string })[];
  /** ms the proof added after the REST answers were in */
  proofMs: number;
  /** the live record proved against its zone's validators (or why it could not be) */
  proof: Checked<ProvenBill | null>;
}

export async function loadBill(id: string): Promise<BillAcross | null> {
  const path = `/tradechain/cargo/v1/bills/${encodeURIComponent(id)}`;
  // The light clients verify each zone's newest header and prove the bill's
  // record there while REST answers; the live zone's proof is checked below.
  ZONES.forEach((z) => {
    warm(z);
    prefetchBill(z, id);
  });
  const zones = await Promise.all(
    ZONES.map(async (zone): Promise<ZoneView & { history: HistoryEntryJSON[]; milestones: Milestone[]; handedOver?: HandedOverJSON }> => {
      try {
        const bill = (await maybe(get<{ bill: Bill }>(zone, path)))?.bill;
        if (!bill) return { zone, history: [], milestones: [] };
        const [location, history, milestones] = await Promise.all([
          maybe(get<Location>(zone, `${path}/location`)),
          all<HistoryEntryJSON>(zone, `${path}/history`, "entries"),
          all<Milestone>(zone, `${path}/milestones`, "milestones"),
        ]);
        // Only a bill whose history here starts from a PINT import can have
        // come back after continuing on the other zone: ask for its archive.
        const handedOver = history.some((e) => e.action === "IMPORTED")
          ? await maybe(get<HandedOverJSON>(zone, `${path}/handed_over`))
          : undefined;
        return { zone, bill, location, history, milestones, handedOver };
      } catch (e) {
        return { zone, history: [], milestones: [], unreachable: (e as Error).message };
      }
    }),
  );
  // A REJECTED_DUPLICATE record (an import or arrival the corridor registry
  // refused) is not the bill while another zone has it: leave it out.
  const held = zones.filter((z) => z.bill);
  const present = held.some((z) => z.bill!.status !== "BILL_STATUS_REJECTED_DUPLICATE")
    ? held.filter((z) => z.bill!.status !== "BILL_STATUS_REJECTED_DUPLICATE")
    : held;
  if (present.length === 0) {
    const down = zones.find((z) => z.unreachable);
    if (down) throw new Error(`${down.unreachable}; no answering zone holds bill ${id}`);
    return null;
  }
  // Live: the record not left behind as a tombstone; a bill in flight is
  // frozen on its sending zone until the packet is acknowledged.
  const live =
    present.find((z) => z.location?.location === "LOCAL") ??
    present.find((z) => z.location?.location === "IN_TRANSIT") ??
    present.find((z) => z.bill!.status !== "BILL_STATUS_TRANSFERRED_OUT") ??
    present[0];
  // A tombstone whose export the other zone's PINT import continued (the
  // registry handed its keys over) keeps its own history there: the bill's
  // history starts afresh on the importing zone, so the two are not one chain.
  const handedOver = (z: (typeof present)[number]) => {
    const on = (z.bill as { status?: string; export?: { continued_on?: string } }).export?.continued_on;
    return z.bill!.status === "BILL_STATUS_EXPORTED" && !!on && present.some((o) => o !== z && o.zone.id === on);
  };
  const check = verifyHistory(present.filter((z) => !handedOver(z)).map((z) => z.history));
  // The verified head must be the live record's own head.
  if (check.ok && live.bill && check.head !== live.bill.history_head) {
    check.ok = false;
    check.problem = `the history ends at ${check.head.slice(0, 12)}… but ${live.zone.id}'s record says ${live.bill.history_head.slice(0, 12)}…`;
  }
  // Tombstones archived when the bill came back: each its own hash chain,
  // ending at the archived record's head, linked to the live history by the
  // entry it exported, which the import that continued it lists.
  const imports = check.entries.map((c) => c.entry).filter((e) => e.action === "IMPORTED");
  const archived: Archived[] = zones.flatMap((z) =>
    (z.handedOver?.bills ?? []).map((a) => {
      const entries = (z.handedOver?.history ?? []).filter((h) => h.archive === a.archive).map((h) => h.entry);
      const c = verifyHistory([entries]);
      if (c.ok && c.head !== a.bill.history_head) {
        c.ok = false;
        c.problem = `the archived history ends at ${c.head.slice(0, 12)}… but the archived record says ${a.bill.history_head.slice(0, 12)}…`;
      }
      const x = (a.bill.export ?? {}) as { last_entry_checksum?: string; continued_on?: string };
      const linked = imports.some((e) => {
        const p = (e as { pint?: { entry_checksums?: string[] } }).pint;
        return e.chain_id === x.continued_on && !!x.last_entry_checksum && !!p?.entry_checksums?.includes(x.last_entry_checksum);
      });
      return { zone: z.zone, archive: a.archive, bill: a.bill, arrival: a.arrival, archivedHeight: a.archived_height, check: c, linked };
    }),
  );
  const milestones = present
    .flatMap((z) => z.milestones.map((m) => ({ ...m, zone: z.zone.id })))
    .sort((a, b) => a.event_time.localeCompare(b.event_time));
  // Nothing the page shows about who holds the bill is believed until the
  // live record is proved against the zone's validators; the history is then
  // anchored by the proved history head (checked above against the chain).
  const restDone = performance.now();
  const proof = await proveBill(live.zone, id, live.bill);
  const proofMs = performance.now() - restDone;
  if (!proof.ok && check.ok) {
    check.ok = false;
    check.problem = `the record the history ends at could not be proved against ${live.zone.id}'s validators`;
  } else if (proof.ok && check.ok && proof.value && check.head !== proof.value.historyHead) {
    check.ok = false;
    check.problem = `the history ends at ${check.head.slice(0, 12)}… but the proved record's head is ${proof.value.historyHead.slice(0, 12)}…`;
  }
  return { id, proof, proofMs, zones: zones.map(({ zone, bill, location, unreachable }) => ({ zone, bill, location, unreachable })), live, check, milestones, archived };
}
