// A module-resolution hook that prints every resolved URL to stderr, so a test can see what an
// entry point really loads (ESM imports never show up in require.cache).
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  process.stderr.write(`LOADED ${result.url}\n`);
  return result;
}
