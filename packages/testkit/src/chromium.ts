/**
 * Chromium for browser tests: Debian's `/usr/bin/chromium` driven by playwright-core, which never
 * downloads a browser of its own (only the `playwright` package does, and it is not used). A test
 * that needs the browser fails with what to install when it is missing; it is never skipped.
 */
import { accessSync, constants } from 'node:fs';
import type { Browser } from 'playwright-core';

/** The playwright types a browser test needs, so tests need not depend on playwright-core. */
export type { Browser, BrowserContext, Page } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser (`.ci/run` installs it when missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a quiet, headless, loopback-only browser on a CI box: no sandbox (CI runs as root), no
 * GPU, no QUIC, and none of the first-run, sync, component-update or background requests that
 * would reach out to the internet. Playwright's `launch` adds its own fresh temporary
 * `--user-data-dir` and removes it on close.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchChromiumOptions {
  /** The browser binary. Default CHROMIUM_PATH. */
  executablePath?: string;
  /** The longest wait for the browser to start (ms). Default 30,000. */
  timeoutMs?: number;
}

/** Thrown when the browser binary is not there: it names the package to install. */
export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(
      `no Chromium at ${path}: browser tests need Debian's chromium package ` +
        '(apt-get install -y chromium; .ci/run installs it when missing)',
    );
    this.name = 'ChromiumMissingError';
  }
}

/** Starts a headless Chromium; `close()` it in an afterAll or finally. */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(executablePath);
  }
  // Loaded here, not at the top: most tests import the testkit and never start a browser.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: options.timeoutMs ?? 30_000,
  });
}
