// The production build (docs/decisions/007-compiled-build.md): the TypeScript of src/ compiled to
// dist/ by tsc, and the files that are not TypeScript (Nunjucks views, the app's own CSS and JS)
// copied beside it, so that `node dist/server.js` finds them where src/ keeps them.
//
//   node scripts/build.mjs             build
//   node scripts/build.mjs --if-stale  build only when a file under src/ (or the lockfile, or a
//                                      tsconfig) is newer than the last build (npm start does this)
//
// One build at a time: the tests' child processes, the bench and `npm start` may ask at once, and a
// build removes dist/ first, so each takes dist.lock and checks for staleness only once it holds it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import lockfile from 'proper-lockfile';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');

/** The newest modification time of the build's inputs. */
function newestInput() {
  const inputs = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => path.join(root, f));
  const files = fs.readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true });
  for (const f of files) if (f.isFile()) inputs.push(path.join(f.parentPath, f.name));
  return Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
}

const release = await lockfile.lock(root, {
  lockfilePath: path.join(root, 'dist.lock'),
  retries: { retries: 1200, factor: 1, minTimeout: 250, maxTimeout: 250 },
});
try {
  if (!(process.argv.includes('--if-stale') && fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newestInput())) {
    fs.rmSync(dist, { recursive: true, force: true });
    // Asynchronous, so that the lock is kept fresh while tsc runs.
    const tsc = spawn(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')],
      {
        stdio: 'inherit',
      },
    );
    const code = await new Promise((resolve) => tsc.on('close', resolve));
    if (code !== 0) throw new Error(`tsc exited with ${code}`);
    fs.cpSync(path.join(root, 'src'), dist, {
      recursive: true,
      filter: (src) => fs.statSync(src).isDirectory() || !src.endsWith('.ts'),
    });
    fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
} finally {
  await release();
}
