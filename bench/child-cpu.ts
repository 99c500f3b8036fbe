import { readFileSync } from "node:fs";

// CPU seconds (user + system) of this process's finished children, from /proc/self/stat (cutime, cstime;
// Linux only, null elsewhere). On a shared, loaded machine wall time mostly measures the others' load;
// the CPU a run used is the figure that compares across runs. Diff it around one child's run.
const TICKS_PER_SECOND = 100;

export function childCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name (which may hold spaces) start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cutime = Number(fields[13]);
    const cstime = Number(fields[14]);
    return Number.isFinite(cutime + cstime) ? (cutime + cstime) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
