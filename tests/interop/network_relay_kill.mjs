// The relay SIGKILLed in the middle of a stream of concurrent paid requests (issue 5), the roles
// as separate processes. The provider logs the loss, dials again and registers anew with the
// restarted relay; the gateway serves again; every hold of a request in flight at the kill ends
// refunded (the new relay refunds proofs of tasks it never routed, the escrow the holds nobody
// reports), so the house account is charged exactly the cost of the responses clients received.
// Usage: node network_relay_kill.mjs /path/to/agora
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, getJson, results, startAgora, waitFor } from "./harness.mjs";
import { available, startBackend, startRoles, startStream, unitCost, usage }
  from "./kill_harness.mjs";

const agora = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "agora-relay-kill-"));
const processes = [];
function start(args) {
  const p = startAgora(agora, args);
  processes.push(p);
  return p;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const holdTtl = 10;
// Slow enough that the tasks queued at the provider when the relay dies finish partly while it
// is away (their frames are lost: the escrow refunds the holds at expiry) and partly after the
// provider registered again (the new relay refunds their proofs).
const backend = await startBackend(800);
let stream = null;
try {
  const net = await startRoles(start, dir, backend, { taskDeadline: 8, holdTtl });
  const before = await available(net.base);
  check("the gateway reports its account", Number.isInteger(before), `${before}`);

  stream = startStream(net.base, 4);
  await waitFor("requests served before the kill", () => stream.served.length >= 6, 20000);
  const providerMark = net.provider.log.length;
  const inFlightAtKill = stream.open;  // read in the same turn as the kill: no answer between
  net.relay.kill("SIGKILL");
  await net.relay.exited;
  await sleep(1000);
  net.relay = start(net.relayArgs);
  const restarted = Date.now();

  const lost = await waitFor("the provider to log the loss", () =>
    /lost connection to relay/.test(net.provider.log.slice(providerMark)), 10000).catch(() => 0);
  check("the provider logs the lost relay", lost, net.provider.log.slice(providerMark));
  const again = await waitFor("a new registration", () =>
    /registered with relay/.test(net.provider.log.slice(providerMark)), 20000).catch(() => 0);
  check("the provider registers again with the restarted relay", again,
        net.provider.log.slice(providerMark));
  const sessions = [...net.provider.log.matchAll(/registered with relay \S+ session (\w+)/g)]
    .map((m) => m[1]);
  check("with a fresh session id", sessions.length >= 2 && sessions.at(-1) !== sessions[0],
        JSON.stringify(sessions));
  const recovered = await waitFor("requests served after the restart", () =>
    stream.served.filter((s) => s.at > restarted).length >= 6, 30000).catch(() => 0);
  check("the gateway serves again after the relay's restart", recovered,
        `${stream.served.filter((s) => s.at > restarted).length} served since`);
  stream.stop = true;
  await stream.done;

  check("requests were in flight at the kill", inFlightAtKill >= 1, `${inFlightAtKill}`);
  check("some requests failed during the outage", stream.failed.length >= 1,
        `${stream.failed.length}`);
  check("the failures are server errors", stream.failed.every((f) => f.status >= 500),
        JSON.stringify(stream.failed));
  let expected = 0;
  for (const s of stream.served) {
    check("every response reports the backend's usage",
          s.usage?.prompt_tokens === usage.prompt_tokens &&
          s.usage?.completion_tokens === usage.completion_tokens, JSON.stringify(s.usage));
    const proof = await getJson(`${net.base}/v1/proofs/${s.id}`);
    check("every served request has its proof at the price", proof?.cost_micros === unitCost,
          `${s.id} ${JSON.stringify(proof)}`);
    expected += unitCost;
  }
  // Charged = settled + still held; every served request settled before its client heard back,
  // so equality means nothing is held any more and nothing was charged beyond the responses.
  const settled = await waitFor("every hold to end", async () => {
    const now = await available(net.base);
    return now !== null && before - now === expected;
  }, (holdTtl + 12) * 1000).catch(() => false);
  check("charged exactly the responses the clients received", settled,
        `expected ${expected} (${stream.served.length} served, ${stream.failed.length} failed, ` +
        `${inFlightAtKill} in flight at the kill), charged ${before - await available(net.base)}`);
  await sleep(2000);  // a late settlement would show now
  check("and nothing is charged later", before - await available(net.base) === expected, "");
  const refunded = net.relay.log.match(/cannot reach its renter/g)?.length ?? 0;
  console.log(`relay kill: ${stream.served.length} served, ${stream.failed.length} failed, ` +
              `${inFlightAtKill} in flight at the kill, backend answered ${backend.answered}, ` +
              `the new relay refunded ${refunded} proof(s) of lost tasks`);

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
console.log(`network_relay_kill: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
