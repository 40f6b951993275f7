// A client that goes away mid-stream (docs/PROTOCOL.md "Cancelling"), with real processes on
// loopback: `agora up` with a slow mock-model (200 ms a token) and a price, a streamed chat
// completion through the OpenAI SDK aborted after a few chunks, then the proof: it bills fewer
// tokens than max_tokens (only what the client got, at most what was in flight), its cost is
// exactly those tokens, and the provider stopped long before the 16 tokens would have taken.
// Usage: node network_cancel.mjs /path/to/agora
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { check, freePort, getJson, results, startAgora, waitFor } from "./harness.mjs";

const agora = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "agora-cancel-"));
const tokenMs = 200, maxTokens = 16, pricePerMillion = 1_000_000;  // 1 micro-unit a token
const gatewayPort = await freePort(), relayPort = await freePort();
const base = `http://127.0.0.1:${gatewayPort}`;
const up = startAgora(agora, ["up", "--port", `${gatewayPort}`, "--relay-port", `${relayPort}`,
                              "--data-dir", join(dir, "node"), "--mock-token-ms", `${tokenMs}`,
                              "--price", `${pricePerMillion}`]);
try {
  await waitFor("the node's health", async () => (await getJson(`${base}/health`))?.providers >= 1);
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused" });
  const controller = new AbortController();
  const stream = await openai.chat.completions.create(
    { model: "mock-model", messages: [{ role: "user", content: "tell me a long story" }],
      max_tokens: maxTokens, stream: true },
    { signal: controller.signal });
  let id = "", received = 0;
  try {
    for await (const chunk of stream) {
      id = chunk.id;
      if (chunk.choices[0]?.delta?.content) received++;
      if (received === 3) {
        controller.abort();  // closes the connection
        break;
      }
    }
  } catch (e) {
    if (!/abort/i.test(`${e.name} ${e.message}`)) throw e;
  }
  check("the client aborted after 3 chunks", received === 3, `${received}`);
  check("the stream named its response", /^chatcmpl-[0-9a-f]{32}$/.test(id), id);

  const proof = await waitFor("the proof", () => getJson(`${base}/v1/proofs/${id}`));
  check("the provider stopped: finish_reason None", proof.finish_reason === "None",
        JSON.stringify(proof));
  check("billed tokens < max_tokens, at least those received",
        proof.completion_tokens >= received && proof.completion_tokens < maxTokens,
        `${proof.completion_tokens} billed, ${received} received`);
  check("at most what was in flight billed beyond what was received",
        proof.completion_tokens <= received + 2, `${proof.completion_tokens} billed`);
  check("the cost is exactly the billed tokens",
        proof.cost_micros === proof.prompt_tokens + proof.completion_tokens,
        JSON.stringify(proof));
  const ranMs = (proof.finished_unix_ns - proof.started_unix_ns) / 1e6;
  check("the provider stopped early", ranMs < (maxTokens - 4) * tokenMs, `${ranMs} ms`);

  up.kill("SIGTERM");
  check("node exits cleanly on SIGTERM", (await up.exited).code === 0, up.log);
} catch (e) {
  check("no exception", false, e.stack ?? e);
  console.log(up.log);
} finally {
  if (up.exitCode === null && up.signalCode === null) up.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`network_cancel: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
