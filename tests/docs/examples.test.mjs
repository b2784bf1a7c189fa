// sangam_sphinx's global_enable_try_examples on the docstring lines numpydoc hands autodoc: the
// Examples section goes under ``.. try_examples::`` with the global options, up to the next section
// or numpydoc's closing comment; a section marked ``..! disable_try_examples`` or already wrapped is
// left alone. Run by the docs venv's Python (tools/docs-venv.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, docsPython } from './site.mjs';

function insert(lines, options = {}) {
  const code = 'import json, sys; sys.path.insert(0, sys.argv[1]); from sangam_sphinx.examples import insert_try_examples; '
    + 'a = json.loads(sys.argv[2]); print(json.dumps(insert_try_examples(a[0], a[1])))';
  return JSON.parse(execFileSync(docsPython(), ['-c', code, path.join(ROOT, 'sphinxext'), JSON.stringify([lines, options])], { encoding: 'utf8' }));
}

const doc = ['Sum.', '', '.. rubric:: Examples', '', '>>> 1 + 1', '2', '', 'Text.', '',
  '.. rubric:: References', '', '[1] x', '', '..', '    !! processed by numpydoc !!'];

test('the Examples section is wrapped, up to the next section', () => {
  assert.deepEqual(insert(doc, { button_text: 'Try' }), ['Sum.', '', '.. rubric:: Examples', '',
    '.. try_examples::', '    :button_text: Try', '', '    >>> 1 + 1', '    2', '', '    Text.', '', '',
    '.. rubric:: References', '', '[1] x', '', '..', '    !! processed by numpydoc !!']);
});

test('a last Examples section ends at numpydoc\'s closing comment', () => {
  const last = ['.. rubric:: Examples', '', '>>> 2', '2', '', '..', '    !! processed by numpydoc !!'];
  assert.deepEqual(insert(last), ['.. rubric:: Examples', '', '.. try_examples::', '', '    >>> 2', '    2', '', '',
    '..', '    !! processed by numpydoc !!']);
});

test('disabled, already wrapped, or no Examples: unchanged', () => {
  for (const lines of [
    ['.. rubric:: Examples', '', '..! disable_try_examples', '', '>>> 1', '1'],
    ['.. rubric:: Examples', '', '.. try_examples::', '', '    >>> 1', '    1'],
    ['No examples here.', '', '.. rubric:: Notes', '', 'Text.'],
  ]) assert.deepEqual(insert(lines), lines);
});
