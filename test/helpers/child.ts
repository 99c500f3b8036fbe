// The CLI as a long-running child process that a test signals, reads line by line, and waits for.
import { type ChildProcess, spawn } from "node:child_process";
import { REPO_ROOT } from "./cli.ts";

export interface CliChild {
  child: ChildProcess;
  /** stdout lines so far, each with the wall-clock time (ms) it arrived. */
  lines: { text: string; at: number }[];
  stderr(): string;
  stdout(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once at least `n` stdout lines arrived (rejects after `timeoutMs`). */
  waitForLines(n: number, timeoutMs: number): Promise<void>;
}

export function spawnCli(
  args: string[],
  options: { env?: Record<string, string>; watchdogMs?: number } = {},
): CliChild {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/cartstream.js`, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TZ: "UTC", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: { text: string; at: number }[] = [];
  let out = "";
  let partial = "";
  let err = "";
  const waiters: (() => void)[] = [];
  child.stdout!.on("data", (d) => {
    const at = Date.now();
    out += String(d);
    const parts = (partial + String(d)).split("\n");
    partial = parts.pop()!;
    for (const text of parts) lines.push({ text, at });
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on("data", (d) => (err += String(d)));
  // A child that never ends must fail the test with its output, not hang it.
  const watchdog = setTimeout(() => child.kill("SIGKILL"), options.watchdogMs ?? 300_000);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(watchdog);
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal });
    }),
  );
  const waitForLines = async (n: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (lines.length < n) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the child ended with ${lines.length} of ${n} lines; stderr: ${err.slice(-2000)}`);
      if (Date.now() > deadline)
        throw new Error(`${lines.length} of ${n} lines after ${timeoutMs} ms; stderr: ${err.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return { child, lines, stderr: () => err, stdout: () => out, exit, waitForLines };
}

/** Polls `check` every 100 ms until it returns true (rejects after `timeoutMs` with `what`). */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
