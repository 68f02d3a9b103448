// Browse: bills page by page (the API's pagination.key), a party's bills,
// LCs, invoices, financings and deposits, and a letter of credit with its
// presentation and the UCP 600 deadlines counting down.
import { useEffect, useState } from "preact/hooks";
import { Addr, Badge, ErrorBox, Field, Loading, Short, link, useLoad, when } from "../components";
import {
  all, formatCoin, get, maybe, party, words, zoneById, ZONES,
  type Bill, type Coin, type Financing, type Invoice, type LC, type Page, type Party, type Presentation, type Zone,
} from "../lib/api";
import { actions } from "../lib/tx";
import { ActionForm, WalletPanel } from "./act";

function ZoneTabs({ current, to }: { current: string; to: (z: string) => string }) {
  return (
    <nav class="tabs">
      {ZONES.map((z) => (
        <a key={z.id} href={to(z.id)} class={z.id === current ? "active" : ""}>
          {z.id} <span class="muted">{z.city}</span>
        </a>
      ))}
    </nav>
  );
}

const STATUSES = ["", "BILL_STATUS_ISSUED", "BILL_STATUS_PENDING_SURRENDER_FOR_DELIVERY", "BILL_STATUS_SURRENDERED_FOR_DELIVERY", "BILL_STATUS_IN_TRANSIT", "BILL_STATUS_TRANSFERRED_OUT", "BILL_STATUS_EXPORTING", "BILL_STATUS_EXPORTED", "BILL_STATUS_VOIDED"];

export function BillsPage({ zoneId }: { zoneId: string }) {
  const z = zoneById(zoneId);
  const [keys, setKeys] = useState<string[]>([""]); // the key of each page seen so far
  const [status, setStatus] = useState("");
  const [holder, setHolder] = useState("");
  const key = keys[keys.length - 1];
  const { data, error } = useLoad(`bills/${zoneId}/${status}/${holder}/${key}`, () =>
    get<{ bills: Bill[]; pagination: Page }>(z, "/tradechain/cargo/v1/bills", {
      status: status || undefined,
      holder: holder || undefined,
      "pagination.limit": "20",
      "pagination.key": key || undefined,
      "pagination.count_total": key ? undefined : "true",
    }),
  );
  useEffect(() => setKeys([""]), [zoneId, status, holder]);
  return (
    <div>
      <h1>Bills of lading</h1>
      <ZoneTabs current={zoneId} to={(id) => link("bills", id)} />
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {STATUSES.map((s) => (
              <option value={s}>{s ? words(s) : "any"}</option>
            ))}
          </select>
        </label>
        <label>
          Holder
          <input value={holder} placeholder="trade1…" onChange={(e) => setHolder((e.target as HTMLInputElement).value.trim())} />
        </label>
      </form>
      {error ? <ErrorBox>{error}</ErrorBox> : !data ? <Loading what={`bills on ${zoneId}`} /> : <BillTable bills={data.bills} zone={z} />}
      <div class="pager">
        <button class="secondary" disabled={keys.length < 2} onClick={() => setKeys(keys.slice(0, -1))}>
          ← Previous
        </button>
        <span class="muted">
          page {keys.length}
          {data?.pagination?.total && data.pagination.total !== "0" ? ` of ${Math.ceil(Number(data.pagination.total) / 20)}` : ""}
        </span>
        <button class="secondary" disabled={!data?.pagination?.next_key} onClick={() => setKeys([...keys, data!.pagination.next_key!])}>
          Next →
        </button>
      </div>
    </div>
  );
}

function BillTable({ bills, zone }: { bills: Bill[]; zone: Zone }) {
  if (bills.length === 0) return <p class="muted">No bills.</p>;
  return (
    <table data-testid="bills-table">
      <thead>
        <tr>
          <th>Bill</th>
          <th>Status</th>
          <th>Holder</th>
          <th>Route</th>
          <th>Version</th>
          <th>Lien</th>
        </tr>
      </thead>
      <tbody>
        {bills.map((b) => (
          <tr key={b.id}>
            <td>
              <a href={link("bill", b.id)}>{b.id}</a>
            </td>
            <td>
              <Badge value={b.status} />
            </td>
            <td>{b.holder ? <Addr address={b.holder} zone={zone} /> : b.control_zone ? <span class="muted">on {b.control_zone}</span> : "—"}</td>
            <td>
              {b.port_of_loading} → {b.port_of_discharge}
            </td>
            <td>{b.version}</td>
            <td>{b.lien ? `${b.lien.module} ${b.lien.reference}` : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface PartyData {
  records: { zone: Zone; party?: Party; bills: Bill[]; lcs: LC[]; financings: Financing[]; invoices: Invoice[]; deposits: Coin[] }[];
}

async function loadParty(address: string): Promise<PartyData> {
  const records = await Promise.all(
    ZONES.map(async (zone) => {
      const mine = { party: address };
      const [p, bills, lcs, financings, invoices, balances] = await Promise.all([
        party(zone, address),
        all<Bill>(zone, "/tradechain/cargo/v1/bills", "bills", { holder: address }),
        all<LC>(zone, "/tradechain/tradefinance/v1/lcs", "letters_of_credit", mine),
        all<Financing>(zone, "/tradechain/tradefinance/v1/financings", "financings", mine),
        all<Invoice>(zone, "/tradechain/tradefinance/v1/invoices", "invoices", mine),
        get<{ balances: Coin[] }>(zone, `/cosmos/bank/v1beta1/balances/${address}`),
      ]);
      return {
        zone,
        party: p,
        bills,
        lcs,
        financings,
        invoices,
        deposits: balances.balances.filter((c) => c.denom.startsWith("td-") || c.denom.startsWith("ibc/") || c.denom === "utrade"),
      };
    }),
  );
  return { records };
}

export function PartyPage({ address }: { address: string }) {
  const { data, error, reload } = useLoad(`party/${address}`, () => loadParty(address));
  if (error) return <ErrorBox>{error}</ErrorBox>;
  if (!data) return <Loading what="the party from both zones" />;
  const named = data.records.find((r) => r.party)?.party;
  return (
    <div>
      <h1>
        {named ? named.name : "Unregistered address"} {named ? <span class="code">{named.code}</span> : null}
      </h1>
      <p class="muted">
        <code>{address}</code> · <a href={link("sme", address)}>track record (to the grantee of its consent)</a>
      </p>
      {data.records.map(({ zone, party, bills, lcs, financings, invoices, deposits }) => (
        <div class="card" key={zone.id}>
          <h2>
            On {zone.id} <span class="muted">({zone.city})</span>
          </h2>
          {party ? (
            <dl class="grid">
              <Field label="Roles">{party.roles.map(words).join(", ")}</Field>
              <Field label="LEI">{party.lei || "—"}</Field>
              <Field label="Jurisdiction">{party.jurisdiction || "—"}</Field>
              <Field label="Active">{party.active ? "yes" : "no (deactivated)"}</Field>
            </dl>
          ) : (
            <p class="muted">Not a registered party of {zone.id}.</p>
          )}
          <h3>Deposits and balances</h3>
          {deposits.length ? (
            <ul class="plain">
              {deposits.map((c) => (
                <li key={c.denom}>
                  {formatCoin(zone, c)} <span class="muted small">{c.denom.startsWith("ibc/") ? c.denom.slice(0, 16) + "…" : ""}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">none</p>
          )}
          <h3>Bills held ({bills.length})</h3>
          <BillTable bills={bills} zone={zone} />
          <h3>Letters of credit ({lcs.length})</h3>
          {lcs.length ? (
            <table>
              <tbody>
                {lcs.map((l) => (
                  <tr key={l.id}>
                    <td>
                      <a href={link("lc", zone.id, l.id)}>LC {l.id}</a>
                    </td>
                    <td>
                      <Badge value={l.status} />
                    </td>
                    <td>{formatCoin(zone, l.amount)}</td>
                    <td>{l.beneficiary === address ? "beneficiary" : l.applicant === address ? "applicant" : "issuing bank"}</td>
                    <td>expires {l.expiry}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">none</p>
          )}
          <h3>Invoices ({invoices.length})</h3>
          {invoices.length ? (
            <table data-testid="invoices">
              <thead>
                <tr>
                  <th>Invoice</th>
                  <th>Status</th>
                  <th>Amount</th>
                  <th>Due</th>
                  <th>Seller → buyer</th>
                  <th>Bill</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {invoices.map((i) => (
                  <tr key={i.id}>
                    <td>
                      #{i.id} {i.number}
                    </td>
                    <td>
                      <Badge value={i.status} />
                    </td>
                    <td>{formatCoin(zone, i.amount)}</td>
                    <td>{i.due_date}</td>
                    <td>
                      <Addr address={i.seller} zone={zone} /> → <Addr address={i.buyer} zone={zone} />
                    </td>
                    <td>{i.bill_id ? <a href={link("bill", i.bill_id)}>{i.bill_id}</a> : "—"}</td>
                    <td>
                      {i.status === "INVOICE_STATUS_OPEN" ? (
                        <ActionForm
                          title="Offer financing (a bank)"
                          testid={`act-offer-financing-${i.id}`}
                          zone={zone}
                          onDone={reload}
                          build={(s, f) =>
                            actions.offerFinancing(
                              s,
                              i.id,
                              { denom: i.amount.denom, amount: String(f.get("advance")).trim() },
                              { denom: i.amount.denom, amount: String(f.get("repayment")).trim() },
                              String(f.get("maturity")).trim(),
                            )
                          }
                        >
                          <label>
                            Advance ({i.amount.denom}, minimal units) <input name="advance" required inputMode="numeric" />
                          </label>
                          <label>
                            Repayment at maturity <input name="repayment" required inputMode="numeric" />
                          </label>
                          <label>
                            Maturity (YYYY-MM-DD) <input name="maturity" required defaultValue={i.due_date} />
                          </label>
                        </ActionForm>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">none</p>
          )}
          <h3>Financings ({financings.length})</h3>
          {financings.length ? (
            <table data-testid="financings">
              <thead>
                <tr>
                  <th>Financing</th>
                  <th>Invoice</th>
                  <th>Status</th>
                  <th>Advance / repayment</th>
                  <th>Maturity</th>
                  <th>Bank</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {financings.map((f) => {
                  const inv = invoices.find((i) => i.id === f.invoice_id);
                  return (
                    <tr key={f.id}>
                      <td>#{f.id}</td>
                      <td>
                        {inv ? `${inv.number} (${formatCoin(zone, inv.amount)}, ${words(inv.status)})` : `#${f.invoice_id}`}
                        {f.bill_id ? (
                          <div>
                            on bill <a href={link("bill", f.bill_id)}>{f.bill_id}</a>
                          </div>
                        ) : null}
                      </td>
                      <td>
                        <Badge value={f.status} />
                      </td>
                      <td>
                        {formatCoin(zone, f.advance)} / {formatCoin(zone, f.repayment)}
                      </td>
                      <td>{f.maturity}</td>
                      <td>
                        <Addr address={f.bank} zone={zone} />
                      </td>
                      <td>
                        {f.status === "FINANCING_STATUS_OFFERED" && f.seller === address ? (
                          <ActionForm title="Accept this offer" testid={`act-accept-financing-${f.id}`} zone={zone} onDone={reload} build={(s) => actions.acceptFinancing(s, f.id)} />
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : (
            <p class="muted">none</p>
          )}
        </div>
      ))}
      <WalletPanel />
    </div>
  );
}

export function LCsPage({ zoneId }: { zoneId: string }) {
  const z = zoneById(zoneId);
  const { data, error } = useLoad(`lcs/${zoneId}`, () => all<LC>(z, "/tradechain/tradefinance/v1/lcs", "letters_of_credit"));
  return (
    <div>
      <h1>Letters of credit</h1>
      <ZoneTabs current={zoneId} to={(id) => link("lcs", id)} />
      {error ? (
        <ErrorBox>{error}</ErrorBox>
      ) : !data ? (
        <Loading what="letters of credit" />
      ) : data.length === 0 ? (
        <p class="muted">No letters of credit on {zoneId}.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>LC</th>
              <th>Status</th>
              <th>Amount</th>
              <th>Applicant</th>
              <th>Beneficiary</th>
              <th>Issuing bank</th>
              <th>Expiry</th>
            </tr>
          </thead>
          <tbody>
            {data.map((l) => (
              <tr key={l.id}>
                <td>
                  <a href={link("lc", zoneId, l.id)}>LC {l.id}</a>
                </td>
                <td>
                  <Badge value={l.status} />
                </td>
                <td>{formatCoin(z, l.amount)}</td>
                <td>
                  <Addr address={l.applicant} zone={z} />
                </td>
                <td>
                  <Addr address={l.beneficiary} zone={z} />
                </td>
                <td>
                  <Addr address={l.issuing_bank} zone={z} />
                </td>
                <td>{l.expiry}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A ticking countdown to a deadline (display only). */
function Countdown({ until, label }: { until: Date; label: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const ms = until.getTime() - now;
  const past = ms <= 0;
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86400000), h = Math.floor((abs % 86400000) / 3600000), m = Math.floor((abs % 3600000) / 60000), s = Math.floor((abs % 60000) / 1000);
  const span = `${d}d ${h}h ${m}m ${s}s`;
  return (
    <div class={`countdown ${past ? "past" : ms < 86400000 ? "soon" : ""}`} data-testid="countdown">
      <div class="muted small">{label}</div>
      <strong>{past ? `passed ${span} ago` : `${span} left`}</strong>
      <div class="muted small">{when(until.toISOString())}</div>
    </div>
  );
}

/** End of a YYYY-MM-DD day, UTC. */
const endOfDay = (d: string) => new Date(`${d}T23:59:59Z`);

export function LCPage({ zoneId, id }: { zoneId: string; id: string }) {
  const z = zoneById(zoneId);
  const { data, error, reload } = useLoad(`lc/${zoneId}/${id}`, async () => {
    const lc = (await get<{ letter_of_credit: LC }>(z, `/tradechain/tradefinance/v1/lcs/${id}`)).letter_of_credit;
    const p = (await maybe(get<{ presentation: Presentation }>(z, `/tradechain/tradefinance/v1/lcs/${id}/presentation`)))?.presentation;
    return { lc, p };
  });
  if (error) return <ErrorBox>LC {id} on {zoneId}: {error}</ErrorBox>;
  if (!data) return <Loading what={`LC ${id}`} />;
  const { lc, p } = data;
  const running = lc.status === "LC_STATUS_OPEN" || lc.status === "LC_STATUS_PRESENTED";
  const lastShipmentPlusPeriod = new Date(endOfDay(lc.latest_shipment_date).getTime() + lc.presentation_days * 86400000);
  const lastPresentation = lastShipmentPlusPeriod < endOfDay(lc.expiry) ? lastShipmentPlusPeriod : endOfDay(lc.expiry);
  return (
    <div>
      <h1>
        Letter of credit {lc.id} <Badge value={lc.status} />
      </h1>
      <p class="muted">on {zoneId}, issued {lc.issue_date || "—"}</p>
      {running ? (
        <div class="countdowns">
          {p && p.status === "PRESENTATION_STATUS_PENDING" ? (
            <Countdown until={new Date(p.deadline)} label="Examination deadline — UCP 600 Art. 14(b): 5 banking days after presentation; silence then complies (Art. 16(f))" />
          ) : null}
          {!p ? <Countdown until={endOfDay(lc.latest_shipment_date)} label="Latest shipment date" /> : null}
          {!p ? (
            <Countdown
              until={lastPresentation}
              label={`Last day to present — Art. 14(c): ${lc.presentation_days} days after a shipment on the latest date, and never after expiry`}
            />
          ) : null}
          <Countdown until={endOfDay(lc.expiry)} label="Expiry — UCP 600 Art. 6(d): presentation must be made by this date" />
        </div>
      ) : (
        <p class="box muted" data-testid="no-deadlines">
          {words(lc.status)}: no deadline runs any more.
        </p>
      )}
      <div class="card">
        <dl class="grid">
          <Field label="Amount">{formatCoin(z, lc.amount)}</Field>
          <Field label="Paid">{formatCoin(z, lc.paid)}</Field>
          <Field label="Escrow held">{formatCoin(z, lc.escrow)}</Field>
          <Field label="Applicant">
            <Addr address={lc.applicant} zone={z} />
          </Field>
          <Field label="Beneficiary">
            <Addr address={lc.beneficiary} zone={z} />
          </Field>
          <Field label="Issuing bank">
            <Addr address={lc.issuing_bank} zone={z} />
          </Field>
          <Field label="Route">
            {lc.port_of_loading} → {lc.port_of_discharge}
          </Field>
          <Field label="Presentation period">{lc.presentation_days} days after shipment (Art. 14(c))</Field>
          <Field label="Documents required">{["the bill of lading", ...(lc.required_documents ?? [])].join(", ")}</Field>
          <Field label="Bill delivered to">{words(lc.deliver_bill_to)}</Field>
        </dl>
      </div>
      <div class="card" data-testid="presentation">
        <h2>Presentation</h2>
        {p ? (
          <dl class="grid">
            <Field label="State">
              <Badge value={p.status} /> {p.deemed ? <span class="muted">deemed complying: the deadline passed without refusal</span> : null}
            </Field>
            <Field label="Bill">
              <a href={link("bill", p.bill_id)}>{p.bill_id}</a>
            </Field>
            <Field label="Presented">{when(p.presented_at)}</Field>
            <Field label="Examination deadline">{when(p.deadline)}</Field>
            <Field label="Documents">{p.document_hashes.map((h) => <div><Short text={h} n={12} /></div>)}</Field>
            {p.discrepancies?.length ? <Field label="Discrepancies">{p.discrepancies.join("; ")}</Field> : null}
          </dl>
        ) : (
          <p class="muted">No documents presented yet.</p>
        )}
      </div>
      <div class="card">
        <h3>Act on this LC</h3>
        <WalletPanel />
        <div class="actions">
          <ActionForm
            title="Present documents (beneficiary)"
            testid="act-present"
            zone={z}
            onDone={reload}
            build={(s, f) =>
              actions.presentDocuments(s, lc.id, String(f.get("bill")).trim(), String(f.get("docs")).split(/[\s,]+/).filter(Boolean))
            }
          >
            <label>
              Bill of lading id <input name="bill" required />
            </label>
            <label>
              Anchored document hashes (one per line)
              <textarea name="docs" rows={3} />
            </label>
          </ActionForm>
          <ActionForm
            title="Examine (issuing bank)"
            testid="act-examine"
            zone={z}
            onDone={reload}
            build={(s, f) => actions.examine(s, lc.id, f.get("decision") === "comply", String(f.get("discrepancies")).split("\n").map((x) => x.trim()).filter(Boolean))}
          >
            <label>
              Decision
              <select name="decision">
                <option value="comply">Complying: pay against the documents</option>
                <option value="refuse">Refuse, stating the discrepancies (Art. 16(c))</option>
              </select>
            </label>
            <label>
              Discrepancies (one per line, for a refusal)
              <textarea name="discrepancies" rows={3} />
            </label>
          </ActionForm>
        </div>
      </div>
    </div>
  );
}
