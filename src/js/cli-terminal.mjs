// Line editing for the command line, on the thread that owns the terminal: Node's readline
// (cursor keys, Home/End, Ctrl-A/E/K/U/W, Up/Down through history, Tab completion) plus what it
// lacks: Ctrl-R reverse search, Ctrl-C and Ctrl-D as a terminal gives them, and history kept in
// ~/.python_history (or $PYTHON_HISTORY) the way CPython keeps it: one line an entry.
//
// The terminal is raw from start to end: a Ctrl-C typed while Python runs reaches onInterrupt
// (cli.mjs turns it into KeyboardInterrupt), and type-ahead waits here.
// Keys reach readline through an emitter of our own, fed a line at a time: what was typed (or
// pasted) past the end of a line stays here until Python asks for the next line.
import readline from 'node:readline';
import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import fs from 'node:fs';

// The characters that end a word for completion: GNU readline's set as CPython's readline
// module configures it (rlcompleter completes dotted names, so '.' is not one of them).
const DELIMS = new Set(' \t\n`~!@#$%^&*()-=+[{]}\\|;:\'",<>/?');
const HISTORY_SIZE = 1000;

// The length of the key at the start of s: an escape sequence (CSI, SS3 or Alt+key), a
// character (a surrogate pair is one).
function keyLength(s) {
  if (s[0] === '\x1b' && s.length > 1) {
    if (s[1] === '[') {
      let i = 2;
      while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x3f) i++;
      while (i < s.length && s.charCodeAt(i) >= 0x20 && s.charCodeAt(i) <= 0x2f) i++;
      return Math.min(i + 1, s.length);
    }
    if (s[1] === 'O') return Math.min(3, s.length);
    return 2;
  }
  const c = s.charCodeAt(0);
  return c >= 0xd800 && c < 0xdc00 && s.length > 1 ? 2 : 1;
}

export function historyFile(env, home) {
  if (env.PYTHON_HISTORY) return env.PYTHON_HISTORY;
  return home ? `${home}/.python_history` : null;
}

// History lines, oldest first. GNU readline writes one line an entry; libedit files start with
// a _HiStOrY_V2_ line and escape spaces as \040.
function loadHistory(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  let lines = text.split('\n');
  if (lines[0] === '_HiStOrY_V2_') {
    lines = lines.slice(1).map((l) => l.replace(/\\040/g, ' ').replace(/\\\\/g, '\\'));
  }
  return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

export class LineEditor {
  // stdin: the terminal's tty.ReadStream; output: a tty.WriteStream; file: the history file or
  // null (in-memory history only); complete(text): a promise of completions for a word.
  constructor({ stdin, output, file, complete, onInterrupt }) {
    this.onInterrupt = onInterrupt;
    this.stdin = stdin;
    this.output = output;
    this.file = file;
    this.complete = complete;
    this.keys = new EventEmitter();
    this.keys.pause = () => this.keys;
    this.keys.resume = () => this.keys;
    // So that Ctrl-Z (readline stops the process) leaves the terminal cooked, and raw again after.
    this.keys.setRawMode = (mode) => stdin.setRawMode(mode);
    this.typed = '';
    this.decoder = new StringDecoder('utf8');
    this.pending = null; // the resolver of the line being read
    this.search = null; // reverse search state while Ctrl-R is active
    const history = file ? loadHistory(file).slice(-HISTORY_SIZE).reverse() : [];
    this.lastSaved = history[0];
    this.rl = readline.createInterface({
      input: this.keys,
      output,
      terminal: true,
      history,
      historySize: HISTORY_SIZE,
      prompt: '',
      tabSize: 4,
      completer: (line, callback) => {
        let start = line.length;
        while (start > 0 && !DELIMS.has(line[start - 1])) start--;
        const word = line.slice(start);
        this.complete(word).then(
          (matches) => callback(null, [matches, word]),
          () => callback(null, [[], word]),
        );
      },
    });
    this.rl.on('line', (line) => this.finish({ kind: 'line', text: line }));
    // readline pauses while a completion is on its way; keys typed meanwhile wait for it.
    this.held = false;
    this.rl.on('pause', () => { this.held = true; });
    this.rl.on('resume', () => {
      this.held = false;
      setImmediate(() => this.pump());
    });
    this.onData = (chunk) => {
      this.typed += this.decoder.write(chunk);
      if (this.pending) {
        this.pump();
        return;
      }
      // Python is running: Ctrl-C interrupts it and, as a tty's does, drops the type-ahead.
      const at = this.typed.lastIndexOf('\x03');
      if (at >= 0) {
        this.typed = this.typed.slice(at + 1);
        this.onInterrupt();
      }
      // Ctrl-Z stops the process, as a tty's does, and the terminal is cooked while it is stopped.
      const z = this.typed.lastIndexOf('\x1a');
      if (z >= 0) {
        this.typed = this.typed.slice(0, z) + this.typed.slice(z + 1);
        this.suspend();
      }
    };
    // The terminal stays raw from start to end, so no key can slip in cooked between reads.
    stdin.setRawMode(true);
    stdin.on('data', this.onData);
    stdin.resume();
    // The terminal hung up: every read from now on is an end of file.
    this.closed = false;
    stdin.on('end', () => {
      this.closed = true;
      this.pump();
    });
  }

  // Reads one line. prompt: what Python has already written of the current line (the prompt);
  // readline redraws it in place. Resolves to {kind: 'line', text}, {kind: 'eof'} or
  // {kind: 'interrupt'}.
  readLine(prompt) {
    return new Promise((resolve) => {
      this.pending = resolve;
      if (this.closed && !this.typed) {
        this.finish({ kind: 'eof' });
        return;
      }
      this.rl.setPrompt(prompt);
      this.rl.prompt();
      this.pump();
    });
  }

  finish(result) {
    const resolve = this.pending;
    if (!resolve) return;
    this.pending = null;
    if (result.kind === 'line') this.save(result.text);
    resolve(result);
  }

  // Appends an entry to the history file as it is entered, so no exit (not even a kill) loses it.
  save(line) {
    if (line.trim() === '' || line === this.lastSaved) return;
    this.lastSaved = line;
    if (!this.file) return;
    try {
      fs.appendFileSync(this.file, line + '\n');
    } catch {
      // An unwritable history file is not an error, as with CPython's.
    }
  }

  // Hands readline what was typed, up to the end of one line; the rest waits for the next read.
  pump() {
    if (this.pending && this.closed && !this.typed) {
      this.finish({ kind: 'eof' });
      return;
    }
    while (this.pending && this.typed && !this.held) {
      if (this.search) {
        this.searchKey();
        continue;
      }
      const c = this.typed[0];
      if (c === '\x03') { // Ctrl-C
        this.typed = this.typed.slice(1);
        this.interrupt();
        return;
      }
      if (c === '\x04' && this.rl.line === '') { // Ctrl-D on an empty line
        this.typed = this.typed.slice(1);
        this.finish({ kind: 'eof' });
        return;
      }
      if (c === '\x12') { // Ctrl-R
        this.typed = this.typed.slice(1);
        this.startSearch();
        continue;
      }
      // One key at a time: readline treats a chunk of several keys as pasted text (a Tab in it
      // does not complete, and Node 20 mis-places a character typed in mid-line before a
      // newline in the same chunk).
      const n = keyLength(this.typed);
      const key = this.typed.slice(0, n);
      this.typed = this.typed.slice(n);
      this.keys.emit('data', key);
    }
  }

  // Ctrl-C while reading: the line is dropped. (Also for a SIGINT that came in before the
  // terminal was made raw for this read.)
  interrupt() {
    if (!this.pending) return false;
    if (this.search) this.endSearch(false);
    // No newline: CPython writes what follows (at the REPL, a newline and KeyboardInterrupt).
    this.clearLine();
    this.finish({ kind: 'interrupt' });
    return true;
  }

  clearLine() {
    this.rl.line = '';
    this.rl.cursor = 0;
  }

  startSearch() {
    this.search = { query: '', index: -1, line: this.rl.line, cursor: this.rl.cursor, prompt: this.rl.getPrompt() };
    this.showSearch();
  }

  // Finds the query in history from entry `from` on (older entries have higher indices).
  findMatch(from) {
    const { history } = this.rl;
    for (let i = Math.max(0, from); i < history.length; i++) {
      if (history[i].includes(this.search.query)) return i;
    }
    return -1;
  }

  showSearch(failed = false) {
    const s = this.search;
    const match = s.index >= 0 ? this.rl.history[s.index] : s.line;
    this.rl.setPrompt(`(${failed ? 'failed ' : ''}reverse-i-search)\`${s.query}': `);
    this.rl.line = match;
    this.rl.cursor = s.index >= 0 ? Math.max(0, match.indexOf(s.query)) : s.cursor;
    this.rl.prompt(true);
  }

  endSearch(keepMatch) {
    const s = this.search;
    this.search = null;
    this.rl.setPrompt(s.prompt);
    if (!keepMatch || s.index < 0) {
      this.rl.line = s.line;
      this.rl.cursor = s.cursor;
    }
    this.rl.prompt(true);
  }

  searchKey() {
    const s = this.search;
    const c = this.typed[0];
    if (c === '\x12') { // next older match
      this.typed = this.typed.slice(1);
      const i = s.query ? this.findMatch(s.index + 1) : -1;
      if (i >= 0) s.index = i;
      this.showSearch(i < 0);
    } else if (c === '\x7f' || c === '\b') {
      this.typed = this.typed.slice(1);
      s.query = s.query.slice(0, -1);
      s.index = s.query ? this.findMatch(0) : -1;
      this.showSearch();
    } else if (c === '\x07') { // Ctrl-G: give up, the line as it was
      this.typed = this.typed.slice(1);
      this.endSearch(false);
    } else if (c >= ' ' && c !== '\x7f') {
      this.typed = this.typed.slice(1);
      s.query += c;
      const i = this.findMatch(Math.max(0, s.index));
      if (i >= 0) s.index = i;
      this.showSearch(i < 0);
    } else {
      // Any other key takes the match and then acts on it (Enter runs it, arrows edit it).
      this.endSearch(true);
    }
  }

  suspend() {
    try {
      this.stdin.setRawMode(false);
      process.once('SIGCONT', () => this.stdin.setRawMode(true));
      process.kill(process.pid, 'SIGTSTP');
    } catch {
      // No job control here: the key is dropped.
    }
  }

  close() {
    if (this.pending) this.finish({ kind: 'eof' });
    try {
      this.stdin.setRawMode(false);
    } catch {
      // The terminal is gone already.
    }
    this.rl.close();
    this.stdin.pause();
  }
}
