// x402 pay-per-request against a real `agora up --x402` process, paid by the x402 reference
// client (@x402/fetch with @x402/evm's "exact" EVM scheme, npm): an unpaid request gets 402 with
// version 2 requirements (and version 1 in the body), the client signs an EIP-3009
// TransferWithAuthorization and is served with a PAYMENT-RESPONSE, and the same payment sent
// again is refused, also after the node restarts over its data directory. The signer is an
// ethers wallet (the scheme needs address + signTypedData).
// Usage: node x402_network.mjs /path/to/agora
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePaymentResponseHeader, wrapFetchWithPaymentFromConfig } from "@x402/fetch";
import { ExactEvmScheme } from "@x402/evm";
import { Wallet } from "ethers";
import { check, freePort, getJson, results, startAgora, waitFor } from "./harness.mjs";

const agora = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "agora-x402-"));
let node = null;
async function providers(base) {
  return (await getJson(`${base}/health`))?.providers ?? 0;
}

const upArgs = (gatewayPort, relayPort) =>
  ["up", "--x402", "--price", "5000000", "--port", `${gatewayPort}`, "--relay-port",
   `${relayPort}`, "--data-dir", join(dir, "node")];
function startNode(gatewayPort, relayPort) {
  return startAgora(agora, upArgs(gatewayPort, relayPort));
}

// The payer: a fixed test key (no funds anywhere; nothing goes on-chain).
const wallet = new Wallet("0x" + "11".repeat(32));
const signer = {
  address: wallet.address,
  signTypedData: ({ domain, types, primaryType, message }) =>
    wallet.signTypedData(domain, { [primaryType]: types[primaryType] }, message),
};

const gatewayPort = await freePort(), relayPort = await freePort();
const base = `http://127.0.0.1:${gatewayPort}`;
const start = () => startNode(gatewayPort, relayPort);
const url = `${base}/v1/chat/completions`;
const ask = { model: "mock-model", messages: [{ role: "user", content: "hello market" }],
              temperature: 0, max_tokens: 8 };
const post = (headers = {}) => ({ method: "POST", body: JSON.stringify(ask),
                                  headers: { "Content-Type": "application/json", ...headers } });
try {
  node = start();
  await waitFor("the node's provider", async () => (await providers(base)) >= 1);

  const unpaid = await fetch(url, post());
  const body = await unpaid.json();
  const required = JSON.parse(
      Buffer.from(unpaid.headers.get("PAYMENT-REQUIRED") ?? "", "base64").toString());
  check("unpaid is 402", unpaid.status === 402, `${unpaid.status}`);
  check("version 1 body", body.x402Version === 1 && body.accepts?.[0]?.scheme === "exact" &&
        body.accepts[0].network === "base-sepolia", JSON.stringify(body));
  check("version 2 header", required.x402Version === 2 &&
        required.accepts?.[0]?.network === "eip155:84532" &&
        Number(required.accepts[0].amount) > 0 && required.resource?.url === url,
        JSON.stringify(required));

  // The reference client pays; a recording fetch underneath keeps the payment it sent.
  let sentPayment = null;
  const recording = async (input, init) => {
    const request = new Request(input, init);
    sentPayment = request.headers.get("PAYMENT-SIGNATURE") ?? sentPayment;
    return fetch(request);
  };
  const pay = wrapFetchWithPaymentFromConfig(recording, {
    schemes: [{ network: "eip155:*", client: new ExactEvmScheme(signer) }],
  });
  const paid = await pay(url, post());
  const chat = await paid.json();
  check("paid request served", paid.status === 200 && chat.object === "chat.completion" &&
        chat.usage?.completion_tokens === 8, `${paid.status} ${JSON.stringify(chat)}`);
  const settled = decodePaymentResponseHeader(paid.headers.get("PAYMENT-RESPONSE") ?? "");
  check("payment response", settled.success === true && settled.payer === wallet.address &&
        settled.network === "eip155:84532", JSON.stringify(settled));
  check("the client sent a version 2 payment", !!sentPayment);

  const replay = await fetch(url, post({ "PAYMENT-SIGNATURE": sentPayment }));
  const replayBody = await replay.json();
  check("replay refused", replay.status === 402 && /nonce/.test(replayBody.error ?? ""),
        `${replay.status} ${JSON.stringify(replayBody)}`);

  const again = await pay(url, post());
  check("a fresh payment is served again", again.status === 200, `${again.status}`);

  node.kill("SIGTERM");
  check("node exits cleanly on SIGTERM", (await node.exited).code === 0, node.log);
  // The escrow keeps executed Deposit keys in its journal: a restart refuses the replay too.
  node = start();
  await waitFor("the restarted node's provider", async () => (await providers(base)) >= 1);
  const late = await fetch(url, post({ "PAYMENT-SIGNATURE": sentPayment }));
  const lateBody = await late.json();
  check("replay refused after a restart", late.status === 402 && /nonce/.test(lateBody.error ?? ""),
        `${late.status} ${JSON.stringify(lateBody)}`);
  node.kill("SIGTERM");
  check("restarted node exits cleanly", (await node.exited).code === 0, node.log);
} catch (e) {
  check("no exception", false, e.stack ?? e);
  if (node) console.log(`--- agora up --x402\n${node.log}`);
} finally {
  if (node && node.exitCode === null && node.signalCode === null) node.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`x402_network: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
