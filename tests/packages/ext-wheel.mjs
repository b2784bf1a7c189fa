// Builds real wheels with extension modules for the package tests: the side modules of tests/ext
// (spam.c, cppext.cpp, broken.c) compiled with emcc as a package build would, then packed by
// make_ext_wheel.py. sangam-ext-demo holds spam and cppext; sangam-ext-broken holds broken, whose
// symbol nobody provides.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildSideModule } from '../ext/side-module.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const build = buildSideModule;

// Writes the two wheels into `outDir`; returns their paths.
export function buildExtWheels(outDir) {
  const work = fs.mkdtempSync(path.join(outDir, '.build-'));
  try {
    const spam = build(work, 'spam', 'spam.c');
    const cpp = build(work, 'cppext', 'cppext.cpp', 'em++');
    const broken = build(work, 'broken', 'broken.c');
    const pack = (name, ...files) => execFileSync('python3', [path.join(ROOT, 'tests/packages/make_ext_wheel.py'),
      outDir, name, '1.0', ...files], { encoding: 'utf8' }).trim();
    return { demo: pack('sangam_ext_demo', spam, cpp), broken: pack('sangam_ext_broken', broken) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
