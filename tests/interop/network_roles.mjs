// The roles as separate processes on loopback, exactly as the README documents: `agora relay`,
// `agora escrow`, `agora gateway` (meeting through CAF's middleman) and `agora provider` (dialing
// the relay over WebSocket), served through the OpenAI SDK. Then the escrow is SIGKILLed in the
// middle of a stream of paid requests and restarted: every request either fails cleanly or is
// served with a proof, and the gateway's account is charged exactly the served requests' cost.
// Usage: node network_roles.mjs /path/to/agora
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { check, freePort, getJson, results, startAgora, waitFor } from "./harness.mjs";

const agora = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "agora-roles-"));
const processes = [];
function start(args) {
  const p = startAgora(agora, args);
  processes.push(p);
  return p;
}

const [wsPort, relayCaf, escrowCaf, httpPort] =
    [await freePort(), await freePort(), await freePort(), await freePort()];
const base = `http://127.0.0.1:${httpPort}`;
try {
  const relay = start(["relay", "--data-dir", join(dir, "relay"), "--port", `${wsPort}`,
                       "--caf-port", `${relayCaf}`, "--escrow", `127.0.0.1:${escrowCaf}`]);
  const relayAddress = await waitFor("the relay's address",
                                     () => relay.log.match(/^relay (0x[0-9a-fA-F]{40})/m)?.[1]);
  const escrowArgs = ["escrow", "--data-dir", join(dir, "escrow"), "--caf-port", `${escrowCaf}`,
                      "--trusted-relay", relayAddress];
  let escrow = start(escrowArgs);
  const gateway = start(["gateway", "--data-dir", join(dir, "gateway"), "--port", `${httpPort}`,
                         "--relay", `127.0.0.1:${relayCaf}`, "--escrow", `127.0.0.1:${escrowCaf}`]);
  const provider = start(["provider", "--relay", `ws://127.0.0.1:${wsPort}`, "--relay-address",
                          relayAddress, "--data-dir", join(dir, "provider"),
                          "--price-per-million", "5"]);
  await waitFor("a healthy provider", async () => (await getJson(`${base}/health`))?.providers >= 1);

  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused", maxRetries: 0 });
  const ask = { model: "mock-model", messages: [{ role: "user", content: "roles apart" }],
                temperature: 0, max_tokens: 8 };
  const first = await openai.chat.completions.create(ask);
  check("served across four processes", first.usage.completion_tokens === 8, JSON.stringify(first));
  const before = await getJson(`${base}/v1/account`);
  check("the gateway reports its account", Number.isInteger(before?.available_micros),
        JSON.stringify(before));

  const served = [];
  let refused = 0;
  for (let i = 0; i < 30; i++) {
    if (i === 10) { escrow.kill("SIGKILL"); await escrow.exited; }
    if (i === 15) {
      escrow = start(escrowArgs);
      await waitFor("the restarted escrow", async () => (await getJson(`${base}/v1/account`)));
    }
    try {
      const r = await openai.chat.completions.create({ ...ask, seed: i, temperature: 1 });
      served.push(r.id);
    } catch (e) {
      refused++;
      check("a request during the outage fails cleanly", e.status >= 500, `${e.status} ${e}`);
    }
  }
  check("requests were served before and after the outage", served.length >= 20,
        `${served.length} served`);
  check("the outage was noticed", refused >= 1, `${refused} refused`);
  let cost = 0;
  for (const id of served) {
    const proof = await getJson(`${base}/v1/proofs/${id}`);
    check("every served request has its proof", proof?.cost_micros > 0, id);
    cost += proof?.cost_micros ?? 0;
  }
  const after = await waitFor("the settlements", async () => {
    const a = await getJson(`${base}/v1/account`);
    return a && before.available_micros - a.available_micros === cost ? a : null;
  }, 20000).catch(() => null);
  check("charged exactly the served requests' cost", after !== null,
        `cost ${cost}, now ${JSON.stringify(await getJson(`${base}/v1/account`))}`);

  for (const p of [provider, gateway, escrow, relay]) {
    p.kill("SIGTERM");
    check(`${p.spawnargs[1]} exits cleanly on SIGTERM`, (await p.exited).code === 0, p.log);
  }
} catch (e) {
  check("no exception", false, e.stack ?? e);
} finally {
  if (results.failed > 0)
    for (const p of processes) console.log(`--- ${p.spawnargs.join(" ")}\n${p.log}`);
  for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`network_roles: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
