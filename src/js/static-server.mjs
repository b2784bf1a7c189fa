// A static file server for dist/ (the console page, a docs build, an app): MIME types that
// browsers insist on (wasm, modules), and by default the COOP/COEP headers that make a page
// cross-origin isolated, which SharedArrayBuffer needs (the console's Ctrl-C and input()).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.map': 'application/json', '.wasm': 'application/wasm', '.zip': 'application/zip',
  '.whl': 'application/zip', '.tgz': 'application/gzip', '.gz': 'application/gzip', '.txt': 'text/plain; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.ts': 'text/plain; charset=utf-8', '.d.ts': 'text/plain; charset=utf-8',
};

// The file a URL path names under `root` (index.html for a folder), or null. Never leaves root.
export function resolveStatic(root, urlPath) {
  const rel = path.normalize(decodeURIComponent(urlPath)).replace(/^([/\\]|\.\.[/\\])+/, '');
  let file = path.join(root, rel);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  let st = fs.statSync(file, { throwIfNoEntry: false });
  if (st?.isDirectory()) {
    file = path.join(file, 'index.html');
    st = fs.statSync(file, { throwIfNoEntry: false });
  }
  return st?.isFile() ? file : null;
}

// Serves `dir` until closed. Resolves to {url, server, close()}.
export async function serveStatic({ dir, port = 8000, host = '127.0.0.1', isolate = true, log = null } = {}) {
  const root = path.resolve(dir);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a folder`);
  const isolation = isolate ? {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
    'cross-origin-resource-policy': 'same-origin',
  } : {};
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://host');
    let status = 200;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        status = 405;
        res.writeHead(status, { allow: 'GET, HEAD' }).end();
        return;
      }
      const file = resolveStatic(root, pathname);
      if (!file) {
        status = 404;
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...isolation }).end(`not found: ${pathname}\n`);
        return;
      }
      const type = MIME_TYPES[path.extname(file)] ?? 'application/octet-stream';
      res.writeHead(status, { 'content-type': type, 'content-length': fs.statSync(file).size,
        'cache-control': 'no-cache', ...isolation });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    } catch (e) {
      status = 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${e.message}\n`);
    } finally {
      log?.(`${status} ${req.method} ${pathname}`);
    }
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, host, resolve); });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.address().port}/`;
  return { url, server, close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }) };
}
