// The web app is served on loopback with each zone's REST and RPC behind the
// same origin (/zone/<chain id>/rest, /zone/<chain id>/rpc), and each zone's
// DCSA gateway's read endpoints under /zone/<chain id>/gateway, so the browser
// needs no CORS from the nodes. The scripts pass the zones' ports.
import { defineConfig } from "vite";

const env = process.env;
const zones: Record<string, { rest: string; rpc: string; gateway: string }> = {
  "hongkong-1": {
    rest: env.HK_REST_URL ?? "http://127.0.0.1:1317",
    rpc: env.HK_RPC_URL ?? "http://127.0.0.1:26657",
    gateway: env.HK_GATEWAY_URL ?? "http://127.0.0.1:8580",
  },
  "shanghai-1": {
    rest: env.SH_REST_URL ?? "http://127.0.0.1:1417",
    rpc: env.SH_RPC_URL ?? "http://127.0.0.1:26757",
    gateway: env.SH_GATEWAY_URL ?? "http://127.0.0.1:8480",
  },
};

const proxy: Record<string, { target: string; changeOrigin: boolean; rewrite: (p: string) => string }> = {};
for (const [id, z] of Object.entries(zones)) {
  for (const kind of ["rest", "rpc", "gateway"] as const) {
    const prefix = `/zone/${id}/${kind}`;
    proxy[prefix] = { target: z[kind], changeOrigin: true, rewrite: (p) => p.slice(prefix.length) || "/" };
  }
}

export default defineConfig({
  server: { host: "127.0.0.1", port: 5173, proxy, fs: { allow: [".."] } },
  preview: { host: "127.0.0.1", port: Number(env.WEB_PORT ?? 5173), proxy },
  build: { target: "es2022", chunkSizeWarningLimit: 2000 },
});
