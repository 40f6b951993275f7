// What the JavaScript interop checks share: pass/fail counting, free loopback ports, agora
// processes with their output captured, bounded polling, JSON GETs that never throw, and the
// frame of a check script that starts processes (runNetworkChecks).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

/// Runs `body({ start, dir })` as the check script `name`: start(args) launches `agora args…`
/// (every one killed at the end), dir is a fresh temporary folder (removed at the end). An
/// exception fails the run and prints each process's command and output. Prints the tally and
/// exits, non-zero if any check failed.
export async function runNetworkChecks(name, agora, body) {
  const dir = mkdtempSync(join(tmpdir(), `agora-${name}-`));
  const processes = [];
  const start = (args) => {
    const p = startAgora(agora, args);
    processes.push(p);
    return p;
  };
  try {
    await body({ start, dir });
  } catch (e) {
    check("no exception", false, e.stack ?? e);
    for (const p of processes) console.log(`--- ${p.spawnargs.join(" ")}\n${p.log}`);
  } finally {
    for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${name}: ${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}
