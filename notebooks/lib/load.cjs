// The bridge from a tslab cell to the project's ESM TypeScript modules.
//
// CommonJS on purpose. tslab compiles every cell to CommonJS and runs it with vm.runInThisContext, so inside a
// cell `import x from "..."` and even `await import("...")` become require(): the project's `.ts` files cannot be
// required (tslab's TypeScript 5.0 rejects `.ts` import paths and files outside the notebook folder), and
// require() of vega fails on Node 20 (ERR_REQUIRE_ASYNC_MODULE: its module graph has top-level await). A cell
// has no real import() either (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). This file is loaded by Node's own
// require, so its import() is a real one: it registers tsx's ESM loader once and imports through it.
// (`require("tsx/esm/api")` is no way round: the CommonJS build of tsx 4.23's esm/api looks for its loader in
// the wrong folder on Node 20, so the ESM build is imported instead.)
const { pathToFileURL } = require("node:url");

let registered;

/**
 * Imports an ES module the way a static import in the notebook would: `./` and `../` paths are resolved against
 * the kernel's working directory (Jupyter starts the kernel in the notebook's folder); bare names are packages.
 */
async function importTs(specifier) {
  registered ??= import("tsx/esm/api").then(({ register }) => {
    register();
  });
  await registered;
  const url = /^\.\.?\//.test(specifier)
    ? new URL(specifier, pathToFileURL(`${process.cwd()}/`)).href
    : specifier;
  return import(url);
}

module.exports = { importTs };
