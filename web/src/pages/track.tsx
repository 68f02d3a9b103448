// One page per SME across both zones: its corridor track record, shown to
// the grantee of a consent the SME granted on that zone that is live now
// (scope "*": a credit review of all its trade data). Each figure lists the
// records it counts, linked to the bill or credit, which the verify page and
// the proofs check.
import { Addr, ErrorBox, Loading, link, useLoad, when } from "../components";
import { get, ZONES, type Zone } from "../lib/api";
import { useWallet, WalletPanel } from "./act";

interface Consent { id: string; granter: string; grantee: string; scope: string; purpose: string; expires_at: string; revoked?: boolean }
interface Figure { name: string; count: string; ids: string[] }

function live(c: Consent, grantee: string): boolean {
  return c.grantee === grantee && !c.revoked && new Date(c.expires_at).getTime() > Date.now() && c.scope === "*";
}

function refLink(z: Zone, ref: string): string {
  const [kind, id] = ref.split("/");
  if (kind === "lc") return link("lc", z.id, id);
  if (kind === "invoice" || kind === "financing") return link("party", z.id);
  return link("bill", kind); // a bill id, or bill/sequence of its history or milestones
}

function ZoneRecord({ z, sme, grantee }: { z: Zone; sme: string; grantee: string }) {
  const { data, error } = useLoad(`track/${z.id}/${sme}/${grantee}`, async () => {
    const cs = await get<{ consents: Consent[] }>(z, "/tradechain/cargo/v1/consents", { granter: sme, "pagination.limit": "200" });
    const consent = cs.consents.find((c) => live(c, grantee));
    if (!consent) return { consent: undefined, figures: [] as Figure[], height: "" };
    const [cargo, fin] = await Promise.all([
      get<{ figures: Figure[]; height: string }>(z, `/tradechain/cargo/v1/track_record/${sme}`),
      get<{ figures: Figure[] }>(z, `/tradechain/tradefinance/v1/track_record/${sme}`),
    ]);
    return { consent, figures: [...cargo.figures, ...fin.figures], height: cargo.height };
  });
  if (error) return <ErrorBox>{z.id}: {error}</ErrorBox>;
  if (!data) return <Loading what={`${z.id}'s track record`} />;
  if (!data.consent)
    return (
      <section data-testid={`track-${z.id}`}>
        <h2>{z.id}</h2>
        <p class="muted">No consent of this party to you is live on {z.id}: it grants one there (grant-consent YOU '*' PURPOSE EXPIRY), for a purpose and until a date, and can revoke it.</p>
      </section>
    );
  return (
    <section data-testid={`track-${z.id}`}>
      <h2>{z.id}</h2>
      <p class="muted">
        Under consent {data.consent.id} “{data.consent.purpose}”, until {when(data.consent.expires_at)} — at block {data.height}.
      </p>
      <table>
        <tbody>
          {data.figures.map((f) => (
            <tr key={f.name} data-testid={`fig-${z.id}-${f.name}`}>
              <th>{f.name.replace(/_/g, " ")}</th>
              <td>{f.count}</td>
              <td>
                {f.ids.map((r) => (
                  <a key={r} href={refLink(z, r)} class="chip">{r}</a>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function TrackRecordPage({ address }: { address: string }) {
  const wallet = useWallet();
  return (
    <div>
      <h1>Track record</h1>
      <p>
        <Addr address={address} /> across the corridor: bills shipped, held, surrendered and voided, rejections, milestones against the
        carrier's plan, credits and their presentations, invoices and financings — each figure with the records it counts.
      </p>
      {!wallet ? (
        <>
          <p class="muted">Shown to the party this SME consented to: connect its wallet.</p>
          <WalletPanel />
        </>
      ) : (
        ZONES.map((z) => <ZoneRecord key={z.id} z={z} sme={address} grantee={wallet.address} />)
      )}
    </div>
  );
}
