import { initPage } from '../layout.js';

await initPage({});
