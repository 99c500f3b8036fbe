// Makes sure a Kafka broker answers on 127.0.0.1:9092 for the service tests: this checkout's broker
// (started if down, idempotent; make test / CI stop it afterwards), or one already listening there.
import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "./cli.ts";

function succeeds(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { cwd: REPO_ROOT, stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function ensureKafka(): void {
  if (succeeds("bash", ["scripts/kafka/kafka.sh", "status"])) return;
  if (succeeds("bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/9092"])) return;
  execFileSync("bash", ["scripts/kafka/kafka.sh", "up"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    timeout: 600_000,
  });
}
