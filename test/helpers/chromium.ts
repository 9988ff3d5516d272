/**
 * Chromium for browser tests: Debian's /usr/bin/chromium (installed by .ci/run when missing), driven by
 * playwright-core. When it is missing the file's tests are skipped with the reason printed, except under
 * CI=true, where the file fails instead.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser is expected (LNKIT_TEST_CHROMIUM overrides). */
export const CHROMIUM_PATH = process.env.LNKIT_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Headless flags for a container: no sandbox (root), no GPU, nothing fetched from the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Why browser tests are skipped, or undefined when Chromium is there.
 * @throws when it is missing and CI=true
 */
export function chromiumSkipReason(label: string): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set LNKIT_TEST_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  console.warn(`[skipped] ${label}: ${reason}`);
  return reason;
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
