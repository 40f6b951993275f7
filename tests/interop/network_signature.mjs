// GET /signature/{id} against a real `agora up`, checked with ethers as 0G clients check it: a
// chat completion (through the OpenAI SDK's raw response, so the exact bytes it received are
// hashed), a streamed completion read as raw bytes, text == sha256(request body) ":"
// sha256(response body), ethers.verifyMessage(text, signature) == signing_address == the
// proof's provider; unknown ids are OpenAI-shaped 404s; the signature outlives a SIGKILL.
// Usage: node network_signature.mjs /path/to/agora
import { createHash } from "node:crypto";
import { join } from "node:path";
import OpenAI from "openai";
import { verifyMessage } from "ethers";
import { check, freePort, getJson, runNetworkChecks, waitFor } from "./harness.mjs";

const agora = process.argv[2];
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/// Fetches /signature/{id} and checks it binds `request` and `response` (bytes) and the provider.
async function checkSignature(base, what, id, request, response) {
  const r = await fetch(`${base}/signature/${id}`);
  const s = await r.json();
  check(`${what}: 200`, r.status === 200, JSON.stringify(s));
  check(`${what}: text is sha256(request):sha256(response)`,
        s.text === `${sha256(request)}:${sha256(response)}`, JSON.stringify(s));
  check(`${what}: ethers recovers signing_address`,
        verifyMessage(s.text, s.signature) === s.signing_address, JSON.stringify(s));
  const proof = await getJson(`${base}/v1/proofs/${id}`);
  check(`${what}: the signer is the proof's provider`, proof?.provider === s.signing_address,
        JSON.stringify(proof));
  return s;
}

await runNetworkChecks("network_signature", agora, async ({ start, dir }) => {
  const gatewayPort = await freePort(), relayPort = await freePort();
  const base = `http://127.0.0.1:${gatewayPort}`;
  const upArgs = ["up", "--port", `${gatewayPort}`, "--relay-port", `${relayPort}`,
                  "--data-dir", join(dir, "node")];
  let up = start(upArgs);
  await waitFor("the node's health", async () => (await getJson(`${base}/health`))?.providers >= 1);

  // A chat completion through the OpenAI SDK; the raw response gives the exact bytes received.
  let sentBody = null;  // the exact request body the SDK sent
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused",
                              fetch: (url, init) => { sentBody = init.body; return fetch(url, init); } });
  const ask = { model: "mock-model", messages: [{ role: "user", content: "sign this" }],
                temperature: 0, max_tokens: 6 };
  const raw = await openai.chat.completions.create(ask).asResponse();
  const chatBytes = Buffer.from(await raw.arrayBuffer());
  const chat = JSON.parse(chatBytes.toString("utf8"));
  check("the SDK sent a body", typeof sentBody === "string", String(sentBody));
  const chatSigned = await checkSignature(base, "chat", chat.id, sentBody, chatBytes);

  // A streamed completion, read as the raw event-stream bytes.
  const streamBody = JSON.stringify({ model: "mock-model", prompt: "stream and sign",
                                      max_tokens: 5, stream: true,
                                      stream_options: { include_usage: true } });
  const streamed = await fetch(`${base}/v1/completions`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: streamBody });
  const streamBytes = Buffer.from(await streamed.arrayBuffer());
  const events = streamBytes.toString("utf8");
  check("stream ends with [DONE]", events.endsWith("data: [DONE]\n\n"), events);
  const streamId = JSON.parse(events.split("\n\n")[0].slice("data: ".length)).id;
  await checkSignature(base, "stream", streamId, streamBody, streamBytes);

  for (const id of ["chatcmpl-00000000000000000000000000000000", "nonsense"]) {
    const r = await fetch(`${base}/signature/${id}`);
    const e = (await r.json()).error;
    check(`unknown id ${id} is a 404`, r.status === 404 && e?.code === "signature_not_found" &&
          e?.type === "invalid_request_error", JSON.stringify(e));
  }

  // Kept on disk: the node killed and started again still serves the same signature.
  up.kill("SIGKILL");
  await up.exited;
  up = start(upArgs);
  await waitFor("the node back", async () => (await getJson(`${base}/health`))?.providers >= 1);
  const after = await getJson(`${base}/signature/${chat.id}`);
  check("the signature survives a restart", after?.signature === chatSigned.signature &&
        after?.text === chatSigned.text, JSON.stringify(after));

  up.kill("SIGTERM");
  check("node exits cleanly on SIGTERM", (await up.exited).code === 0, up.log);
});
