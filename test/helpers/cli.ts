import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Runs the real CLI (bin/cartstream.js) in a child process. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
) {
  const res = spawnSync(process.execPath, [`${REPO_ROOT}bin/cartstream.js`, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, TZ: "UTC", ...options.env },
    encoding: "utf8",
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
