// Real-browser check of the notebooks: starts JupyterLab (./emomc lab) on a free port, opens
// notebook 00 in headless Debian Chromium (playwright-core, no downloaded browser), runs all its
// cells, waits for the CIFAR-10 image grid and saves a screenshot; then opens notebook 01, runs it,
// waits for the Vega-Lite chart JupyterLab draws natively, moves its r slider and checks that the
// chart changed (its title is an expression of the sliders), saving the chart before and after.
//   cd .ci/browser && npm install && node browser-check.mjs [--out ../../figures/jupyterlab-notebook00.png]
//        [--slider-out ../../docs/notebooks/jupyterlab-notebook01-slider]   (-before.png, -after.png)
// Env: CHROMIUM (default /usr/bin/chromium), EMOMC_PROFILE (default smoke), PORT (default 8899).
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'figures', 'jupyterlab-notebook00.png');
const sliderArg = process.argv.indexOf('--slider-out');
const sliderOut = sliderArg > 0 ? path.resolve(process.argv[sliderArg + 1]) : path.join(root, 'docs', 'notebooks', 'jupyterlab-notebook01-slider');
const port = Number(process.env.PORT || 8899);
const token = 'emomc-browser-check';
const notebook = '00-setup-and-data.ipynb';
const log = (...a) => console.log('browser-check:', ...a);

// A throw-away JupyterLab settings and workspace directory: no autosave (the committed notebook
// must keep no outputs), no news pop-up, no restored layout from an earlier session.
const labState = mkdtempSync(path.join(tmpdir(), 'emomc-lab-'));
const settings = path.join(labState, 'settings');
mkdirSync(path.join(settings, '@jupyterlab', 'docmanager-extension'), { recursive: true });
mkdirSync(path.join(settings, '@jupyterlab', 'apputils-extension'), { recursive: true });
mkdirSync(path.join(settings, '@jupyterlab', 'notebook-extension'), { recursive: true });
// Every cell in the page (JupyterLab 4 otherwise detaches the cells scrolled out of view, outputs included).
writeFileSync(path.join(settings, '@jupyterlab', 'notebook-extension', 'tracker.jupyterlab-settings'), '{"windowingMode": "none"}');
writeFileSync(path.join(settings, '@jupyterlab', 'docmanager-extension', 'plugin.jupyterlab-settings'), '{"autosave": false}');
writeFileSync(path.join(settings, '@jupyterlab', 'apputils-extension', 'notification.jupyterlab-settings'), '{"fetchNews": "false"}');

const lab = spawn(path.join(root, 'emomc'), ['lab', '--no-browser', `--port=${port}`, '--ServerApp.ip=127.0.0.1',
  `--IdentityProvider.token=${token}`, '--LabApp.expose_app_in_browser=True', '--ServerApp.port_retries=0',
  `--LabApp.user_settings_dir=${settings}`, `--LabApp.workspaces_dir=${path.join(labState, 'workspaces')}`],
  { cwd: root, env: { ...process.env, EMOMC_PROFILE: process.env.EMOMC_PROFILE || 'smoke' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let labLog = '';
lab.stdout.on('data', d => { labLog += d; });
lab.stderr.on('data', d => { labLog += d; });
const stopLab = () => { try { process.kill(-lab.pid, 'SIGTERM'); } catch { /* gone */ } };

async function waitForServer(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    if (lab.exitCode !== null) throw new Error('JupyterLab exited:\n' + labLog);
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('JupyterLab did not start:\n' + labLog);
}

let browser;
let page;
let code = 0;

async function openAndRunAll(nb) {
  await page.goto(`http://127.0.0.1:${port}/lab/tree/${nb}?token=${token}`);
  await page.waitForSelector('.jp-NotebookPanel .jp-Cell', { timeout: 120_000 });
  // The restored layout may hold an earlier notebook: wait until this one is the current widget.
  await page.waitForFunction(name => window.jupyterapp?.shell?.currentWidget?.context?.path === name, nb,
    { timeout: 120_000, polling: 500 });
  log(`${nb} open; waiting for the kernel`);
  await page.waitForFunction(() => {
    const s = window.jupyterapp?.shell?.currentWidget?.sessionContext;
    // "connected" is enough to run cells. rapaio's status replies to kernel_info are ignored by
    // JupyterLab, so the status can read "Unknown" until the first cell runs.
    return s?.session?.kernel?.connectionStatus === 'connected' && s.session.kernel.info !== undefined;
  }, null, { timeout: 240_000, polling: 500 });
  await page.evaluate(() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.info);
  const kernel = await page.evaluate(() => window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayName);
  log(`kernel "${kernel}" connected; running all cells`);
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));
}
try {
  await waitForServer(300_000);   // the first `./emomc lab` installs JupyterLab into .venv
  log(`JupyterLab up on port ${port}`);
  const profileDir = mkdtempSync(path.join(tmpdir(), 'emomc-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = browser.pages()[0] || await browser.newPage();
  if (!process.env.BROWSER_CHECK_ONLY_01) {   // BROWSER_CHECK_ONLY_01=1: the slider check alone
    await openAndRunAll(notebook);
    // The image grid is the first image output of the notebook.
    const grid = page.locator('.jp-OutputArea-output img').first();
    await grid.waitFor({ state: 'visible', timeout: 300_000 });
    await page.waitForFunction(() => {
      const s = window.jupyterapp.shell.currentWidget.sessionContext;
      return s.kernelDisplayStatus === 'idle' && document.querySelectorAll('.jp-OutputArea-output img').length >= 2
        && !document.querySelector('.jp-InputArea-prompt')?.textContent.includes('*');
    }, null, { timeout: 300_000, polling: 1000 });
    const errors = await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count();
    const size = await grid.evaluate(img => [img.naturalWidth, img.naturalHeight]);
    log(`image grid rendered (${size[0]}x${size[1]} px); ${await page.locator('.jp-OutputArea-output img').count()} images, ${errors} stderr outputs`);
    await grid.scrollIntoViewIfNeeded();
    await page.evaluate(() => {   // show the grid's cell near the top of the window
      const img = document.querySelector('.jp-OutputArea-output img');
      img.closest('.jp-Cell').scrollIntoView({ block: 'start' });
    });
    await page.waitForTimeout(1000);
    mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    log(`screenshot saved: ${out}`);
  }

  // Notebook 01: the Vega-Lite chart with sliders, drawn by JupyterLab's own renderer.
  // A fresh page load (closing 00 would ask whether to save it: autosave is off).
  await openAndRunAll('01-vgg16-and-its-costs.ipynb');
  // Wait for the run to end (no cell prompt reads [*]), then for the chart.
  await page.waitForFunction(() => window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus === 'idle'
      && document.querySelectorAll('.jp-OutputArea-output').length > 3
      && ![...document.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*')),
    null, { timeout: 300_000, polling: 1000 });
  // JupyterLab's Vega renderer (its data-mime-type attribute is not set): the output holding a .vega-embed.
  const vega = page.locator('.jp-OutputArea-output:has(.vega-embed)').first();
  await vega.waitFor({ state: 'attached', timeout: 60_000 });
  await vega.scrollIntoViewIfNeeded();
  await vega.locator('svg, canvas').first().waitFor({ state: 'visible', timeout: 60_000 });
  await page.waitForFunction(() => window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus === 'idle',
    null, { timeout: 300_000, polling: 1000 });
  await vega.scrollIntoViewIfNeeded();
  const title = async () => (await vega.locator('.role-title-text, .mark-text.role-title text').first().textContent()).trim();
  const before = await title();
  const sliders = await vega.locator('input[type=range]').count();
  const menus = await vega.locator('select').count();
  mkdirSync(path.dirname(sliderOut), { recursive: true });
  await vega.screenshot({ path: `${sliderOut}-before.png` });
  // Move the r slider (the first input) to 0.2 as a reader would, with the input event Vega listens to.
  await vega.locator('input[type=range]').first().evaluate(el => {
    el.value = '0.2';
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(t => {
    const e = document.querySelector('.vega-embed .role-title-text');
    return e && e.textContent.trim() !== t;
  }, before, { timeout: 30_000, polling: 250 });
  const after = await title();
  await vega.screenshot({ path: `${sliderOut}-after.png` });
  log(`notebook 01: Vega-Lite chart with ${sliders} sliders and ${menus} menu(s); title "${before}" -> "${after}" after moving r`);
  if (!after.includes('r = 0.20')) throw new Error(`the chart did not follow the slider: "${after}"`);
  log(`screenshots saved: ${sliderOut}-before.png, ${sliderOut}-after.png`);
} catch (e) {
  console.error('browser-check: FAILED:', e.message);
  code = 1;
  if (page) {
    const shot = path.join(tmpdir(), 'emomc-browser-check-failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    const state = await page.evaluate(() => JSON.stringify({ app: !!window.jupyterapp,
      status: window.jupyterapp?.shell?.currentWidget?.sessionContext?.kernelDisplayStatus,
      kernel: window.jupyterapp?.shell?.currentWidget?.sessionContext?.kernelDisplayName,
      outputs: [...document.querySelectorAll('.jp-OutputArea-output')].map(e => e.getAttribute('data-mime-type')) }))
      .catch(err => String(err));
    console.error(`browser-check: page state ${state}; screenshot ${shot}`);
    console.error(labLog.split('\n').slice(-30).join('\n'));
  }
} finally {
  if (browser) await browser.close();
  stopLab();
}
process.exit(code);
