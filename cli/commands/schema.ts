// cartstream schema: print or write the event JSON Schema.
import { writeFileSync } from "node:fs";
import { eventJsonSchema } from "../../pipeline/events/index.ts";
import type { CommandSpec } from "../args.ts";
import { helpText, parseFlags, stringFlag } from "../args.ts";

export const EVENT_SCHEMA_PATH = "pipeline/events/event.schema.json";

export const spec: CommandSpec = {
  name: "schema",
  summary: "print the event JSON Schema, or write it to a file",
  usage: "cartstream schema [--out FILE]",
  flags: {
    out: {
      type: "string",
      short: "o",
      arg: "FILE",
      help: `write here (the committed copy is ${EVENT_SCHEMA_PATH})`,
    },
  },
};

export function renderEventSchema(): string {
  return `${JSON.stringify(eventJsonSchema(), null, 2)}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const out = stringFlag(flags, "out");
  if (out) writeFileSync(out, renderEventSchema());
  else process.stdout.write(renderEventSchema());
  return 0;
}
