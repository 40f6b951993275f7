// Interop check in both directions between `agora key` and ethers (a standard Ethereum library):
// ethers signs and agora verifies; agora signs and ethers recovers; keys and addresses agree.
// Usage: node ethers_interop.mjs /path/to/agora
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, verifyMessage } from "ethers";

const agora = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "agora-interop-"));
let passed = 0, failed = 0;

function check(name, ok, detail = "") {
  if (ok) passed++; else { failed++; console.log(`FAIL ${name} ${detail}`); }
}
function lastLine(text) {
  return text.trim().split("\n").pop().trim();
}
function agoraRun(args, env = {}) {
  const r = spawnSync(agora, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const messages = ["hello", "", "Grüße, 世界 🚀", "line one\nline two", "x".repeat(1000)];
try {
  for (let i = 0; i < 5; i++) {
    const wallet = Wallet.createRandom();
    const keyFile = join(dir, `k${i}.key`);
    writeFileSync(keyFile, wallet.privateKey + "\n", { mode: 0o600 });
    const addr = agoraRun(["key", "address", "--key-file", keyFile]);
    check("address from key file", addr.code === 0 && lastLine(addr.out) === wallet.address,
          `${lastLine(addr.out)} != ${wallet.address}`);
    for (const message of messages) {
      const ethersSig = await wallet.signMessage(message);
      const v = agoraRun(["key", "verify", "--message", message, "--signature", ethersSig,
                          "--address", wallet.address]);
      check("agora verifies ethers signature", v.code === 0, v.out + v.err);
      const other = agoraRun(["key", "verify", "--message", message + "!", "--signature",
                              ethersSig, "--address", wallet.address]);
      check("agora refuses altered message", other.code === 1, other.out + other.err);
      const s = agoraRun(["key", "sign", "--message", message], { PRIVATE_KEY: wallet.privateKey });
      const agoraSig = lastLine(s.out);
      check("ethers recovers agora signature", s.code === 0 &&
            verifyMessage(message, agoraSig) === wallet.address, agoraSig);
      check("RFC 6979 signatures are identical", agoraSig === ethersSig, `${agoraSig} ${ethersSig}`);
    }
  }
  const newKey = join(dir, "new.key");
  const created = agoraRun(["key", "new", "--out", newKey]);
  const fromFile = new Wallet(readFileSync(newKey, "utf8").trim());
  check("agora key new loads in ethers", created.code === 0 && created.out.includes(fromFile.address),
        created.out);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
