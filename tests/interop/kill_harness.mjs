// What the SIGKILL checks (network_relay_kill.mjs, network_gateway_kill.mjs) share: a slow fake
// OpenAI-compatible backend that counts what it answered, the four roles as separate processes
// (the provider serving the backend at a non-zero price), and a stream of concurrent paid
// requests whose every outcome is recorded.
import { createServer } from "node:http";
import { join } from "node:path";
import OpenAI from "openai";
import { freePort, getJson, startAgora, waitFor } from "./harness.mjs";

/// Token counts the backend reports for every answer, and the provider's price: each served
/// request costs exactly unitCost micro-units (price 5 per million tokens = 5 micros a token).
export const usage = { prompt_tokens: 12, completion_tokens: 20 };
export const pricePerMillion = 5;
export const unitCost = (usage.prompt_tokens + usage.completion_tokens) * pricePerMillion;

/// An OpenAI-compatible server answering every chat completion after `delayMs`; `answered`
/// counts the answers it finished sending, `open` the requests it holds.
export async function startBackend(delayMs) {
  const backend = { answered: 0, open: 0, port: await freePort() };
  backend.server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/v1/models") {
        res.setHeader("content-type", "application/json");
        return res.end(JSON.stringify({ object: "list", data: [{ id: "slow-model" }] }));
      }
      backend.open++;
      setTimeout(() => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({
          id: "chatcmpl-slow", object: "chat.completion", model: "slow-model",
          choices: [{ index: 0, message: { role: "assistant", content: "slow but sure" },
                      finish_reason: "stop" }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        }), () => { backend.answered++; backend.open--; });
      }, delayMs);
    });
  });
  await new Promise((r) => backend.server.listen(backend.port, "127.0.0.1", r));
  return backend;
}

/// Starts relay, escrow, gateway and provider on fresh loopback ports under `dir`; the escrow
/// refunds expired holds every second and the gateway's holds expire `holdTtl` s after they are
/// taken, so a hold nobody settles returns within the test. `start(args)` spawns a process.
export async function startRoles(start, dir, backend, { taskDeadline, holdTtl }) {
  const [wsPort, relayCaf, escrowCaf, httpPort] =
      [await freePort(), await freePort(), await freePort(), await freePort()];
  const net = { base: `http://127.0.0.1:${httpPort}` };
  net.relayArgs = ["relay", "--data-dir", join(dir, "relay"), "--port", `${wsPort}`,
                   "--caf-port", `${relayCaf}`, "--escrow", `127.0.0.1:${escrowCaf}`];
  net.relay = start(net.relayArgs);
  net.relayAddress = await waitFor("the relay's address",
                                   () => net.relay.log.match(/^relay (0x[0-9a-fA-F]{40})/m)?.[1]);
  net.escrow = start(["escrow", "--data-dir", join(dir, "escrow"), "--caf-port", `${escrowCaf}`,
                      "--trusted-relay", net.relayAddress, "--tick-interval", "1"]);
  net.gatewayArgs = ["gateway", "--data-dir", join(dir, "gateway"), "--port", `${httpPort}`,
                     "--relay", `127.0.0.1:${relayCaf}`, "--escrow", `127.0.0.1:${escrowCaf}`,
                     "--task-deadline", `${taskDeadline}`, "--hold-ttl", `${holdTtl}`];
  net.gateway = start(net.gatewayArgs);
  net.provider = start(["provider", "--relay", `ws://127.0.0.1:${wsPort}`, "--relay-address",
                        net.relayAddress, "--data-dir", join(dir, "provider"),
                        "--backend", `http://127.0.0.1:${backend.port}`,
                        "--price-per-million", `${pricePerMillion}`]);
  await waitFor("a healthy provider",
                async () => (await getJson(`${net.base}/health`))?.providers >= 1);
  return net;
}

/// `clients` loops sending paid chat completions until stream.stop is set. Each outcome lands
/// in stream.served ({id, usage, at}) or stream.failed ({status, at}); stream.open counts the
/// requests sent and not yet answered. A failed client pauses a little before its next request.
export function startStream(base, clients) {
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused", maxRetries: 0,
                              timeout: 30000 });
  const stream = { served: [], failed: [], open: 0, stop: false, lastStart: 0 };
  const loop = async (n) => {
    for (let i = 0; !stream.stop; i++) {
      stream.open++;
      stream.lastStart = Date.now();
      try {
        const r = await openai.chat.completions.create({
          model: "slow-model", messages: [{ role: "user", content: `client ${n} request ${i}` }],
          max_tokens: 32 });
        stream.served.push({ id: r.id, usage: r.usage, at: Date.now() });
      } catch (e) {
        stream.failed.push({ status: e.status, at: Date.now() });
        await new Promise((r) => setTimeout(r, 250));
      } finally {
        stream.open--;
      }
    }
  };
  stream.done = Promise.all(Array.from({ length: clients }, (_, n) => loop(n)));
  return stream;
}

/// The house account's available balance, or null while the gateway or escrow is away.
export async function available(base) {
  return (await getJson(`${base}/v1/account`))?.available_micros ?? null;
}
