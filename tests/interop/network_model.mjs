// Hugging Face model folders served by `agora up --model` (the CPU engine on the tiny fixture
// models), used through the OpenAI SDK as users do: the models are listed with their context,
// a greedy completion equals `agora generate` on the same folder, streaming gives the same
// text, chat uses the model's template, embeddings have the model's width and unit norm, and
// the proof names the CPU backend and the hash of the folder's weight file.
// Usage: node network_model.mjs /path/to/agora /path/to/tests/fixtures/engine
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { keccak256 } from "ethers";
import { check, freePort, getJson, results, startAgora, waitFor } from "./harness.mjs";

const [agora, fixtures] = process.argv.slice(2);
const gpt2 = join(fixtures, "gpt2-tiny"), llama = join(fixtures, "llama-tiny-bf16");
const dir = mkdtempSync(join(tmpdir(), "agora-model-"));
const gatewayPort = await freePort(), relayPort = await freePort();
const base = `http://127.0.0.1:${gatewayPort}`;
const up = startAgora(agora, ["up", "--port", `${gatewayPort}`, "--relay-port", `${relayPort}`,
                              "--data-dir", join(dir, "node"), "--model", gpt2, "--model", llama,
                              "--engine", "cpu"]);
try {
  await waitFor("the node's health", async () => (await getJson(`${base}/health`))?.providers >= 1);
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused" });
  const models = (await openai.models.list()).data;
  const listed = (id) => models.find((m) => m.id === id);
  check("models lists both folders and mock-model",
        listed("gpt2-tiny") && listed("llama-tiny-bf16") && listed("mock-model"),
        JSON.stringify(models));
  check("a folder's context is its config's", listed("gpt2-tiny")?.max_context === 128,
        JSON.stringify(listed("gpt2-tiny")));

  const cli = JSON.parse(execFileSync(agora, ["generate", "--model", gpt2, "--prompt", "Hello",
                                              "--max-tokens", "6", "--json"]).toString());
  const ask = { model: "gpt2-tiny", prompt: "Hello", max_tokens: 6, temperature: 0 };
  const completion = await openai.completions.create(ask);
  check("greedy completion equals agora generate", completion.choices[0].text === cli.text,
        `${JSON.stringify(completion.choices[0].text)} != ${JSON.stringify(cli.text)}`);
  check("usage counts the engine's tokens",
        completion.usage.prompt_tokens === cli.prompt_ids.length &&
        completion.usage.completion_tokens === cli.completion_ids.length,
        JSON.stringify(completion.usage));
  let streamed = "";
  for await (const chunk of await openai.completions.create({ ...ask, stream: true }))
    streamed += chunk.choices[0]?.text ?? "";
  check("streaming gives the same text", streamed === cli.text, JSON.stringify(streamed));

  const chat = await openai.chat.completions.create({
    model: "llama-tiny-bf16", messages: [{ role: "user", content: "hi there" }], max_tokens: 5,
    temperature: 0 });
  check("chat through the model's template", typeof chat.choices[0].message.content === "string" &&
        chat.usage.prompt_tokens > 5 && chat.usage.completion_tokens >= 1, JSON.stringify(chat));

  const embedded = await openai.embeddings.create({ model: "gpt2-tiny", input: ["a", "b c"],
                                                    encoding_format: "float" });
  const norms = embedded.data.map((d) => Math.hypot(...d.embedding));
  check("embeddings have the model's width and unit norm",
        embedded.data.length === 2 && embedded.data.every((d) => d.embedding.length === 64) &&
        norms.every((n) => Math.abs(n - 1) < 1e-4), JSON.stringify(norms));

  const proof = await getJson(`${base}/v1/proofs/${completion.id}`);
  const weights = keccak256(readFileSync(join(gpt2, "model.safetensors")));
  check("proof names the CPU backend", proof?.worker?.backend === "Cpu", JSON.stringify(proof));
  check("proof carries the folder's weights hash",
        proof?.weights_hash?.replace(/^0x/, "") === weights.slice(2), JSON.stringify(proof));

  const missing = await fetch(`${base}/v1/completions`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...ask, model: "gpt2-huge" }) });
  check("an unknown model is still 404", missing.status === 404);
} catch (e) {
  check("no exception", false, e.stack);
} finally {
  up.kill("SIGTERM");
  const exit = await up.exited;
  check("SIGTERM exits cleanly", exit.code === 0, JSON.stringify(exit) + up.log.slice(-2000));
  rmSync(dir, { recursive: true, force: true });
}
console.log(`network_model: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
