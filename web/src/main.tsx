import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./style.css";
import { get, ZONES } from "./lib/api";
import { link } from "./components";
import { BillPage } from "./pages/bill";
import { BillsPage, LCPage, LCsPage, PartyPage } from "./pages/browse";
import { VerifyPage } from "./pages/verify";
import { TrackRecordPage } from "./pages/track";
import { warm } from "./lib/light";
import { WalletPanel } from "./pages/act";

function useRoute(): string[] {
  const parse = () => location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [r, setR] = useState(parse);
  useEffect(() => {
    const f = () => {
      setR(parse());
      window.scrollTo(0, 0);
    };
    addEventListener("hashchange", f);
    return () => removeEventListener("hashchange", f);
  }, []);
  return r;
}

// Each zone's light client starts from its trust root as the app opens, so a
// verification later only checks the newest header and the proof.
ZONES.forEach(warm);

/** Each zone's latest block, refreshed: the header shows the corridor is live. */
function ZoneStatus() {
  const [h, setH] = useState<Record<string, string>>({});
  useEffect(() => {
    const poll = () =>
      ZONES.forEach((z) =>
        get<{ block: { header: { height: string } } }>(z, "/cosmos/base/tendermint/v1beta1/blocks/latest").then(
          (b) => setH((x) => ({ ...x, [z.id]: b.block.header.height })),
          () => setH((x) => ({ ...x, [z.id]: "down" })),
        ),
      );
    poll();
    const t = setInterval(poll, 5000);
    return () => clearInterval(t);
  }, []);
  return (
    <div class="zones">
      {ZONES.map((z) => (
        <span key={z.id} class={`zone-chip ${h[z.id] === "down" ? "down" : ""}`} data-testid={`zone-${z.id}`}>
          <span class="dot" /> {z.id} {h[z.id] && h[z.id] !== "down" ? `#${h[z.id]}` : h[z.id] ?? "…"}
        </span>
      ))}
    </div>
  );
}

function Page({ route }: { route: string[] }) {
  const [page, a, b] = route;
  switch (page) {
    case undefined:
    case "verify":
      return <VerifyPage />;
    case "bill":
      return <BillPage id={a} />;
    case "bills":
      return <BillsPage zoneId={a ?? ZONES[0].id} />;
    case "party":
      return <PartyPage address={b ?? a} />;
    case "lcs":
      return <LCsPage zoneId={a ?? ZONES[0].id} />;
    case "lc":
      return <LCPage zoneId={a} id={b} />;
    case "wallet":
      return <WalletPanel />;
    case "sme":
      return <TrackRecordPage address={a} />;
    default:
      return <p>Nothing here. Start from <a href="#/">Verify</a>.</p>;
  }
}

function App() {
  const route = useRoute();
  const [find, setFind] = useState("");
  return (
    <>
      <header>
        <a class="brand" href="#/">
          tradechain <span>Hong Kong ⇄ Shanghai</span>
        </a>
        <nav>
          <a href="#/" class={!route[0] || route[0] === "verify" ? "active" : ""}>Verify</a>
          <a href={link("bills", ZONES[0].id)} class={route[0]?.startsWith("bill") ? "active" : ""}>Bills</a>
          <a href={link("lcs", ZONES[0].id)} class={route[0]?.startsWith("lc") ? "active" : ""}>Letters of credit</a>
          <a href="#/wallet" class={route[0] === "wallet" ? "active" : ""}>Wallet</a>
        </nav>
        <form
          class="find"
          onSubmit={(e) => {
            e.preventDefault();
            const q = find.trim();
            if (q) location.hash = q.startsWith("trade1") ? link("party", ZONES[0].id, q) : link("bill", q);
          }}
        >
          <input placeholder="Bill id or trade1… address" value={find} onInput={(e) => setFind((e.target as HTMLInputElement).value)} data-testid="find" />
        </form>
        <ZoneStatus />
      </header>
      <main>
        <Page route={route} />
      </main>
      <footer class="muted small">
        Two zones of one corridor: hongkong-1 and shanghai-1, linked by IBC. Reads go to each zone's REST API; transactions are signed in
        this browser.
      </footer>
    </>
  );
}

render(<App />, document.getElementById("app")!);
