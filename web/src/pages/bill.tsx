// The bill page, and the bill summary the verify page shows.
import { useEffect, useState } from "preact/hooks";
import { Addr, Badge, ErrorBox, Field, Loading, Milestones, ProofStatus, Short, Timeline, link, useLoad, when } from "../components";
import { words, type Zone } from "../lib/api";
import { loadBill, type BillAcross } from "../lib/bill";
import { BillActions, Outcome } from "./act";
import { ExportForm, LeftCorridor, PintPanel } from "./dcsa";
import type { TxOutcome } from "../lib/tx";

const locationWords: Record<string, string> = {
  LOCAL: "held here: the holder can act on it on this zone",
  IN_TRANSIT: "in transit: frozen while the packet to the other zone is in flight",
  TRANSFERRED_OUT: "transferred out: control lives on the other zone",
  CLOSED: "closed here (surrendered or voided)",
  EXPORTING: "leaving the corridor: locked while the gateway sends it to another eBL platform over PINT",
  EXPORTED: "left the corridor: title lives on another eBL platform (DCSA PINT)",
};

const gone = (status: string | undefined) => status === "BILL_STATUS_EXPORTED" || status === "BILL_STATUS_EXPORTING";

/** Where the bill is, who holds it, what rests on it. */
export function BillSummary({ b }: { b: BillAcross }) {
  const live = b.live!;
  const bill = live.bill!;
  const zone: Zone = live.zone;
  // Holder and status are shown only as the zone's validators signed them.
  const proved = b.proof.ok ? b.proof.value : null;
  return (
    <div class="card" data-testid="bill-summary">
      <h2>
        Bill of lading <a href={link("bill", b.id)}>{b.id}</a>{" "}
        {proved ? <Badge value={proved.status} /> : <span class="badge bad">not proved</span>}
      </h2>
      <ProofStatus check={b.proof} what={`bill ${b.id} on ${zone.id}`} />
      <LeftCorridor b={b} />
      {proved ? null : <p class="unproven small">The details below are the zone's unproved answer: do not rely on them.</p>}
      <dl class={proved ? "grid" : "grid unproven-details"}>
        <Field label={bill.status === "BILL_STATUS_EXPORTED" ? "Last record in the corridor" : "Live record on"}>
          <strong data-testid="live-zone">{zone.id}</strong> <span class="muted">({zone.city})</span>
        </Field>
        <Field label="Holder">
          {proved ? (
            <span data-testid="holder" data-address={proved.holder}>
              {proved.holder ? (
                <Addr address={proved.holder} zone={zone} />
              ) : proved.status === "BILL_STATUS_EXPORTED" && bill.export ? (
                <span data-testid="holder-abroad">
                  nobody in the corridor: held on <strong>{bill.export.platform}</strong> by {bill.export.recipient_name}
                </span>
              ) : (
                <span class="muted">none on {zone.id} ({words(proved.status)})</span>
              )}
            </span>
          ) : (
            <span class="unproven" data-testid="holder-unproven">
              not shown: the record could not be proved
            </span>
          )}
        </Field>
        <Field label="Version">{bill.version}</Field>
        <Field label="Type / mode">
          {words(bill.type)} · {words(bill.mode)}
        </Field>
        <Field label="Carrier">
          <Addr address={bill.carrier} zone={zone} />
        </Field>
        <Field label="Shipper">
          <Addr address={bill.shipper} zone={zone} />
        </Field>
        {bill.consignee ? (
          <Field label="Consignee">
            <Addr address={bill.consignee} zone={zone} />
          </Field>
        ) : null}
        {bill.endorsee ? (
          <Field label="Endorsee">
            <Addr address={bill.endorsee} zone={zone} />
          </Field>
        ) : null}
        <Field label="Route">
          {bill.port_of_loading} → {bill.port_of_discharge}
        </Field>
        <Field label="Issued / shipped on board">
          {bill.issue_date} / {bill.shipped_on_board_date}
        </Field>
        <Field label="Transport document">
          <Short text={bill.document_hash} n={12} />
        </Field>
        {b.zones.map(({ zone: z, bill: zb }) =>
          zb?.corridor_status && zb.corridor_status !== "RESERVATION_STATUS_UNSPECIFIED" ? (
            <Field label={`Corridor registry (${z.id})`}>
              <Badge value={zb.corridor_status} />
            </Field>
          ) : null,
        )}
        <Field label="Lien">
          {bill.lien ? (
            <span data-testid="lien">
              {bill.lien.module} {bill.lien.reference} for <Addr address={bill.lien.creditor} zone={zone} />
            </span>
          ) : (
            <span class="muted">none</span>
          )}
        </Field>
        {bill.surrender ? (
          <Field label="Surrender">
            {words(String(bill.surrender.purpose))} requested by <Addr address={bill.surrender.requested_by} zone={zone} />
          </Field>
        ) : null}
        {bill.offer ? (
          <Field label="Offer waiting">
            {bill.offer.action} from <Addr address={bill.offer.from} zone={zone} />
          </Field>
        ) : null}
        {bill.replaces?.length ? <Field label="Replaces">{bill.replaces.map((r) => <a href={link("bill", r)}>{r} </a>)}</Field> : null}
        {bill.replaced_by?.length ? <Field label="Replaced by">{bill.replaced_by.map((r) => <a href={link("bill", r)}>{r} </a>)}</Field> : null}
      </dl>
      <h3>Location in the corridor</h3>
      <table data-testid="location">
        <tbody>
          {b.zones.map(({ zone: z, bill: zb, location: l, unreachable }) => (
            <tr key={z.id}>
              <th>{z.id}</th>
              <td>
                {unreachable ? (
                  <span class="warn-text" data-testid={`unreachable-${z.id}`}>
                    {z.id} did not answer: what it holds is unknown, and the history below may lack its entries
                  </span>
                ) : zb ? (
                  <>
                    <Badge value={zb.status} /> <span data-testid={`location-${z.id}`}>{l?.location ?? "—"}</span>{" "}
                    <span class="muted">{locationWords[l?.location ?? ""] ?? ""}</span>
                    {l?.control_zone ? <span class="muted"> → {l.control_zone} over {l.channel}</span> : null}
                    {l?.last_return ? (
                      <div class="warn-text">
                        last crossing came back: {l.last_return.action} — {l.last_return.detail}
                      </div>
                    ) : null}
                  </>
                ) : (
                  <span class="muted">no record of this bill</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function BillHistory({ b }: { b: BillAcross }) {
  return (
    <>
      <div class="card">
        <h3>History across the corridor</h3>
        <Timeline check={b.check} />
      </div>
      {b.archived.map((a) => (
        <div class="card" key={`${a.zone.id}/${a.archive}`} data-testid="archived-history">
          <h3>
            Before it left {a.zone.id} (archived when it came back, block {a.archivedHeight})
          </h3>
          <p class="muted small">
            {a.zone.id} exported this bill to {String(a.bill.export?.platform ?? "")}; it continued on {String(a.bill.export?.continued_on ?? "")} and came back by{" "}
            {a.arrival.startsWith("ibc:") ? `IBC (${a.arrival.slice(4)})` : `PINT from ${a.arrival.slice(5)}`}. Its history there is kept in {a.zone.id}'s archive of
            handed-over bills, read from its REST API and re-hashed here (not proved against its validators).
          </p>
          <p class={a.linked ? "chain ok" : "chain bad"} data-testid="archive-link">
            {a.linked
              ? `✓ Linked: the import that continued it lists the last entry ${a.zone.id} exported (${String(a.bill.export?.last_entry_checksum ?? "").slice(0, 12)}…)`
              : `✗ No import in the history above lists the last entry ${a.zone.id} exported`}
          </p>
          <Timeline check={a.check} />
        </div>
      ))}
      <div class="card">
        <h3>Milestones</h3>
        <Milestones items={b.milestones} />
      </div>
    </>
  );
}

export function BillPage({ id }: { id: string }) {
  const { data, error, reload } = useLoad(`bill/${id}`, () => loadBill(id));
  const [last, setLast] = useState<{ r: TxOutcome; title: string } | undefined>();
  // While a crossing or a registry answer is pending, read both zones again
  // every few seconds: the relayer moves the bill without this page.
  const moving = !!data?.zones.some(
    (z) => z.location?.location === "IN_TRANSIT" || z.bill?.status === "BILL_STATUS_PENDING" || z.bill?.status === "BILL_STATUS_EXPORTING",
  );
  useEffect(() => {
    if (!moving) return;
    const t = setTimeout(reload, 3000);
    return () => clearTimeout(t);
  }, [data, moving]);
  if (error) return <ErrorBox>Could not load bill {id}: {error}</ErrorBox>;
  if (data === undefined) return <Loading what={`bill ${id} from both zones`} />;
  if (data === null) return <ErrorBox>No bill {id} on either zone.</ErrorBox>;
  return (
    <div>
      <BillSummary b={data} />
      {last ? (
        <div data-testid="last-result">
          <p class="muted small">Your last action here: {last.title}</p>
          <Outcome r={last.r} />
        </div>
      ) : null}
      {/* A bill that moved to the other zone gets fresh forms for that zone;
          one that left the corridor gets none. */}
      {gone(data.live!.bill!.status) ? null : (
        <BillActions key={data.live!.zone.id} b={data} onDone={reload} onResult={(r, title) => setLast({ r, title })} />
      )}
      <ExportForm key={`export-${data.live!.zone.id}`} b={data} onDone={reload} onResult={(r, title) => setLast({ r, title })} />
      <PintPanel b={data} />
      <BillHistory b={data} />
      <p class="muted small">
        Read at {when(new Date().toISOString())} from both zones' REST APIs; the holder, status, version and history head are proved against{" "}
        {data.live!.zone.id}'s validators by this browser's light client.
      </p>
    </div>
  );
}
