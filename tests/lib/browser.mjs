// The headless Chromium every browser test and bench drives: Debian's
// (CHROMIUM overrides /usr/bin/chromium), without the sandbox (CI runs as
// root), the GPU, or any traffic of its own that a test did not ask for.
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic'];

export const launch = () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
