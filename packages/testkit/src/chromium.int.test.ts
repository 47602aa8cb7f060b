import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { ChromiumMissingError, launchChromium } from './chromium';

jest.setTimeout(60_000);

describe('launchChromium', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('starts Debian’s Chromium headless, which runs a page’s script from a loopback server', async () => {
    server = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end('<p id="out">waiting</p><script>document.getElementById("out").textContent = 2 + 2</script>');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    browser = await launchChromium();
    expect(browser.version()).toMatch(/^\d+\./);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`, { timeout: 10_000 });
    expect(await page.textContent('#out')).toBe('4');
    // The browser itself is headless, whatever playwright would choose.
    expect(await page.evaluate<string>('navigator.userAgent')).toContain('HeadlessChrome');
  });

  it('fails with the package to install when the browser is missing', async () => {
    const launch = launchChromium({ executablePath: '/nonexistent/chromium' });
    await expect(launch).rejects.toBeInstanceOf(ChromiumMissingError);
    await expect(launch).rejects.toThrow(/apt-get install -y chromium/);
  });
});
