// The console's interpreter: sangam in a module Web Worker, so running code never blocks the
// page, and the page can interrupt it (setInterruptBuffer) or, without shared memory, restart it.
// Messages in:  {type: 'init', channel}  {type: 'push', line}  {type: 'complete', source}
//               {type: 'reset'} (drops a half-typed block)
// Messages out: {type: 'out' | 'err', text}  {type: 'prompt', text}  {type: 'stdin'}
//               {type: 'completions', matches, start}  {type: 'fatal', text}
import { loadPyodide } from '../sangam.mjs';
import { waitForLine } from './channel.mjs';

const post = (type, fields = {}) => self.postMessage({ type, ...fields });
let pyodide, runLine, complete, reset;
let queue = Promise.resolve();

// The Python half: one PyodideConsole; each line is pushed and, once complete, run; a value is
// shown as the REPL shows it (and kept in `_`); the next prompt is returned.
const SETUP = `
import asyncio, builtins, sys
from pyodide.console import PyodideConsole, repr_shorten, BANNER

def _make(out, err, read_line):
    def stdin(size):
        line = read_line()
        if line is None:
            raise KeyboardInterrupt
        return line
    console = PyodideConsole(stdout_callback=out, stderr_callback=err, stdin_callback=stdin,
                             filename="<console>")
    # Ctrl-C's KeyboardInterrupt ends the input's task, which the console reports; the loop
    # re-raises it from the task's step, where it would be an uncaught error in the worker.
    asyncio.get_event_loop()._keyboard_interrupt_handler = lambda: None
    console.globals["__builtins__"] = builtins

    async def run_line(line):
        future = console.push(line)
        if future.syntax_check == "incomplete":
            return sys.ps2 if isinstance(getattr(sys, "ps2", None), str) else "... "
        try:
            value = await future
        except BaseException:
            err(future.formatted_error or "")
        else:
            if value is not None:
                builtins._ = value
                out(repr_shorten(value) + "\\n")
        return sys.ps1 if isinstance(getattr(sys, "ps1", None), str) else ">>> "

    def complete(source):
        matches, start = console.complete(source)
        return [list(matches), start]

    def reset():
        console.buffer = []

    return run_line, complete, reset
`;

async function init({ channel }) {
  const out = (text) => post('out', { text });
  const err = (text) => post('err', { text });
  pyodide = await loadPyodide({
    stdout: (line) => out(line + '\n'),
    stderr: (line) => err(line + '\n'),
    stdin: () => { throw new Error('input() needs a cross-origin isolated page'); },
  });
  if (channel) pyodide.setInterruptBuffer(channel.interrupt);
  const readLine = () => {
    if (!channel) {
      throw new Error('input() needs a cross-origin isolated page: serve the console with bin/sangam-serve, ' +
        'which sends the COOP and COEP headers');
    }
    post('stdin');
    return waitForLine(channel.stdin);
  };
  const ns = pyodide.globals.get('dict')();
  pyodide.runPython(SETUP, { globals: ns });
  [runLine, complete, reset] = ns.get('_make')(out, err, readLine);
  ns.destroy();
  post('out', { text: pyodide.pyimport('pyodide.console').BANNER + '\n' });
  post('prompt', { text: '>>> ' });
}

function handle(msg) {
  switch (msg.type) {
    case 'init': return init(msg);
    case 'push': return runLine(msg.line).then((prompt) => post('prompt', { text: prompt }));
    case 'complete': {
      const result = complete(msg.source);
      const [matches, start] = result.toJs();
      result.destroy();
      return post('completions', { matches, start });
    }
    case 'reset': return reset();
    default: return undefined;
  }
}

self.onmessage = (e) => {
  // One message at a time, in order: a line typed ahead waits for the one running.
  queue = queue.then(() => handle(e.data)).catch((err) => post('fatal', { text: String(err?.stack ?? err) }));
};
