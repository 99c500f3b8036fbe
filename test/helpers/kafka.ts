// Starts the local Kafka broker for service tests (idempotent; make test / CI stop it afterwards).
import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "./cli.ts";

export function ensureKafka(): void {
  try {
    execFileSync("bash", ["scripts/kafka/kafka.sh", "status"], { cwd: REPO_ROOT, stdio: "ignore" });
  } catch {
    execFileSync("bash", ["scripts/kafka/kafka.sh", "up"], {
      cwd: REPO_ROOT,
      stdio: "inherit",
      timeout: 600_000,
    });
  }
}
