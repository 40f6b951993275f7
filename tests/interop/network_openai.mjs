// The live network as users run it, with real processes on loopback: `agora up` served through
// the OpenAI SDK (chat, streaming, logprobs, completions, embeddings as base64 and as floats,
// models, errors), a proof checked with ethers (one per embedded input too), a
// second provider as its own `agora provider` process dialing the relay, a SIGKILL of the node
// (the provider reconnects and registers again once it is back), and clean SIGTERM exits.
// Usage: node network_openai.mjs /path/to/agora
import { join } from "node:path";
import OpenAI from "openai";
import { getBytes, verifyMessage } from "ethers";
import { check, freePort, getJson, runNetworkChecks, waitFor } from "./harness.mjs";

const agora = process.argv[2];
async function health(base) { return getJson(`${base}/health`); }
function count(text, needle) { return text.split(needle).length - 1; }

await runNetworkChecks("network_openai", agora, async ({ start, dir }) => {
  const gatewayPort = await freePort(), relayPort = await freePort();
  const base = `http://127.0.0.1:${gatewayPort}`;
  const upArgs = ["up", "--port", `${gatewayPort}`, "--relay-port", `${relayPort}`,
                  "--data-dir", join(dir, "node")];
  let up = start(upArgs);
  await waitFor("the node's health", async () => (await health(base))?.providers >= 1);
  const relayAddress = up.log.match(/relay address (0x[0-9a-fA-F]{40})/)?.[1];
  check("up prints the relay address", !!relayAddress, up.log);

  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused" });
  const models = await openai.models.list();
  check("models lists mock-model", models.data.some((m) => m.id === "mock-model"));

  const ask = { model: "mock-model", messages: [{ role: "user", content: "hello market" }],
                temperature: 0, max_tokens: 8 };
  const chat = await openai.chat.completions.create(ask);
  const text = chat.choices[0].message.content;
  check("chat completion shape", chat.object === "chat.completion" && text.length > 0 &&
        chat.choices[0].finish_reason === "length" && chat.usage.completion_tokens === 8,
        JSON.stringify(chat));

  const stream = await openai.chat.completions.create({
    ...ask, stream: true, stream_options: { include_usage: true } });
  let streamed = "", usage = null;
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta?.content ?? "";
    if (chunk.usage) usage = chunk.usage;
  }
  check("stream gives the same text", streamed === text, `${streamed} != ${text}`);
  check("stream ends with usage", usage?.completion_tokens === 8, JSON.stringify(usage));

  const scored = await openai.chat.completions.create({ ...ask, logprobs: true, top_logprobs: 2 });
  const entries = scored.choices[0].logprobs?.content ?? [];
  check("chat logprobs: an entry per token, 2 alternatives each, tokens spell the text",
        entries.length === 8 && entries.every((e) => e.logprob <= 0 && Array.isArray(e.bytes) &&
                                               e.top_logprobs.length === 2) &&
        entries.map((e) => e.token).join("") === scored.choices[0].message.content &&
        scored.choices[0].message.content === text,
        JSON.stringify(scored.choices[0]).slice(0, 400));

  const completion = await openai.completions.create({
    model: "mock-model", prompt: "once upon", max_tokens: 4, temperature: 0 });
  check("completion", completion.object === "text_completion" &&
        completion.choices[0].text.split(" ").length === 4, JSON.stringify(completion));

  // Embeddings: the SDK asks for base64 by default and decodes it; "float" comes as numbers.
  const embedAsk = { model: "mock-model", input: ["a", "b"] };
  const { data: embedded, response: embedResponse } =
    await openai.embeddings.create(embedAsk).withResponse();
  const vectors = embedded.data.map((d) => Array.from(d.embedding));
  const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  check("embeddings: 2 vectors of 64 values with norm 1", embedded.object === "list" &&
        vectors.length === 2 && vectors.every((v) => v.length === 64 &&
                                              Math.abs(norm(v) - 1) < 1e-5),
        JSON.stringify(embedded).slice(0, 400));
  check("embeddings: usage counts the input tokens",
        embedded.usage.prompt_tokens === 2 && embedded.usage.total_tokens === 2,
        JSON.stringify(embedded.usage));
  check("embeddings: the inputs differ", vectors[0].some((x, i) => x !== vectors[1][i]));
  const embeddedAgain = await openai.embeddings.create(embedAsk);
  check("embeddings: the same input gives the same vectors",
        JSON.stringify(embeddedAgain.data.map((d) => Array.from(d.embedding))) ===
        JSON.stringify(vectors));
  const floats = await openai.embeddings.create({ ...embedAsk, encoding_format: "float" });
  check("embeddings: float and base64 forms agree",
        floats.data.every((d, i) => d.embedding.length === 64 &&
                          d.embedding.every((x, j) => Math.fround(x) === vectors[i][j])),
        JSON.stringify(floats.data[0].embedding.slice(0, 4)));
  const proofIds = (embedResponse.headers.get("x-agora-proof-ids") ?? "").split(",");
  check("embeddings: one proof id per input", proofIds.length === 2, proofIds.join(","));
  for (const id of proofIds) {
    const p = await getJson(`${base}/v1/proofs/${id}`);
    check("embedding proof signed by the provider", p !== null && p.completion_tokens === 0 &&
          verifyMessage(getBytes(p.payload), p.signature) === p.provider, JSON.stringify(p));
  }
  try {
    await openai.embeddings.create({ ...embedAsk, dimensions: 32 });
    check("embeddings: other dimensions refused", false);
  } catch (e) {
    check("embeddings: other dimensions are 400", e.status === 400, e);
  }

  try {
    await openai.chat.completions.create({ ...ask, model: "no-such-model" });
    check("unknown model refused", false);
  } catch (e) {
    check("unknown model is 404", e.status === 404 && /Model not found/.test(e.message), e);
  }
  const bad = await fetch(`${base}/v1/chat/completions`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: "{not json" });
  const badBody = await bad.json();
  check("malformed JSON is 400", bad.status === 400 &&
        badBody.error?.type === "invalid_request_error", JSON.stringify(badBody));

  const proof = await (await fetch(`${base}/v1/proofs/${chat.id}`)).json();
  check("proof names the tokens", proof.completion_tokens === 8 && proof.model === "mock-model",
        JSON.stringify(proof));
  check("proof signature recovers the provider",
        verifyMessage(getBytes(proof.payload), proof.signature) === proof.provider,
        JSON.stringify(proof));

  const provider = start(["provider", "--relay", `ws://127.0.0.1:${relayPort}`,
                          "--relay-address", relayAddress, "--data-dir", join(dir, "provider")]);
  await waitFor("the second provider", async () => (await health(base))?.providers >= 2);
  check("provider registered", count(provider.log, "registered with relay") === 1, provider.log);

  up.kill("SIGKILL");
  await up.exited;
  await waitFor("the provider to notice", async () => /lost connection to relay/.test(provider.log));
  up = start(upArgs);
  await waitFor("the node back with both providers",
                async () => (await health(base))?.providers >= 2);
  await waitFor("the provider's new registration",
                async () => count(provider.log, "registered with relay") >= 2);
  const again = await openai.chat.completions.create(ask);
  check("same answer after the restart", again.choices[0].message.content === text);

  provider.kill("SIGTERM");
  check("provider exits cleanly on SIGTERM", (await provider.exited).code === 0, provider.log);
  up.kill("SIGTERM");
  check("node exits cleanly on SIGTERM", (await up.exited).code === 0, up.log);
});
