// What the JavaScript interop checks share: pass/fail counting, free loopback ports, agora
// processes with their output captured, bounded polling and JSON GETs that never throw.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

export const results = { passed: 0, failed: 0 };

export function check(name, ok, detail = "") {
  if (ok) results.passed++;
  else { results.failed++; console.log(`FAIL ${name} ${detail}`); }
}

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/// Starts `agora args…`; p.log collects stdout and stderr, p.exited resolves to {code, signal}.
export function startAgora(agora, args) {
  const p = spawn(agora, args, { env: { ...process.env, AGORA_LOG: "info" } });
  p.log = "";
  p.stdout.on("data", (d) => { p.log += d; });
  p.stderr.on("data", (d) => { p.log += d; });
  p.exited = new Promise((resolve) => p.on("exit", (code, signal) => resolve({ code, signal })));
  return p;
}

export async function waitFor(what, predicate, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await predicate();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/// The JSON body of a 200 answer, else null (also when nothing listens).
export async function getJson(url) {
  try {
    const r = await fetch(url);
    return r.ok ? await r.json() : null;
  } catch { return null; }
}
