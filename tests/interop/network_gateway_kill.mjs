// The gateway SIGKILLed in the middle of a stream of concurrent paid requests (issue 5), the
// roles as separate processes, then restarted on its data dir and port. The relay and the
// provider never notice: a request the gateway had routed runs to its end, and the relay settles
// its proof (the provider did the work) though no client hears of it; a request the gateway had
// only taken a hold for returns that hold when it expires. So the house account is charged
// exactly one unit per request the backend answered — the responses clients received, plus the
// requests in flight at the kill that the provider finished — nothing twice, nothing held.
// Usage: node network_gateway_kill.mjs /path/to/agora
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, getJson, results, startAgora, waitFor } from "./harness.mjs";
import { available, startBackend, startRoles, startStream, unitCost } from "./kill_harness.mjs";

const agora = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "agora-gateway-kill-"));
const processes = [];
function start(args) {
  const p = startAgora(agora, args);
  processes.push(p);
  return p;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const holdTtl = 8;
const backend = await startBackend(300);
let stream = null;
try {
  const net = await startRoles(start, dir, backend, { taskDeadline: 5, holdTtl });
  const before = await available(net.base);
  check("the gateway reports its account", Number.isInteger(before), `${before}`);

  stream = startStream(net.base, 4);
  await waitFor("requests served before the kill", () => stream.served.length >= 6, 20000);
  const inFlightAtKill = stream.open;  // read in the same turn as the kill: no answer between
  net.gateway.kill("SIGKILL");
  await net.gateway.exited;
  await sleep(1000);
  net.gateway = start(net.gatewayArgs);
  const restarted = Date.now();
  const healthy = await waitFor("the restarted gateway", async () =>
    (await getJson(`${net.base}/health`))?.providers >= 1, 20000).catch(() => false);
  check("the gateway restarts on its data dir and port", healthy, net.gateway.log);
  const recovered = await waitFor("requests served after the restart", () =>
    stream.served.filter((s) => s.at > restarted).length >= 6, 30000).catch(() => 0);
  check("requests are served after the restart", recovered, "");
  stream.stop = true;
  await stream.done;
  await waitFor("the backend to finish", () => backend.open === 0, 10000);

  check("requests were in flight at the kill", inFlightAtKill >= 1, `${inFlightAtKill}`);
  check("their clients saw the failure", stream.failed.length >= inFlightAtKill,
        `${stream.failed.length} failed, ${inFlightAtKill} in flight`);
  for (const s of stream.served) {
    const proof = await getJson(`${net.base}/v1/proofs/${s.id}`);
    check("every served request has its proof at the restarted gateway",
          proof?.cost_micros === unitCost,
          `${s.id} ${JSON.stringify(proof)}`);
  }
  // What the provider finished but no client received: only requests in flight at the kill.
  const orphaned = backend.answered - stream.served.length;
  check("only requests in flight at the kill were served without a client",
        orphaned >= 0 && orphaned <= inFlightAtKill,
        `${orphaned} answered without a client, ${inFlightAtKill} in flight at the kill`);
  const expected = backend.answered * unitCost;
  const settled = await waitFor("every hold to end", async () => {
    const now = await available(net.base);
    return now !== null && before - now === expected;
  }, (holdTtl + 12) * 1000).catch(() => false);
  check("charged exactly the requests the provider served, each once", settled,
        `expected ${expected} (${backend.answered} answered, ${stream.served.length} served), ` +
        `charged ${before - await available(net.base)}`);
  await sleep(2000);  // a late settlement would show now
  check("and nothing is charged later", before - await available(net.base) === expected, "");
  console.log(`gateway kill: ${stream.served.length} served, ${stream.failed.length} failed, ` +
              `${inFlightAtKill} in flight at the kill, ${orphaned} served without a client`);

  for (const p of [net.provider, net.gateway, net.escrow, net.relay]) {
    p.kill("SIGTERM");
    check(`${p.spawnargs[1]} exits cleanly on SIGTERM`, (await p.exited).code === 0, "");
  }
} catch (e) {
  check("no exception", false, e.stack ?? e);
} finally {
  if (stream) stream.stop = true;
  if (results.failed > 0)
    for (const p of processes) console.log(`--- ${p.spawnargs.join(" ")}\n${p.log}`);
  for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  backend.server.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`network_gateway_kill: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
